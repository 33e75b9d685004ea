// Bad input to `springloop train` fails with a clear message before any GPU work: the GPU
// runtime is replaced by one that fails loudly if it is ever initialised.
import { describe, expect, it, vi } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('../../src/gpu/device', () => ({
  init: () => {
    throw new Error('GPU INITIALISED');
  },
}));

const { main } = await import('../../src/cli');

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(['train', ...args]), err: err.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('springloop train: clear errors before any GPU work', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'badin-'));
  const file = join(dir, 'a-file');
  await writeFile(file, 'x');
  it.each([
    [['--cells', 'rnn,lstm,tcn'], /unknown cell 'tcn'/],
    [['--seq', '6000'], /seq 6000 is longer than the data allows/],
    [['--dataset', 'sine', '--seq', '999'], /seq 999 is longer than the data allows: 1000 samples/],
    [['--batch', '0'], /--batch must be an integer >= 1, got 0/],
    [['--lr', 'NaN'], /--lr must be a finite number, got 'NaN'/],
    [['--lr', '-1'], /--lr must be a finite number > 0, got -1/],
    [['--out', join(file, 'sub')], /--out .*a-file\/sub cannot be created: .*a-file is a file, not a directory/],
  ])('%j', async (args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/GPU INITIALISED/);
  });

  it('a non-finite lr in a config file is named too', async () => {
    const cfg = join(dir, 'bad.json');
    await writeFile(cfg, '{"lr": "1e-3"}');
    const { code, err } = await run(['--config', cfg, '--out', dir]);
    expect(code).toBe(1);
    expect(err).toMatch(/--lr must be a finite number > 0, got '1e-3' \(a string\)/);
  });
});
