// run-cell.ts — one cell of a run on the GPU: build the model and its trainer (../session.ts),
// train it (from a checked
// resume point, writing checkpoints at epoch boundaries and wherever a stop request lands),
// then evaluate it once (test and training windows with the baselines, or accuracy), roll it
// out closed-loop, and save its weights. A divergence ends the cell with an error that says
// which checkpoint is the last finite one and what to change.
import { join } from 'node:path';
import type { Scheduler } from '../../gpu/scheduler';
import type { GpuWindows } from '../../data/gpu-data';
import type { CellName, TrainedCellName } from '../config';
import { modelConfigFor, type RunPlan } from '../plan';
import { TrainingDivergedError, type EpochReport, type TrainControl, type Trainer } from '../trainer';
import { createTrainingSession } from '../session';
import type { CellOutcome } from '../report';
import { evaluateForecast, evaluateLabels, figureTrainStarts, rollout, rolloutSteps } from '../evaluate';
import { saveCheckpoint } from './checkpoint';
import { restoreTrainer, snapshotTrainer } from './trainer-state';
import type { ResumePoint } from './checkpoint-check';
import { writeFileAtomic } from '../../io/atomic-file';
import { checkValues } from '../../model/weights';
import { forecasterMetadata, resolveOptions } from '../forecaster-input';

export type { CellOutcome } from '../report';

/** Where a cell writes, what it resumes from, and how it is stopped. */
export interface CellRunOptions {
  outDir: string;
  /** The cell's checked checkpoint to continue from (checkpoint-check.ts), or null to start afresh. */
  resumeFrom: ResumePoint | null;
  /** Stop after this many epochs of this invocation (simulates an interruption). */
  stopAfterEpochs?: number;
  /** A stop request (SIGINT / SIGTERM) ends training at the next step boundary, with a checkpoint. */
  control?: TrainControl;
  onEpoch?: (cell: CellName, r: EpochReport, secondsPerEpoch: number) => void;
}

/**
 * Trains one cell (checkpointing) and, when training finished, saves its weights and evaluates
 * it. Throws naming the last finite checkpoint when training diverges.
 */
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
    const { trainSeconds, checkpointSeconds, checkpoint } = await trainWithCheckpoints(trainer, plan, cell, o);
    const base: CellOutcome = {
      cell, epochs: trainer.epoch, trainSeconds, checkpointSeconds, history: [...trainer.history], checkpoint,
      interrupted: trainer.epoch < c.epochs || o.control?.stopRequested() === true,
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
  const base = { cell, dataset: c.dataset, bidirectional: String(c.bidirectional), head: c.head };
  // Forecaster.load takes one-direction next-value models on the last step.
  if (plan.windows.kind !== 'next' || c.bidirectional) return { format: 'pt', ...base };
  const options = resolveOptions({
    cell, hidden: c.hidden, layers: c.layers, dropout: c.dropout, seq: c.seq, batch: c.batch, lr: c.lr, optimizer: c.optimizer,
    clip: c.clip, seed: c.seed, target: plan.target, maxEpochs: Math.max(10_000, c.epochs),
  });
  return { ...forecasterMetadata(options, await data.readStats()), ...base };
}

interface TrainingTimes {
  trainSeconds: number;
  checkpointSeconds: number;
  checkpoint: { epoch: number; batch: number } | null;
}

/** Restores the resume point, trains to the end (or the stop), checkpointing; returns the seconds of each. */
async function trainWithCheckpoints(trainer: Trainer, plan: RunPlan, cell: TrainedCellName, o: CellRunOptions): Promise<TrainingTimes> {
  const c = plan.config;
  const ckptDir = join(o.outDir, 'checkpoints', cell);
  const times: TrainingTimes = { trainSeconds: 0, checkpointSeconds: 0, checkpoint: null };
  if (o.resumeFrom) {
    restoreTrainer(trainer, o.resumeFrom);
    times.trainSeconds = o.resumeFrom.trainSeconds;
    times.checkpoint = { epoch: trainer.epoch, batch: trainer.batch };
  }
  const limit = o.stopAfterEpochs === undefined ? c.epochs : Math.min(c.epochs, trainer.epoch + o.stopAfterEpochs);
  const every = c.checkpointEvery > 0 ? c.checkpointEvery : c.epochs;
  try {
    while (trainer.epoch < limit) {
      const next = Math.min(limit, (Math.floor(trainer.epoch / every) + 1) * every);
      const from = trainer.epoch + trainer.batch / trainer.batchesPerEpoch;
      const t0 = performance.now();
      const status = await trainer.train(next, (r) => o.onEpoch?.(cell, r, (performance.now() - t0) / 1000 / (r.epoch - from)), o.control);
      times.trainSeconds += (performance.now() - t0) / 1000;
      const at = { epoch: trainer.epoch, batch: trainer.batch };
      if (times.checkpoint?.epoch !== at.epoch || times.checkpoint.batch !== at.batch) {
        const t1 = performance.now();
        await saveTrainerCheckpoint(ckptDir, trainer, plan, cell, times.trainSeconds);
        times.checkpointSeconds += (performance.now() - t1) / 1000;
        times.checkpoint = at;
      }
      if (status === 'stopped') break;
    }
  } catch (e) {
    if (e instanceof TrainingDivergedError) throw new Error(divergenceMessage(e, plan, cell, o.outDir, times.checkpoint));
    throw e;
  }
  return times;
}

