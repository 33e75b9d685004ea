// checkpoint-check.ts — what a checkpoint must hold to continue a given run, checked on the
// host before any GPU work, each error naming the file and the field: the cell, the position
// (epoch, step within the epoch, optimizer step: integers within the run and consistent with
// each other), the history, and every tensor of the shape the config implies and finite, with
// Adam's second moment >= 0. The weights go through the same decodeModelFile check that
// Forecaster.load applies to a model file.
import { decodeModelFile } from '../../model/weights';
import { stateNames } from '../../kernels/optim';
import { batchesPerEpoch } from '../../data/windows';
import { describeValue, requireInteger, requireNumber } from '../../util/check';
import type { TrainedCellName } from '../config';
import { modelConfigFor, type RunPlan } from '../plan';
import { SLOTS, type EpochReport, type TrainerProgress } from '../trainer';
import type { LoadedCheckpoint } from './checkpoint';

/** A checked checkpoint, as Trainer.restore takes it. */
export interface ResumePoint {
  params: Record<string, Float32Array>;
  optimizer: Record<string, Record<string, Float32Array>>;
  progress: TrainerProgress;
  trainSeconds: number;
}

/** Optimizer states that are second moments (averages of squared gradients): never negative. */
const NON_NEGATIVE_STATES = ['exp_avg_sq'];

/** Checks `ck` against the run and cell; returns what Trainer.restore needs, or throws naming file and field. */
export function checkCheckpoint(ck: LoadedCheckpoint, plan: RunPlan, cell: TrainedCellName): ResumePoint {
  const { json, weights, optimizer } = ck.files;
  if (ck.cell !== cell) throw new Error(`${json}: "cell" is ${describeValue(ck.cell)}, but the file lies in the checkpoints of ${cell}`);
  const progress = checkProgress(ck, plan);
  const trainSeconds = requireNumber(`${json}: "trainSeconds"`, ck.trainSeconds, { min: 0 });
  const model = modelConfigFor(plan, cell);
  const params = withFile(weights, () => decodeModelFile(model, { tensors: ck.params, metadata: null }));
  const wanted = stateNames(plan.optimizer);
  const found = Object.keys(ck.optimizer);
  if (wanted.length !== found.length || wanted.some((s) => !found.includes(s))) {
    throw new Error(`${optimizer}: holds optimizer state [${found.join(', ')}], but --optimizer ${plan.config.optimizer} keeps [${wanted.join(', ')}]`);
  }
  const states: Record<string, Record<string, Float32Array>> = {};
  for (const name of wanted) {
    states[name] = withFile(`${optimizer}, state '${name}'`, () => decodeModelFile(model, { tensors: ck.optimizer[name]!, metadata: null }));
    if (NON_NEGATIVE_STATES.includes(name)) requireNonNegative(optimizer, name, states[name]);
  }
  if (ck.optimizerFileStep !== String(ck.step)) {
    throw new Error(`${optimizer}: its metadata says step ${describeValue(ck.optimizerFileStep)}, but ${json} says step ${ck.step}: the files are from different saves`);
  }
  return { params, optimizer: states, progress, trainSeconds };
}

/** Epoch, batch, step, loss sums and history: integers within the run, consistent with each other. */
function checkProgress(ck: LoadedCheckpoint, plan: RunPlan): TrainerProgress {
  const { json } = ck.files;
  const { epochs, batch: batchSize } = plan.config;
  const perEpoch = batchesPerEpoch(plan.windows.trainStarts.length, batchSize);
  const epoch = requireInteger(`${json}: "epoch"`, ck.epoch, { min: 0, max: epochs });
  const batch = requireInteger(`${json}: "batch"`, ck.batch ?? 0, { min: 0, max: epoch < epochs ? perEpoch - 1 : 0 });
  const step = requireInteger(`${json}: "step"`, ck.step, { min: 0 });
  if (step !== epoch * perEpoch + batch) {
    throw new Error(`${json}: "step" is ${step}, but ${epoch} epochs of ${perEpoch} steps and ${batch} more make ${epoch * perEpoch + batch}`);
  }
  const progress: TrainerProgress = { epoch, step, batch, history: checkHistory(json, ck.history, epoch, plan.loss === 'cross_entropy') };
  if (batch > 0) {
    const sums = ck.lossSums;
    if (!Array.isArray(sums) || sums.length !== SLOTS || !sums.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      throw new Error(`${json}: "lossSums" must be ${SLOTS} finite numbers >= 0 for a checkpoint within an epoch, got ${describeValue(sums)}`);
    }
    progress.lossSums = sums;
  }
  return progress;
}

/** history.epochs: one report per completed epoch, numbered 1.., with finite losses. */
function checkHistory(json: string, history: unknown, epochs: number, labels: boolean): EpochReport[] {
  const list = (history as { epochs?: unknown } | null)?.epochs;
  if (!Array.isArray(list) || list.length !== epochs) {
    throw new Error(`${json}: "history.epochs" must list the ${epochs} completed epoch(s), got ${describeValue(list)}`);
  }
  return list.map((r: unknown, i) => {
    const at = `${json}: "history.epochs[${i}]"`;
    if (r === null || typeof r !== 'object') throw new Error(`${at} must be an object, got ${describeValue(r)}`);
    const e = r as Record<string, unknown>;
    requireInteger(`${at}.epoch`, e.epoch, { min: i + 1, max: i + 1 });
    const report: EpochReport = { epoch: i + 1, trainLoss: requireNumber(`${at}.trainLoss`, e.trainLoss), testLoss: requireNumber(`${at}.testLoss`, e.testLoss) };
    if (labels) report.testAccuracy = requireNumber(`${at}.testAccuracy`, e.testAccuracy, { min: 0, max: 1 });
    return report;
  });
}

function requireNonNegative(file: string, state: string, values: Record<string, Float32Array>): void {
  for (const [name, data] of Object.entries(values)) {
    const at = data.findIndex((v) => v < 0);
    if (at >= 0) throw new Error(`${file}: "${state}.${name}"[${at}] is ${data[at]}, but Adam's second moment (an average of squared gradients) is never negative`);
  }
}

function withFile<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}
