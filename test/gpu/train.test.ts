// train.test.ts — end-to-end training on the adapter Node finds: the loss falls on the sine
// task, a checkpoint reproduces predictions bit for bit, and an interrupted-then-resumed run
// ends with exactly the weights of an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useGpu } from './gpu-context';
import { runTraining } from '../../src/train/node/run';
import { mergeConfig } from '../../src/train/config';
import { planRun, modelConfigFor } from '../../src/train/plan';
import { loadCheckpoint } from '../../src/train/node/checkpoint';
import { materializeDataset, GpuWindows } from '../../src/data/gpu-data';
import { RecurrentModel } from '../../src/model/recurrent-model';
import { recurrentModelHandle } from '../../src/train/model-handle';
import { evaluateForecast } from '../../src/train/evaluate';
import { Trainer } from '../../src/train/trainer';
import { restoreTrainer, snapshotTrainer } from '../../src/train/node/trainer-state';
import { Forecaster } from '../../src/train/forecaster';

const gpu = useGpu();

/** The loss history of a finished run, from its checkpoint. */
async function runHistory(dir: string): Promise<unknown> {
  return (await loadCheckpoint(join(dir, 'checkpoints', 'lstm')))!.history.epochs;
}
const SMALL = { dataset: 'sine', cells: ['lstm'], hidden: 12, layers: 1, seq: 16, batch: 32, rollout: 0 };

