// `springloop <command> --help` and `springloop help <command>` print that command's usage
// and exit 0 without touching the GPU (the runtime is replaced by one that fails loudly).
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/gpu/device', () => ({
  init: () => {
    throw new Error('GPU INITIALISED');
  },
}));

const { main } = await import('../../src/cli');

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('springloop --help', () => {
  it.each(['info', 'simulate', 'train', 'bench', 'analyze'])('%s --help, -h and `help %s` print its usage', async (command) => {
    for (const argv of [[command, '--help'], [command, '--adapter', 'lavapipe', '-h'], ['help', command]]) {
      const { code, out, err } = await capture(argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(out).toMatch(new RegExp(`^usage: springloop ${command}`));
      expect(out).toContain('--adapter');
      expect(err).toBe('');
    }
  });

  it('the top-level usage lists every command; an unknown command exits 2 with it', async () => {
    const help = await capture(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['info', 'simulate', 'train', 'bench', 'analyze']) expect(help.out).toContain(`  ${command} `);
    const unknown = await capture(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command 'fly'/);
  });
});
