// readme.test.ts — every ```ts example in README.md runs, on the adapter Node finds, as a
// user would paste it: `from 'springloop'` resolves to src/index.ts ('springloop/kernels' to
// src/kernel-authoring.ts, 'springloop/analysis' to src/dynamics.ts), and what it prints is checked against what the README's comments
// promise. An example that stops working (a renamed option, a changed return shape) fails
// here instead of in a user's hands.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const INDEX = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const KERNELS = fileURLToPath(new URL('../../src/kernel-authoring.ts', import.meta.url));
const ANALYSIS = fileURLToPath(new URL('../../src/dynamics.ts', import.meta.url));
const ESN = fileURLToPath(new URL('../../src/echo-state.ts', import.meta.url));

/** The ```ts blocks of the README, in order. */
function examples(): string[] {
  return [...readFileSync(README, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Runs one example as a module; returns the lines it printed with console.log. */
async function runExample(code: string): Promise<unknown[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const file = join(dir, 'example.ts');
  const entries = { springloop: INDEX, 'springloop/kernels': KERNELS, 'springloop/analysis': ANALYSIS, 'springloop/esn': ESN };
  let source = code;
  for (const [name, path] of Object.entries(entries)) source = source.replaceAll(`from '${name}'`, `from ${JSON.stringify(path)}`);
  writeFileSync(file, source);
  const printed: unknown[][] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
  }
  return printed;
}

/** What each example must print, in the README's order. */
const EXPECT: Record<string, (printed: unknown[][]) => void> = {
  simulate: (p) => {
    expect(p[0]!.slice(0, 2)).toEqual([1000, 201]);
    expect(Math.abs(p[0]![2] as number)).toBeLessThan(10);
  },
  forecast: (p) => {
    expect(p.slice(0, 5).map((l) => String(l[0]).split(':')[0])).toEqual(['epoch 1', 'epoch 2', 'epoch 3', 'epoch 4', 'epoch 5']);
    expect(p[5]![0]).toBeLessThan(1); // the README says: below 1, better than persistence
    expect(p[6]![0]).toBeGreaterThan(10);
    expect(p[7]![0]).toBe(10);
    expect(p[8]).toEqual(['number', 60]);
  },
  esn: (p) => {
    expect(p[0]).toEqual([true]);
    expect(p[1]![0]).toBeLessThan(0.05);
    expect(p[2]).toEqual([100]);
  },
  model: (p) => {
    expect(p[0]).toEqual([40, expect.any(Number), 4 * 8 * 8]);
    expect(p[0]![1]).toBeGreaterThan(0);
  },
  bidirectional: (p) => expect(p[0]).toEqual([[4, 16, 32], true, true]),
  recovery: (p) => {
    expect(p[0]).toEqual(['destroyed']);
    expect(p[1]).toEqual([true]);
  },
  dynamics: (p) => {
    expect(p[0]).toEqual(['unstable', true]);
    expect(p[1]).toEqual([30, true]);
  },
  kernel: (p) => expect(p[0]![0]).toEqual(new Float32Array([2, 4, 6, 8])),
};

describe('README examples', () => {
  const found = examples();
  it('has the examples this test knows', () => {
    expect(found).toHaveLength(Object.keys(EXPECT).length);
  });
  Object.entries(EXPECT).forEach(([name, check], k) => {
    it(`${name} (code block ${k + 1}) runs and prints what its comments say`, async () => {
      check(await runExample(found[k]!));
    });
  });
});
