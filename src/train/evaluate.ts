// evaluate.ts — evaluation of a trained model on the GPU: one-step predictions over a set
// of windows (the model, persistence and linear extrapolation scored on the same windows,
// one readback), accuracy for sequence-to-label, and the closed-loop rollout over the test
// span (the model's own predictions fed back as inputs; one readback at the end).
import type { Scheduler } from '../gpu/scheduler';
import { STORAGE_RW } from '../gpu/flags';
import {
  createEvalBuffers, metricsKernel, readEvaluation, recordEvaluation, recordLabelAccumulate,
  recordRolloutAppend, recordRolloutInit, recordRolloutWindow, type Evaluation,
} from '../kernels/metrics';
import type { BatchBuffers, GpuWindows } from '../data/gpu-data';
import type { SeriesView } from '../kernels/windows';
import type { GpuTensor } from '../gpu/tensor';
import type { ModelHandle } from './model-handle';

/** Rows of model output per window (1, or T for shifted-sequence models). */
function outPerRow(data: GpuWindows): number {
  return data.plan.kind === 'sequence' ? data.plan.seq : 1;
}

/**
 * One-step predictions of a set of windows — 'test', every training window in order
 * ('trainInOrder'), or any host list of window starts — scored with the baselines.
 */
export async function evaluateForecast(
  sched: Scheduler,
  model: ModelHandle,
  data: GpuWindows,
  buf: BatchBuffers,
  which: 'test' | 'trainInOrder' | Uint32Array,
): Promise<{ evaluation: Evaluation; pred: Float32Array }> {
  const per = outPerRow(data);
  return scoreWindowPredictions(sched, data, windowStarts(data, which), per, (startsT, outAll, n) => {
    for (let off = 0; off < n; off += buf.batch) {
      const count = Math.min(buf.batch, n - off);
      data.recordBatch(startsT, off, count, buf);
      const out = model.forward(buf.x, buf.batch);
      sched.copy(out, { buffer: outAll, offset: 4 * off * per, size: 4 * count * per });
      sched.submit();
    }
  });
}

/** The window starts `which` names: the test windows, every training window in order, or a given list. */
export function windowStarts(data: GpuWindows, which: 'test' | 'trainInOrder' | Uint32Array): Uint32Array {
  return which === 'test' ? data.plan.testStarts : which === 'trainInOrder' ? data.plan.trainStarts : which;
}

/**
 * Scores one prediction per window (in target units; `per` outputs per window, the last one
 * counts) with the baselines: `predict` records outAll [n, per] for the windows startsT [n].
 * Any model plugs in here — the recurrent ones above, the echo state network (src/esn/).
 */
export async function scoreWindowPredictions(
  sched: Scheduler,
  data: GpuWindows,
  starts: Uint32Array,
  per: number,
  predict: (startsT: GpuTensor, outAll: GPUBuffer, n: number) => void,
): Promise<{ evaluation: Evaluation; pred: Float32Array }> {
  await sched.prepare(metricsKernel);
  const n = starts.length;
  const startsT = sched.createTensor([n], 'u32', 'eval starts', starts);
  const outAll = sched.createBuffer(4 * n * per, STORAGE_RW, 'eval outputs');
  const bufs = createEvalBuffers(sched, n);
  try {
    predict(startsT, outAll, n);
    recordEvaluation(sched, data.data.series, data.stats, startsT, data.plan.seq, { out: outAll, stride: per, offset: per - 1 }, data.cfg.kind, bufs);
    return await readEvaluation(sched, bufs);
  } finally {
    for (const b of [startsT.buffer, outAll, bufs.pred, bufs.sums, bufs.partials]) sched.destroyBuffer(b);
  }
}

/** Every k-th training window of row 0, at most `limit` of them (the figure's training predictions). */
export function figureTrainStarts(data: GpuWindows, limit = 600): Uint32Array {
  const row0 = data.plan.trainStarts.subarray(0, data.plan.trainPerRow);
  const stride = Math.max(1, Math.ceil(row0.length / limit));
  return row0.filter((_, k) => k % stride === 0);
}

/** What a sequence-to-label model does on the test windows. */
export interface LabelEvaluation {
  /** Fraction classified right, and the mean cross-entropy. */
  accuracy: number;
  crossEntropy: number;
  /** The predicted class (argmax of the logits) of every test window, in order. */
  predictions: Uint32Array;
  /** confusion[true class][predicted class]: counts over the test windows. */
  confusion: number[][];
}