describe('training', () => {
  it('a short run on the sine task lowers the training loss at least 10×', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'train-'));
    const config = mergeConfig({ ...SMALL, epochs: 4, lr: 0.01, target: 'value', checkpointEvery: 0 });
    const run = await runTraining({ config, outDir, resume: false });
    const losses = run.cells[0]!.history.map((h) => h.trainLoss);
    expect(losses).toHaveLength(4);
    expect(losses[0]! / losses[3]!).toBeGreaterThanOrEqual(10);
    const results = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'));
    expect(results.results[0].r2).toBeGreaterThan(0.9);
    expect((await readFile(join(outDir, 'figure.svg'), 'utf8')).startsWith('<svg')).toBe(true);
    // The weights file loads as a Forecaster (options + normalisation in its metadata) and
    // reproduces the run's one-step test predictions.
    const spec = planRun(config).spec;
    const xv = spec.host!();
    const x = Float32Array.from({ length: spec.samples }, (_, s) => xv[2 * s]!);
    const f = await Forecaster.load(gpu.sched, new Uint8Array(await readFile(join(outDir, 'lstm.safetensors'))), x);
    try {
      expect(f.options).toMatchObject({ cell: 'lstm', hidden: 12, layers: 1, seq: 16, target: 'value' });
      expect((await f.evaluate('test')).predictions).toEqual(run.cells[0]!.testPred);
    } finally {
      f.destroy();
    }
  });

  it('an interrupted run resumed from its checkpoint ends with the weights of an uninterrupted one', async () => {
    const config = mergeConfig({ ...SMALL, epochs: 3, lr: 0.005, noise: 0.05, clip: 1, schedule: 'cosine', checkpointEvery: 1 });
    const whole = await mkdtemp(join(tmpdir(), 'whole-'));
    const parts = await mkdtemp(join(tmpdir(), 'parts-'));
    await runTraining({ config, outDir: whole, resume: false });
    const first = await runTraining({ config, outDir: parts, resume: false, stopAfterEpochs: 1 });
    expect(first.interrupted).toBe(true);
    expect((await loadCheckpoint(join(parts, 'checkpoints', 'lstm')))!.epoch).toBe(1);
    const second = await runTraining({ config, outDir: parts, resume: true });
    expect(second.interrupted).toBe(false);
    const a = await readFile(join(whole, 'lstm.safetensors'));
    const b = await readFile(join(parts, 'lstm.safetensors'));
    expect(Buffer.compare(a, b)).toBe(0);
    const ra = JSON.parse(await readFile(join(whole, 'results.json'), 'utf8'));
    const rb = JSON.parse(await readFile(join(parts, 'results.json'), 'utf8'));
    expect(rb.results[0].mse).toBe(ra.results[0].mse);
    const ca = (await loadCheckpoint(join(whole, 'checkpoints', 'lstm')))!;
    const cb = (await loadCheckpoint(join(parts, 'checkpoints', 'lstm')))!;
    expect(cb.step).toBe(ca.step);
    expect(cb.history).toEqual(ca.history);
    for (const [name, t] of Object.entries(ca.optimizer.exp_avg_sq!)) expect([...cb.optimizer.exp_avg_sq![name]!.data]).toEqual([...t.data]);
  });

  it('a stop request mid-epoch checkpoints that step (with the epoch\'s loss sums) and resumes bit for bit', async () => {
    const config = mergeConfig({ ...SMALL, epochs: 2, lr: 0.005, checkpointEvery: 0 });
    const whole = await mkdtemp(join(tmpdir(), 'whole-'));
    const parts = await mkdtemp(join(tmpdir(), 'parts-'));
    await runTraining({ config, outDir: whole });
    let checks = 0;
    const stopped = await runTraining({ config, outDir: parts, control: { stopRequested: () => ++checks > 30 } });
    expect(stopped.interrupted).toBe(true);
    const ck = (await loadCheckpoint(join(parts, 'checkpoints', 'lstm')))!;
    expect(ck.batch).toBeGreaterThan(0); // 30 checks: within epoch 2 (24 steps an epoch)
    expect(ck.lossSums).toHaveLength(8);
    const resumed = await runTraining({ config, outDir: parts, mode: 'resume' });
    expect(resumed.interrupted).toBe(false);
    expect(Buffer.compare(await readFile(join(whole, 'lstm.safetensors')), await readFile(join(parts, 'lstm.safetensors')))).toBe(0);
    expect(resumed.cells[0]!.history).toEqual((await runHistory(whole)));
  });

  it('weights saved by a run reproduce its test predictions bit for bit in a fresh model', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    const config = mergeConfig({ ...SMALL, cells: ['gru'], epochs: 1, checkpointEvery: 1 });
    const run = await runTraining({ config, outDir, resume: false });
    const plan = planRun(config);
    const traj = await materializeDataset(gpu.sched, plan.spec);
    const data = new GpuWindows(gpu.sched, traj, plan.windows, plan.features);
    await data.prepare();
    data.recordSetup();
    const model = await RecurrentModel.create(gpu.sched, modelConfigFor(plan, 'gru'), { seed: 999 });
    model.loadSafetensors(new Uint8Array(await readFile(join(outDir, 'gru.safetensors'))));
    const handle = recurrentModelHandle(model);
    const buf = data.createBatch(256, 'eval');
    const { pred } = await evaluateForecast(gpu.sched, handle, data, buf, plan.windows.testStarts);
    expect([...pred]).toEqual([...run.cells[0]!.testPred!]);
    handle.destroy();
    data.destroy();
    traj.destroy();
  });

  it('sequence-to-label (damping regime) reports accuracy; many-to-many with truncated BPTT trains', async () => {
    const labelDir = await mkdtemp(join(tmpdir(), 'regime-'));
    const regime = await runTraining({ config: mergeConfig({ dataset: 'regime', rows: 48, seq: 24, cells: ['gru'], hidden: 12, layers: 1, epochs: 6, lr: 0.02, batch: 16 }), outDir: labelDir, resume: false });
    const acc = regime.cells[0]!.accuracy!;
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    const losses = regime.cells[0]!.history.map((h) => h.trainLoss);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    expect(JSON.parse(await readFile(join(labelDir, 'results.json'), 'utf8')).results[0].accuracy).toBe(acc);
    const seqDir = await mkdtemp(join(tmpdir(), 'm2m-'));
    const m2m = await runTraining({ config: mergeConfig({ ...SMALL, cells: ['rnn'], mode: 'many-to-many', tbptt: 8, epochs: 3, lr: 0.01, target: 'value', rollout: 20 }), outDir: seqDir, resume: false });
    const h = m2m.cells[0]!.history;
    expect(h[2]!.trainLoss).toBeLessThan(h[0]!.trainLoss);
    expect(m2m.cells[0]!.rolloutPred).toHaveLength(20);
    expect(m2m.cells[0]!.test!.model.r2).toBeGreaterThan(0.5);
  });

  /** An rnn Trainer on the small sine run (batch 50, 2 epochs), prepared; destroy() frees it all. */
  async function smallTrainer(o: { clip: number | null; logEvery: number }) {
    const plan = planRun(mergeConfig({ ...SMALL, cells: ['rnn'], epochs: 2, batch: 50 }));
    const traj = await materializeDataset(gpu.sched, plan.spec);
    const data = new GpuWindows(gpu.sched, traj, plan.windows, plan.features);
    await data.prepare();
    data.recordSetup();
    const model = await RecurrentModel.create(gpu.sched, modelConfigFor(plan, 'rnn'), { seed: 3 });
    const trainer = new Trainer(gpu.sched, recurrentModelHandle(model), data, {
      epochs: 2, batch: 50, lr: 1e-3, schedule: plan.schedule, optimizer: plan.optimizer, clip: o.clip, seed: 1, tbptt: null,
      loss: 'mse', classes: 0, evalBatch: 100, logEvery: o.logEvery,
    });
    await trainer.prepare();
    const destroy = () => {
      trainer.destroy();
      model.destroy();
      data.destroy();
      traj.destroy();
    };
    return { trainer, model, data, destroy };
  }

  it('records one submit per training step and reads the losses back once per epoch', async () => {
    const { trainer, data, destroy } = await smallTrainer({ clip: 1, logEvery: 2 });
    await gpu.sched.flush();
    const before = { ...gpu.sched.counters };
    const seen: number[] = [];
    await trainer.train(2, (r) => void seen.push(r.epoch));
    const steps = Math.ceil(data.trainCount / 50);
    const testChunks = Math.ceil(data.testCount / 100);
    expect(seen).toEqual([1, 2]); // both epochs, read back together (logEvery 2)
    expect(gpu.sched.counters.readbacks - before.readbacks).toBe(1);
    expect(gpu.sched.counters.submits - before.submits).toBe(2 * (steps + testChunks) + 1);
    expect(trainer.optimizer.step).toBe(2 * steps);
    destroy();
  });

  it('a checkpoint that does not fit the trainer is refused, naming what is wrong, before anything is written', async () => {
    const { trainer, model, destroy } = await smallTrainer({ clip: null, logEvery: 1 });
    await trainer.train(1);
    const snap = await snapshotTrainer(trainer);
    expect(snap.progress).toMatchObject({ epoch: 1, batch: 0, step: trainer.batchesPerEpoch });
    const last = trainer.batchesPerEpoch - 1;
    const refused: [object, RegExp][] = [
      [{ progress: { ...snap.progress, epoch: 0, batch: last + 1 } }, new RegExp(`^resume: batch must be an integer in \\[0, ${last}\\], got ${last + 1}$`)],
      [{ progress: { ...snap.progress, epoch: 0, batch: 1 } }, /^resume: a mid-epoch resume \(batch 1\) needs the 8 loss sums$/],
      [{ optimizer: {} }, /^checkpoint: optimizer state 'exp_avg' is missing$/],
    ];
    for (const [change, message] of refused) {
      expect(() => restoreTrainer(trainer, { ...snap, ...change })).toThrow(message);
      expect([trainer.epoch, trainer.optimizer.step]).toEqual([1, snap.progress.step]);
    }
    restoreTrainer(trainer, { ...snap, progress: { ...snap.progress, epoch: 0, step: 0, history: [] } });
    expect([trainer.epoch, trainer.optimizer.step, trainer.history.length]).toEqual([0, 0, 0]);
    expect(await model.arena.read('params')).toEqual(snap.params);
    destroy();
  });
});
