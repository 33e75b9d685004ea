// run-cell.ts — one cell of a run on the GPU: build the model and its trainer (../session.ts),
// train it (resuming from and writing checkpoints at epoch boundaries), then evaluate it once
// (test and training windows with the baselines, or accuracy), roll it out closed-loop, and
// save its weights.
import { join } from 'node:path';
import type { Scheduler } from '../../gpu/scheduler';
import type { GpuWindows } from '../../data/gpu-data';
import type { CellName, TrainedCellName } from '../config';
import { modelConfigFor, type RunPlan } from '../plan';
import type { EpochReport, Trainer } from '../trainer';
import { createTrainingSession } from '../session';
import type { CellOutcome } from '../report';
import { evaluateForecast, evaluateLabels, figureTrainStarts, rollout, rolloutSpan } from '../evaluate';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from './checkpoint';
import { forecasterMetadata, resolveOptions } from '../forecaster-input';

export type { CellOutcome } from '../report';

export interface CellRunOptions {
  outDir: string;
  resume: boolean;
  /** Stop after this many epochs of this invocation (simulates an interruption). */
  stopAfterEpochs?: number;
  onEpoch?: (cell: CellName, r: EpochReport, secondsPerEpoch: number) => void;
}

export async function runCell(sched: Scheduler, plan: RunPlan, data: GpuWindows, cell: TrainedCellName, o: CellRunOptions): Promise<CellOutcome> {
  const c = plan.config;
  const session = await createTrainingSession(sched, data, {
    model: modelConfigFor(plan, cell),
    training: {
      epochs: c.epochs, batch: c.batch, lr: c.lr, schedule: plan.schedule, optimizer: plan.optimizer, clip: c.clip,
      seed: c.seed, tbptt: c.tbptt, loss: plan.loss, classes: plan.outputSize, logEvery: c.logEvery,
    },
  });
  const { model, trainer } = session;
  try {
    const { trainSeconds, checkpointSeconds } = await trainWithCheckpoints(trainer, plan, cell, o);
    const base: CellOutcome = {
      cell, epochs: trainer.epoch, trainSeconds, checkpointSeconds, history: [...trainer.history], interrupted: trainer.epoch < c.epochs,
      samplesPerSecond: trainSeconds > 0 ? (trainer.epoch * data.trainCount) / trainSeconds : 0,
    };
    if (base.interrupted) return base;
    const t0 = performance.now();
    await writeFileAtomic(join(o.outDir, `${cell}.safetensors`), await model.toSafetensors(await weightsMetadata(plan, cell, data)));
    const evaluated = await evaluateCell(sched, plan, trainer);
    return { ...base, ...evaluated, evalSeconds: (performance.now() - t0) / 1000 };
  } finally {
    session.destroy();
  }
}

/**
 * The weights file's metadata. A next-value forecaster also gets what Forecaster.load needs
 * (options and normalisation), so a model trained here forecasts in an app or a browser.
 */
async function weightsMetadata(plan: RunPlan, cell: CellName, data: GpuWindows): Promise<Record<string, string>> {
  const c = plan.config;
  const base = { cell, dataset: c.dataset };
  if (plan.windows.kind !== 'next') return { format: 'pt', ...base };
  const options = resolveOptions({
    cell, hidden: c.hidden, layers: c.layers, seq: c.seq, batch: c.batch, lr: c.lr, optimizer: c.optimizer,
    clip: c.clip, seed: c.seed, target: plan.target, maxEpochs: Math.max(10_000, c.epochs),
  });
  return { ...forecasterMetadata(options, await data.readStats()), ...base };
}

/** Restores the cell's checkpoint when resuming, trains to the end (or the stop), checkpointing; returns the seconds of each. */
async function trainWithCheckpoints(trainer: Trainer, plan: RunPlan, cell: CellName, o: CellRunOptions): Promise<{ trainSeconds: number; checkpointSeconds: number }> {
  const c = plan.config;
  const ckptDir = join(o.outDir, 'checkpoints', cell);
  let trainSeconds = 0;
  let checkpointSeconds = 0;
  const ck = o.resume ? await loadCheckpoint(ckptDir) : null;
  if (ck) {
    const values = (m: Record<string, { data: Float32Array }>) => Object.fromEntries(Object.entries(m).map(([k, t]) => [k, t.data]));
    const optimizer = Object.fromEntries(Object.entries(ck.optimizer).map(([k, m]) => [k, values(m)]));
    trainer.restore(values(ck.params), optimizer, { epoch: ck.epoch, step: ck.step, history: ck.history.epochs as EpochReport[] });
    trainSeconds = ck.trainSeconds;
  }
  const limit = o.stopAfterEpochs === undefined ? c.epochs : Math.min(c.epochs, trainer.epoch + o.stopAfterEpochs);
  const every = c.checkpointEvery > 0 ? c.checkpointEvery : c.epochs;
  while (trainer.epoch < limit) {
    const next = Math.min(limit, (Math.floor(trainer.epoch / every) + 1) * every);
    const from = trainer.epoch;
    const t0 = performance.now();
    await trainer.train(next, (r) => o.onEpoch?.(cell, r, (performance.now() - t0) / 1000 / (r.epoch - from)));
    trainSeconds += (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await saveTrainerCheckpoint(ckptDir, trainer, plan, cell, trainSeconds);
    checkpointSeconds += (performance.now() - t1) / 1000;
  }
  return { trainSeconds, checkpointSeconds };
}

async function saveTrainerCheckpoint(dir: string, trainer: Trainer, plan: RunPlan, cell: CellName, trainSeconds: number): Promise<void> {
  const snap = await trainer.snapshot();
  const shapes = Object.fromEntries(trainer.model.arena.slots.map((s) => [s.name, [...s.shape]]));
  const tensors = (m: Record<string, Float32Array>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { shape: shapes[k]!, data: v }]));
  await saveCheckpoint(dir, {
    config: { ...plan.config }, cell, epoch: snap.progress.epoch, step: snap.progress.step,
    params: tensors(snap.params), optimizer: Object.fromEntries(Object.entries(snap.optimizer).map(([k, v]) => [k, tensors(v)])),
    history: { epochs: snap.progress.history }, trainSeconds, complete: snap.progress.epoch === plan.config.epochs,
  });
}

/** The trained model's final evaluation: accuracy, or forecasts + baselines + the closed-loop rollout. */
async function evaluateCell(sched: Scheduler, plan: RunPlan, trainer: Trainer): Promise<Partial<CellOutcome>> {
  const { model, data, evalBuf } = trainer;
  if (plan.loss === 'cross_entropy') return evaluateLabels(sched, model, data, evalBuf, plan.outputSize);
  const test = await evaluateForecast(sched, model, data, evalBuf, plan.windows.testStarts);
  const trainStarts = figureTrainStarts(data);
  const train = await evaluateForecast(sched, model, data, evalBuf, trainStarts);
  const span = rolloutSpan(data);
  const steps = plan.config.rollout < 0 ? span.steps : Math.min(plan.config.rollout, span.steps);
  const rolloutPred = steps > 0 ? await rollout(sched, model, data, steps) : undefined;
  return { test: test.evaluation, train: train.evaluation, testPred: test.pred, trainPred: train.pred, trainPredStarts: trainStarts, rolloutPred };
}
