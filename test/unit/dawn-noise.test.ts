import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module shipped with the CLI, without types
import { dawnNoiseFilter, DAWN_NOISE } from '../../bin/dawn-noise.js';

const NOISE = [
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 500000 to 16 to fit dynamic offset allocation limit.',
];

function run(chunks: string[]): { out: string; writes: string[] } {
  const writes: string[] = [];
  const f = dawnNoiseFilter((t: string) => writes.push(t));
  for (const c of chunks) f.push(c);
  f.end();
  return { out: writes.join(''), writes };
}

describe('dawnNoiseFilter', () => {
  it('drops exactly Dawn’s two start-up lines, also when split across chunks', () => {
    const text = `before\n${NOISE[0]}\n${NOISE[1]}\nafter\n`;
    for (const size of [1, 7, 50, text.length]) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(run(chunks).out, `chunks of ${size}`).toBe('before\nafter\n');
    }
  });

  it('keeps other warnings, including ones that start alike', () => {
    const other = ['Warning: something else', 'Warning: maxDynamicUniformBuffersPerPipelineLayout is 8', 'error: Warning: maxDynamic…'];
    expect(run([other.join('\n') + '\n']).out).toBe(other.join('\n') + '\n');
  });

  it('passes a progress bar redrawn with \\r through at once, without waiting for a newline', () => {
    const { writes } = run(['\r\x1b[2K[###-----] lstm epoch 1/3', '\r\x1b[2K[######--] lstm epoch 2/3']);
    expect(writes).toEqual(['\r\x1b[2K[###-----] lstm epoch 1/3', '\r\x1b[2K[######--] lstm epoch 2/3']);
  });

  it('a trailing partial line is written at the end unless it is noise', () => {
    expect(run(['Warning: maxDyn']).out).toBe('Warning: maxDyn');
    expect(run([NOISE[0]!]).out).toBe('');
    expect(DAWN_NOISE.test(`${NOISE[0]}\r`)).toBe(true);
  });
});