/** Test accuracy, mean cross-entropy, every prediction and the confusion matrix of a sequence-to-label model (one readback of the logits). */
export async function evaluateLabels(sched: Scheduler, model: ModelHandle, data: GpuWindows, buf: BatchBuffers, classes: number): Promise<LabelEvaluation> {
  await sched.prepare(metricsKernel);
  const n = data.testCount;
  const acc = sched.createTensor([3], 'f32', 'accuracy sums', [0, 0, 0]);
  const logits = sched.createBuffer(4 * n * classes, STORAGE_RW, 'test logits');
  const labels = sched.createBuffer(4 * n, STORAGE_RW, 'test labels');
  try {
    for (let off = 0; off < n; off += buf.batch) {
      const count = Math.min(buf.batch, n - off);
      data.recordBatch('test', off, count, buf);
      const out = model.forward(buf.x, buf.batch);
      recordLabelAccumulate(sched, out, buf.labels!, count, classes, acc, 0);
      sched.copy(out, { buffer: logits, offset: 4 * off * classes, size: 4 * count * classes });
      sched.copy(buf.labels!, { buffer: labels, offset: 4 * off, size: 4 * count });
      sched.submit();
    }
    const [sums, out, truth] = await sched.readMany([acc, { buffer: logits, offset: 0, size: 4 * n * classes }, { buffer: labels, offset: 0, size: 4 * n }]);
    const predictions = argmaxRows(out as Float32Array, classes);
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    const trueLabels = new Uint32Array((truth as Float32Array).buffer);
    predictions.forEach((p, k) => confusion[trueLabels[k]!]![p]!++);
    return { accuracy: sums![1]! / sums![2]!, crossEntropy: sums![0]! / sums![2]!, predictions, confusion };
  } finally {
    sched.destroyBuffer(acc.buffer);
    sched.destroyBuffer(logits);
    sched.destroyBuffer(labels);
  }
}

/** The index of each row's largest value ([rows, classes] row-major; the first on ties). */
export function argmaxRows(values: ArrayLike<number>, classes: number): Uint32Array {
  const rows = values.length / classes;
  const out = new Uint32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c]! > values[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}

/** Steps the rollout of the test span of row 0 takes (its test windows). */
export function rolloutSpan(data: GpuWindows): { start: number; steps: number } {
  const { trainPerRow, windowsPerRow } = data.plan;
  return { start: trainPerRow, steps: windowsPerRow - trainPerRow };
}

/** Closed-loop steps a run takes: `requested` (at most the test span), or the whole span when it is negative. */
export function rolloutSteps(data: GpuWindows, requested: number): number {
  const { steps } = rolloutSpan(data);
  return requested < 0 ? steps : Math.min(requested, steps);
}

/** Where a closed loop starts: a series (default: the data's) and the flat index of its seed window's first sample. */
export interface RolloutSeed {
  /** The trajectory to roll out from. */
  series: SeriesView;
  /** Flat sample index r·S + s of the first sample of the seed window. */
  start: number;
}

/**
 * Closed loop from a seed window — by default the first test window of row 0 — for `steps`
 * predictions, each fed back. Returns x̂ for samples start+T .. start+T+steps−1.
 */
export async function rollout(sched: Scheduler, model: ModelHandle, data: GpuWindows, steps: number, seed?: RolloutSeed, submitEvery = 32): Promise<Float32Array> {
  await sched.prepare(metricsKernel);
  const { seq } = data.plan;
  const { series, start } = seed ?? { series: data.data.series, start: rolloutSpan(data).start };
  const features = data.cfg.features;
  const hist = sched.createTensor([seq + 2 + steps], 'f32', 'rollout history');
  const xIn = sched.createTensor([1, seq, features], 'f32', 'rollout input');
  const per = outPerRow(data);
  const args = { series, stats: data.stats, hist, xIn, seq, features, terms: data.cfg.terms, start, targetKind: data.cfg.kind };
  try {
    recordRolloutInit(sched, args);
    for (let k = 0; k < steps; k++) {
      recordRolloutWindow(sched, args, k);
      const out = model.forward(xIn, 1);
      recordRolloutAppend(sched, args, k, out, per - 1);
      if ((k + 1) % submitEvery === 0) sched.submit();
    }
    const h = (await sched.read(hist)) as Float32Array;
    return h.slice(seq + 2);
  } finally {
    sched.destroyBuffer(hist.buffer);
    sched.destroyBuffer(xIn.buffer);
  }
}