/** The divergence, what to change, and which checkpoint is the last finite one. */
function divergenceMessage(e: TrainingDivergedError, plan: RunPlan, cell: CellName, outDir: string, kept: TrainingTimes['checkpoint']): string {
  const c = plan.config;
  const lower = `lower --lr (now ${c.lr})`;
  const hint = c.clip === null ? `${lower} or clip the gradients with --clip 1` : `${lower} or clip harder (--clip ${c.clip} now)`;
  const dir = join(outDir, 'checkpoints', cell);
  const checkpoint = kept
    ? `the last finite checkpoint (epoch ${kept.epoch}${kept.batch > 0 ? `, step ${kept.batch}` : ''}) is kept in ${dir}; continue from it with springloop train --resume ${outDir} --lr ${c.lr / 10} --allow-change`
    : 'no checkpoint was written (no epoch finished with a finite loss)';
  return `${cell}: ${e.message}. Nothing was evaluated: ${hint}; ${checkpoint}`;
}

async function saveTrainerCheckpoint(dir: string, trainer: Trainer, plan: RunPlan, cell: TrainedCellName, trainSeconds: number): Promise<void> {
  const snap = await snapshotTrainer(trainer);
  const model = modelConfigFor(plan, cell);
  for (const [what, values] of [['the weights', snap.params], ...Object.entries(snap.optimizer).map(([k, v]) => [`the optimizer state ${k}`, v] as const)] as const) {
    try {
      checkValues(model, values);
    } catch (e) {
      throw new TrainingDivergedError(trainer.epoch + (trainer.batch > 0 ? 1 : 0), `${what} are no longer finite (${(e as Error).message})`, trainer.history.at(-1) ?? null);
    }
  }
  const shapes = Object.fromEntries(trainer.model.arena.slots.map((s) => [s.name, [...s.shape]]));
  const tensors = (m: Record<string, Float32Array>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { shape: shapes[k]!, data: v }]));
  const p = snap.progress;
  await saveCheckpoint(dir, {
    config: { ...plan.config }, cell, epoch: p.epoch, batch: p.batch, lossSums: p.lossSums, step: p.step,
    params: tensors(snap.params), optimizer: Object.fromEntries(Object.entries(snap.optimizer).map(([k, v]) => [k, tensors(v)])),
    history: { epochs: p.history }, trainSeconds, complete: p.epoch === plan.config.epochs,
  });
}

/** The trained model's final evaluation: accuracy, or forecasts + baselines + the closed-loop rollout. */
async function evaluateCell(sched: Scheduler, plan: RunPlan, trainer: Trainer): Promise<Partial<CellOutcome>> {
  const { model, data, evalBuf } = trainer;
  if (plan.loss === 'cross_entropy') return evaluateLabels(sched, model, data, evalBuf, plan.outputSize);
  const test = await evaluateForecast(sched, model, data, evalBuf, plan.windows.testStarts);
  const trainStarts = figureTrainStarts(data);
  const train = await evaluateForecast(sched, model, data, evalBuf, trainStarts);
  const steps = rolloutSteps(data, plan.config.rollout);
  const rolloutPred = steps > 0 ? await rollout(sched, model, data, steps) : undefined;
  return { test: test.evaluation, train: train.evaluation, testPred: test.pred, trainPred: train.pred, trainPredStarts: trainStarts, rolloutPred };
}
