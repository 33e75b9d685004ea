// checkpoint.test.ts — checkpoints on disk: they round-trip, a failed save leaves the previous
// one intact and no stray file, and every kind of damage is named (file and field) when the
// checkpoint is loaded and checked against a run (checkpoint-check.ts).
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from '../../src/train/node/checkpoint';
import { checkCheckpoint } from '../../src/train/node/checkpoint-check';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors';
import { mergeConfig } from '../../src/train/config';
import { modelConfigFor, planRun } from '../../src/train/plan';
import { modelParamShapes } from '../../src/model/params';

function state(epoch: number): CheckpointState {
  const w = { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, epoch]) };
  const b = { shape: [2], data: Float32Array.from([0.1, -0.2]) };
  return {
    config: { cells: ['lstm'], lr: 0.001 }, cell: 'lstm', epoch, batch: 0, step: 10 * epoch,
    params: { 'weight_ih_l0': w, 'head.bias': b },
    optimizer: { exp_avg: { 'weight_ih_l0': w, 'head.bias': b }, exp_avg_sq: { 'weight_ih_l0': w, 'head.bias': b } },
    history: { trainLoss: [1, 0.5] }, trainSeconds: 1.5, complete: false,
  };
}

const stripped = (s: CheckpointState) => JSON.parse(JSON.stringify(s, (_k, v) => (v instanceof Float32Array ? [...v] : v))) as unknown;

describe('checkpoints', () => {
  it('round-trip every tensor bit for bit, and the weights file is a plain state dict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, state(3));
    const back = (await loadCheckpoint(dir))!;
    const { files, optimizerFileStep, ...rest } = back;
    expect(stripped({ ...rest, params: Object.fromEntries(Object.entries(rest.params).map(([k, t]) => [k, { shape: t.shape, data: t.data }])), optimizer: state(3).optimizer })).toEqual(stripped(state(3)));
    expect(optimizerFileStep).toBe('30');
    expect(files.weights).toBe(join(dir, 'model-e00003.safetensors'));
    const weights = decodeSafetensors(new Uint8Array(await readFile(files.weights)));
    expect(Object.keys(weights.tensors).sort()).toEqual(['head.bias', 'weight_ih_l0']);
  });

  it('a mid-epoch checkpoint carries its step within the epoch and the loss sums so far', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, { ...state(2), batch: 5, lossSums: [1, 2, 0, 0, 0, 0, 0, 0] });
    const back = (await loadCheckpoint(dir))!;
    expect(back).toMatchObject({ epoch: 2, batch: 5, lossSums: [1, 2, 0, 0, 0, 0, 0, 0] });
    expect(back.files.weights).toMatch(/model-e00002-b00005\.safetensors$/);
  });

  it('keeps only the newest weight files, and a stray temporary file does not matter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, state(1));
    await writeFile(join(dir, 'checkpoint.json.tmp-1-0'), '{ interrupted');
    await saveCheckpoint(dir, state(2));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.safetensors')).sort();
    expect(files).toEqual(['model-e00002.safetensors', 'optimizer-e00002.safetensors']);
    expect((await loadCheckpoint(dir))!.epoch).toBe(2);
  });

  it('a save that fails part-way names the file, leaves the previous checkpoint whole and removes what it wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, state(1));
    await mkdir(join(dir, 'optimizer-e00002.safetensors')); // the rename onto it fails
    await expect(saveCheckpoint(dir, state(2))).rejects.toThrow(/cannot write .*optimizer-e00002\.safetensors: it is a directory \(EISDIR\)/);
    const names = await readdir(dir);
    expect(names.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(names).not.toContain('model-e00002.safetensors');
    expect((await loadCheckpoint(dir))!.epoch).toBe(1);
  });

  it('names the file when there is none, or it is foreign, empty, truncated, or points outside its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    expect(await loadCheckpoint(dir)).toBeNull();
    const json = join(dir, 'checkpoint.json');
    await writeFile(json, JSON.stringify({ format: 'other' }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/checkpoint.json: not a springloop checkpoint \(format 'other' \(a string\)\)/);
    await writeFile(json, '');
    await expect(loadCheckpoint(dir)).rejects.toThrow(`${json} is empty`);
    await saveCheckpoint(dir, state(1));
    const good = await readFile(json, 'utf8');
    await writeFile(json, good.slice(0, good.length / 2));
    await expect(loadCheckpoint(dir)).rejects.toThrow(`${json} is not valid JSON`);
    await writeFile(json, good.replace('"model-e00001.safetensors"', '"../../etc/passwd"'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/"weights" must name a .safetensors file in its directory, got '..\/..\/etc\/passwd'/);
    await writeFile(json, good.replace('"model-e00001.safetensors"', '"model-e00009.safetensors"'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/cannot read .*model-e00009.safetensors: no such file or directory \(ENOENT\)/);
    await writeFile(json, good);
    await writeFile(join(dir, 'model-e00001.safetensors'), new Uint8Array(5));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model-e00001.safetensors: safetensors: file is truncated/);
  });
});

