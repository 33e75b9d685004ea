// run-safety.test.ts — `springloop train` never loses or fakes a run: a directory holding a
// run is refused (and --overwrite moves it aside), a failed start writes nothing, a diverged
// run is an error that keeps the last finite checkpoint and presents no results, and --resume
// refuses damaged checkpoints and changed settings (unless --allow-change, then recorded).
// The conformance runner fails on a file without cases.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { loadCheckpoint } from '../../src/train/node/checkpoint';
import { encodeSafetensors } from '../../src/io/safetensors';
import { buildScript, runCli } from './cli-process';

const SETTINGS: Record<string, string> = { dataset: 'sine', cells: 'rnn', hidden: '4', layers: '1', seq: '8', epochs: '2', rollout: '0' };
/** The tiny run's flags, with some changed or added. */
const tiny = (changes: Record<string, string> = {}) => Object.entries({ ...SETTINGS, ...changes }).flatMap(([k, v]) => [`--${k}`, v]);
const TINY = tiny();

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'springloop-safety-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `springloop train ...` in this process; returns the exit code and stderr. */
async function train(...argv: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await main(['train', ...argv]), err: lines.join('\n') };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort().map((f) => `${f} ${statSync(join(dir, f)).mtimeMs}`);

describe('one run per directory', () => {
  it('refuses a finished run and a stopped one, naming what is there and the choices; --overwrite moves the old run aside', async () => {
    const dir = join(root, 'reuse');
    expect((await train(...TINY, '--out', dir)).code).toBe(0);
    const before = listing(dir);
    const again = await train(...TINY, '--out', dir);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/--out .*reuse already holds a finished run \(rnn; 2 epochs; results.json\); choose a new --out directory, or add --overwrite/);
    expect(listing(dir)).toEqual(before);
    const moved = await train(...tiny({ epochs: '1' }), '--out', dir, '--overwrite');
    expect(moved.code, moved.err).toBe(0);
    const old = moved.err.match(/moved the old run in .* to (\S+)/)![1]!;
    expect(JSON.parse(readFileSync(join(old, 'results.json'), 'utf8')).results[0].epochs).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).results[0].epochs).toBe(1);
    expect(readdirSync(join(dir, 'checkpoints', 'rnn')).filter((f) => f.endsWith('.safetensors')).sort()).toEqual(['model-e00001.safetensors', 'optimizer-e00001.safetensors']);

    const stopped = join(root, 'stopped');
    expect((await train(...TINY, '--out', stopped, '--stop-after', '1')).code).toBe(0);
    const refused = await train(...TINY, '--out', stopped);
    expect(refused.err).toMatch(/already holds a stopped run \(rnn: epoch 1 of 2\); continue it with `springloop train --resume .*stopped`/);
    expect((await loadCheckpoint(join(stopped, 'checkpoints', 'rnn')))!.epoch).toBe(1);
    const finished = await train('--resume', dir);
    expect(finished.err).toMatch(/--resume .*reuse: a finished run .* there is nothing left to train/);
  });

  it('a start that fails (bad adapter, impossible sizes, too big a batch) writes nothing', async () => {
    for (const [changes, message] of [
      [{ adapter: 'nosuch' }, /no WebGPU adapter matching adapter='nosuch'/],
      [{ hidden: '100000' }, /--hidden 100000 --layers 1 needs 40 GB of parameters \(rnn: 10000\d+ floats\); this device allows .* per buffer \(maxBufferSize\)/],
      [{ epochs: '1000000000', 'checkpoint-every': '0' }, /--epochs 1000000000 needs 32 GB of loss history/],
      [{ batch: '1000000' }, /--batch 1000000 is larger than the 744 training windows \(use --batch 744 or less\)/],
      [{ 'stop-after': '0' }, /--stop-after must be an integer >= 1, got 0/],
      [{ dataset: 'ensemble', rows: '1000000000' }, /--rows 1000000000 needs .* of host memory for the data set \(1000000000 × 1001 samples\)/],
    ] as const) {
      const dir = join(root, `failed-${Object.values(changes).join('-')}`);
      const { code, err } = await train(...tiny(changes), '--out', dir);
      expect(code, err).toBe(1);
      expect(err).toMatch(message);
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe('divergence is an error', () => {
  it('a NaN loss stops the run (exit 1) with the epoch, a hint and no results; a later divergence keeps the last finite checkpoint', async () => {
    const dir = join(root, 'diverge');
    const first = await train(...tiny({ optimizer: 'sgd', lr: '1e6' }), '--out', dir);
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/rnn: training diverged in epoch 1: the training loss is NaN \(no epoch had a finite loss\)\. Nothing was evaluated: lower --lr \(now 1000000\) or clip the gradients with --clip 1; no checkpoint was written/);
    expect(existsSync(join(dir, 'results.json'))).toBe(false);

    const later = join(root, 'diverge-later');
    expect((await train(...tiny({ optimizer: 'sgd', lr: '0.01' }), '--out', later, '--stop-after', '1')).code).toBe(0);
    const second = await train('--resume', later, '--lr', '1e6', '--allow-change');
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/training diverged in epoch 2: the training loss is NaN \(last finite training loss .*, in epoch 1\).*the last finite checkpoint \(epoch 1\) is kept in .*diverge-later\/checkpoints\/rnn/);
    expect((await loadCheckpoint(join(later, 'checkpoints', 'rnn')))!.epoch).toBe(1);
    expect(existsSync(join(later, 'results.json'))).toBe(false);
  });
});

describe('--resume checks what it loads', () => {
  let stopped = '';
  beforeAll(async () => {
    stopped = join(root, 'damaged-source');
    expect((await train(...tiny({ epochs: '3' }), '--out', stopped, '--stop-after', '1')).code).toBe(0);
  });
  const copy = (name: string) => {
    const dir = join(root, name);
    rmSync(dir, { recursive: true, force: true });
    cpSync(stopped, dir, { recursive: true });
    return dir;
  };
  const ckpt = (dir: string) => join(dir, 'checkpoints', 'rnn');

  it.each([
    ['NaN weights', async (dir: string) => {
      const ck = (await loadCheckpoint(ckpt(dir)))!;
      const params = Object.fromEntries(Object.entries(ck.params).map(([k, t]) => [k, { shape: t.shape, data: t.data.map(() => NaN) }]));
      writeFileSync(ck.files.weights, encodeSafetensors(params, { format: 'pt' }));
    }, /model-e00001.safetensors: parameters do not match the model: tensor "[\w.]+" has \d+ non-finite value/],
    ['"epoch": "one"', (dir: string) => edit(join(ckpt(dir), 'checkpoint.json'), (j) => (j.epoch = 'one')), /checkpoint.json: "epoch" must be an integer in \[0, 3\], got 'one' \(a string\)/],
    ['an empty checkpoint.json', (dir: string) => writeFileSync(join(ckpt(dir), 'checkpoint.json'), ''), /checkpoint.json is empty/],
    ['config.json edited to another lr', (dir: string) => edit(join(dir, 'config.json'), (j) => (j.lr = 0.01)), /--lr would change from 0.001 \(.*checkpoint.json was trained with it\) to 0.01 .*; add --allow-change/],
  ])('refuses %s, naming the file and field', async (_what, damage, message) => {
    const dir = copy('damaged');
    await damage(dir);
    const before = listing(dir);
    const { code, err } = await train('--resume', dir);
    expect(code).toBe(1);
    expect(err).toMatch(message);
    expect(listing(dir)).toEqual(before);
  });

  it('refuses a changed shape always; takes a changed hyper-parameter with --allow-change and records it', async () => {
    const dir = copy('changes');
    expect((await train('--resume', dir, '--hidden', '8', '--allow-change')).err).toMatch(/--hidden cannot change when a run resumes .* start a new run/);
    const { code, err } = await train('--resume', dir, '--lr', '0.0005', '--allow-change');
    expect(code, err).toBe(0);
    expect(err).toMatch(/resuming with --lr 0.001 -> 0.0005 \(recorded in/);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.lr).toBe(0.0005);
    expect(config.changes).toEqual([{ time: expect.any(String), at: ['rnn: epoch 1'], changed: { lr: [0.001, 0.0005] } }]);
  });
});

describe('the conformance runner', () => {
  it('fails on a file without cases', async () => {
    const script = await buildScript('scripts/conformance.ts');
    const file = join(root, 'zero.json');
    writeFileSync(file, JSON.stringify({ meta: {}, cases: [] }));
    const r = await runCli(script, [file]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/zero.json holds no conformance cases/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});

function edit(path: string, change: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(json);
  writeFileSync(path, JSON.stringify(json));
}
