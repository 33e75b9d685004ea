// analyze-cli-args.test.ts — `springloop analyze` rejects bad flag combinations and values
// with the flag's name, before any GPU work (the runtime is replaced by one that fails loudly).
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../src/gpu/device', () => ({
  init: () => {
    throw new Error('GPU INITIALISED');
  },
}));

const { main } = await import('../../src/cli');
const { resolveAnalyzeArgs } = await import('../../src/cli/analyze');

describe('springloop analyze arguments', () => {
  it.each([
    [[], /exactly one of --model FILE, --physics-rnn or --experiment NAME/],
    [['--physics-rnn', '--k', '1', '--c', '0.1', '--experiment', 'rho-sweep'], /exactly one of .*\(got --physics-rnn, --experiment\)/],
    [['--physics-rnn', '--k', '1', '--c', '0.1'], /--physics-rnn needs --dt/],
    [['--physics-rnn', '--k', '1', '--c', '0.1', '--dt', '0'], /--dt must be a finite number > 0, got 0/],
    [['--model', 'x.safetensors', '--k', '1'], /--k applies to --physics-rnn only/],
    [['--physics-rnn', '--k', '1', '--c', '0', '--dt', '0.1', '--dataset', 'sine'], /--dataset applies to --model only/],
    [['--experiment', 'fly'], /--experiment must be one of 'rho-sweep', 'long-memory', got 'fly'/],
    [['--experiment', 'rho-sweep', '--starts', '2.5'], /--starts must be an integer >= 1, got 2.5/],
    [['--physics-rnn', '--k', '1', '--c', '0', '--dt', '0.1', '--quick'], /--quick applies to --experiment only/],
    [['--physics-rnn', '--k', '1', '--c', '0', '--dt', '0.1', 'extra'], /unexpected argument 'extra'/],
  ] as const)('%j', (argv, message) => {
    expect(() => resolveAnalyzeArgs(argv)).toThrow(message);
  });

  it('a missing weights file is named, exit 1, no GPU', async () => {
    const err: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    try {
      expect(await main(['analyze', '--model', '/nonexistent/lstm.safetensors'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('\n')).toMatch(/--model \/nonexistent\/lstm.safetensors: cannot read it/);
  });
});