describe('a checkpoint is checked against the run it resumes', async () => {
  const plan = planRun(mergeConfig({ dataset: 'sine', cells: ['rnn'], hidden: 4, layers: 1, seq: 8, epochs: 3, batch: 100 }));
  const perEpoch = Math.ceil(plan.windows.trainStarts.length / 100);
  const shapes = modelParamShapes(modelConfigFor(plan, 'rnn'));
  const tensors = (fill: number) => Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, { shape: s, data: new Float32Array(s.reduce((a, d) => a * d, 1)).fill(fill) }]));
  const report = (epoch: number) => ({ epoch, trainLoss: 0.5, testLoss: 0.6 });
  const good = (): CheckpointState => ({
    config: { ...plan.config }, cell: 'rnn', epoch: 2, batch: 0, step: 2 * perEpoch,
    params: tensors(0.1), optimizer: { exp_avg: tensors(0.01), exp_avg_sq: tensors(0.001) },
    history: { epochs: [report(1), report(2)] }, trainSeconds: 1, complete: false,
  });
  const check = async (s: CheckpointState) => {
    const dir = await mkdtemp(join(tmpdir(), 'ckck-'));
    await saveCheckpoint(dir, s);
    return checkCheckpoint((await loadCheckpoint(dir))!, plan, 'rnn');
  };

  it('a good one gives the trainer its position, history and tensors', async () => {
    const point = await check(good());
    expect(point.progress).toMatchObject({ epoch: 2, batch: 0, step: 2 * perEpoch });
    expect(point.params.weight_hh_l0).toEqual(new Float32Array(16).fill(0.1));
    expect(Object.keys(point.optimizer)).toEqual(['exp_avg', 'exp_avg_sq']);
  });

  const damaged: [string, (s: CheckpointState) => void, RegExp][] = [
    ['a NaN weight', (s) => (s.params.weight_hh_l0!.data[3] = NaN), /model-e00002.safetensors: parameters do not match the model: tensor "weight_hh_l0" has 1 non-finite value\(s\), first at flat index 3/],
    ['an Inf in Adam\'s state', (s) => (s.optimizer.exp_avg!.bias_ih_l0!.data[0] = Infinity), /optimizer-e00002.safetensors, state 'exp_avg': .*"bias_ih_l0" has 1 non-finite/],
    ['a negative second moment', (s) => (s.optimizer.exp_avg_sq!.weight_ih_l0!.data[1] = -1), /"exp_avg_sq.weight_ih_l0"\[1\] is -1, but Adam's second moment .* is never negative/],
    ['a wrongly shaped weight', (s) => (s.params.weight_hh_l0!.shape = [2, 8]), /tensor "weight_hh_l0" has shape \[2, 8\], expected \[4, 4\]/],
    ['a missing optimizer state', (s) => delete s.optimizer.exp_avg_sq, /holds optimizer state \[exp_avg\], but --optimizer adam keeps \[exp_avg, exp_avg_sq\]/],
    ['epoch "one"', (s) => ((s as { epoch: unknown }).epoch = 'one'), /checkpoint.json: "epoch" must be an integer in \[0, 3\], got 'one' \(a string\)/],
    ['epoch 99 of 3', (s) => (s.epoch = 99), /"epoch" must be an integer in \[0, 3\], got 99/],
    ['a fractional step', (s) => (s.step = 2.5), /"step" must be an integer >= 0, got 2.5/],
    ['a step that does not add up', (s) => (s.step += 1), /"step" is \d+, but 2 epochs of \d+ steps and 0 more make \d+/],
    ['a batch past the epoch', (s) => (s.batch = perEpoch), /"batch" must be an integer in \[0, \d+\]/],
    ['a mid-epoch checkpoint without loss sums', (s) => ((s.batch = 1), (s.step += 1)), /"lossSums" must be 8 finite numbers >= 0/],
    ['a history of the wrong length', (s) => (s.history = { epochs: [report(1)] }), /"history.epochs" must list the 2 completed epoch\(s\)/],
    ['a NaN loss in the history', (s) => ((s.history.epochs as { trainLoss: number }[])[1]!.trainLoss = NaN), /"history.epochs\[1\]".trainLoss must be a finite number, got null/],
    ['another cell', (s) => (s.cell = 'gru'), /"cell" is 'gru' \(a string\), but the file lies in the checkpoints of rnn/],
    ['negative training time', (s) => (s.trainSeconds = -1), /"trainSeconds" must be a finite number >= 0, got -1/],
  ];
  it.each(damaged)('%s is named with its file and field', async (_what, damage, message) => {
    const s = good();
    damage(s);
    await expect(check(s)).rejects.toThrow(message);
  });

  it('an optimizer file from another save is caught by its step', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckck-'));
    await saveCheckpoint(dir, good());
    const { files } = (await loadCheckpoint(dir))!;
    const flat = Object.fromEntries(Object.entries(good().optimizer).flatMap(([st, ts]) => Object.entries(ts).map(([k, t]) => [`${st}.${k}`, t])));
    await writeFile(files.optimizer, encodeSafetensors(flat, { step: '7' }));
    const changed = (await loadCheckpoint(dir))!;
    expect(() => checkCheckpoint(changed, plan, 'rnn')).toThrow(/its metadata says step '7' \(a string\), but .*checkpoint.json says step/);
  });
});
