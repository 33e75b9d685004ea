// metrics.ts — typed wrappers of shaders/metrics.wgsl: test-split evaluation (model and
// baselines) in two dispatches, GPU-side loss/accuracy accumulators, and the closed-loop
// rollout's window/append steps. Nothing here waits on the GPU except readEvaluation.
import metricsWgsl from '../../shaders/metrics.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { STORAGE_RW } from '../gpu/flags';
import type { Binding, Scheduler } from '../gpu/scheduler';
import { seriesDims, type SeriesView } from './windows';
import type { Metrics } from '../reference/metrics';

/** shaders/metrics.wgsl, reflected at build time. */
export const metricsKernel: Kernel = metricsWgsl;
/** Workgroup width of the evaluation entry points (read on use: kernels do nothing at import). */
const WG = (): number => workgroupWidth(metricsKernel, 'eval_partials');
const MAX_PARTIALS = 64;

/**
 * What metrics.wgsl expects: the series (R·S·C values), [6] statistics, N window starts, model
 * outputs reaching element OUT, N predictions with P partial and 8 error sums, the
 * accumulator's slots up to ACC, and the rollout's history (at least T + 2) and input [1, T, F].
 */
export const METRICS_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  src: '[>= R*S*C] f32', stats: '[6] f32', starts: '[>= N] u32', out: '[>= OUT] f32', pred: '[N] f32',
  partials: '[8P] f32', sums: '[8] f32', y: '[>= N] f32', acc: '[>= ACC] f32', labels: '[>= N] u32',
  hist: '[>= T+2] f32', x_in: '[1, T, F] f32',
});

/** Where row i's prediction sits in a model output: out[i·stride + offset]. */
export interface OutputView {
  out: Binding;
  stride: number;
  offset: number;
}

export interface EvalBuffers {
  /** [n] model predictions in trajectory units. */
  pred: GPUBuffer;
  /** [8] error sums (see metrics.wgsl). */
  sums: GPUBuffer;
  partials: GPUBuffer;
  numPartials: number;
  n: number;
}

export function createEvalBuffers(sched: Scheduler, n: number): EvalBuffers {
  const numPartials = Math.max(1, Math.min(MAX_PARTIALS, Math.ceil(n / WG())));
  const sumBytes = 4 * metricsKernel.constant('SUMS');
  return {
    pred: sched.createBuffer(4 * n, STORAGE_RW, 'eval.pred'),
    sums: sched.createBuffer(sumBytes, STORAGE_RW, 'eval.sums'),
    partials: sched.createBuffer(sumBytes * numPartials, STORAGE_RW, 'eval.partials'),
    numPartials,
    n,
  };
}

/**
 * Records the evaluation of n windows (starts [n]) against the series; outputs are in the
 * units of target kind `targetKind` (src/data/targets.ts), stats [6].
 */
export function recordEvaluation(
  sched: Scheduler,
  series: SeriesView,
  stats: Binding,
  starts: Binding,
  seq: number,
  output: OutputView,
  targetKind: 0 | 1 | 2,
  bufs: EvalBuffers,
): void {
  const uniforms = {
    n: bufs.n, seq, channels: series.channels, channel: series.channel, target_kind: targetKind,
    out_stride: output.stride, out_offset: output.offset, num_partials: bufs.numPartials,
  };
  const bindings = { src: series.src, stats, starts, out: output.out, pred: bufs.pred, partials: bufs.partials, sums: bufs.sums };
  const dims = { ...seriesDims(series), N: bufs.n, P: bufs.numPartials, OUT: (bufs.n - 1) * output.stride + output.offset + 1 };
  const shapes = { declared: METRICS_BINDINGS, dims };
  sched.dispatch(metricsKernel, 'eval_partials', { bindings, shapes, uniforms, workgroups: bufs.numPartials });
  sched.dispatch(metricsKernel, 'eval_finalize', { bindings, shapes, uniforms, workgroups: 1 });
}

/** One-step test metrics of a forecast and of the two baselines. */
export interface Evaluation {
  /** The model's predictions. */
  model: Metrics;
  /** Persistence: the next value equals the last one. */
  persistence: Metrics;
  /** Linear extrapolation from the last two values. */
  linear: Metrics;
}

/** Metrics from the eight sums: mean errors, and R² from shifted sums of the truth. */
export function metricsFromSums(sums: ArrayLike<number>, n: number): Evaluation {
  const ssTot = sums[7]! - (sums[6]! * sums[6]!) / n;
  const of = (se: number, ae: number): Metrics => ({ mse: se / n, rmse: Math.sqrt(se / n), mae: ae / n, r2: 1 - se / ssTot });
  return { model: of(sums[0]!, sums[1]!), persistence: of(sums[2]!, sums[3]!), linear: of(sums[4]!, sums[5]!) };
}

/** Reads sums and predictions back in one round trip. */
export async function readEvaluation(sched: Scheduler, bufs: EvalBuffers): Promise<{ evaluation: Evaluation; pred: Float32Array }> {
  const [sums, pred] = await sched.readMany([bufs.sums, bufs.pred]);
  return { evaluation: metricsFromSums(sums!, bufs.n), pred: pred as Float32Array };
}

/** acc[slot] += Σ_{i<count} (out[i·stride+offset] − y[i])², acc[slot+1] += count. */
export function recordSqErrAccumulate(sched: Scheduler, output: OutputView, y: Binding, count: number, acc: Binding, slot: number): void {
  sched.dispatch(metricsKernel, 'sq_err_accumulate', {
    bindings: { out: output.out, y, acc },
    shapes: { declared: METRICS_BINDINGS, dims: { N: count, OUT: (count - 1) * output.stride + output.offset + 1, ACC: slot + 2 } },
    uniforms: { count, stride: output.stride, offset: output.offset, slot, classes: 1 },
    workgroups: 1,
  });
}

/** acc[slot] += Σ cross-entropy, acc[slot+1] += correct, acc[slot+2] += count; logits [count, classes]. */
export function recordLabelAccumulate(sched: Scheduler, logits: Binding, labels: Binding, count: number, classes: number, acc: Binding, slot: number): void {
  sched.dispatch(metricsKernel, 'label_accumulate', {
    bindings: { out: logits, labels, acc },
    shapes: { declared: METRICS_BINDINGS, dims: { N: count, OUT: count * classes, ACC: slot + 3 } },
    uniforms: { count, stride: classes, offset: 0, slot, classes },
    workgroups: 1,
  });
}

export interface RolloutArgs {
  series: SeriesView;
  stats: Binding;
  /** [T + 2 + steps] raw x: the two samples before the seed window, the window, then the model's predictions. */
  hist: Binding;
  /** Model input [1, T, F]. */
  xIn: Binding;
  seq: number;
  features: number;
  /** Input terms, as FeatureLayout.terms (src/kernels/windows.ts). */
  terms: number;
  /** Flat sample index of the first window's first input. */
  start: number;
  /** Units of the model's output (src/data/targets.ts: 0 x̃, 1 Δ̃, 2 r̃). */
  targetKind: 0 | 1 | 2;
}

function rolloutUniforms(a: RolloutArgs, step: number, outOffset: number) {
  // Before a row's first sample the seed repeats it.
  const rowStart = a.start - (a.start % a.series.samples);
  return {
    step, seq: a.seq, features: a.features, terms: a.terms, start: a.start, channels: a.series.channels, channel: a.series.channel,
    target_kind: a.targetKind, out_offset: outOffset, prev1: Math.max(a.start - 1, rowStart), prev2: Math.max(a.start - 2, rowStart),
  };
}

/** Records hist[0..T+1] ← the two samples before the seed window, and the window. */
export function recordRolloutInit(sched: Scheduler, a: RolloutArgs): void {
  sched.dispatch(metricsKernel, 'rollout_init', {
    bindings: { src: a.series.src, hist: a.hist },
    shapes: { declared: METRICS_BINDINGS, dims: { ...seriesDims(a.series), T: a.seq } },
    uniforms: rolloutUniforms(a, 0, 0),
    workgroups: Math.ceil((a.seq + 2) / WG()),
  });
}

/** Records the model input window of rollout step `step` from hist. */
export function recordRolloutWindow(sched: Scheduler, a: RolloutArgs, step: number): void {
  sched.dispatch(metricsKernel, 'rollout_window', {
    bindings: { hist: a.hist, stats: a.stats, x_in: a.xIn },
    shapes: { declared: METRICS_BINDINGS, dims: { T: a.seq, F: a.features } },
    uniforms: rolloutUniforms(a, step, 0),
    workgroups: Math.ceil(a.seq / WG()),
  });
}

/** Records hist[step + T + 2] ← the model's prediction out[outOffset] in trajectory units. */
export function recordRolloutAppend(sched: Scheduler, a: RolloutArgs, step: number, out: Binding, outOffset: number): void {
  sched.dispatch(metricsKernel, 'rollout_append', {
    bindings: { hist: a.hist, stats: a.stats, out },
    shapes: { declared: METRICS_BINDINGS, dims: { T: a.seq, OUT: outOffset + 1 } },
    uniforms: rolloutUniforms(a, step, outOffset),
    workgroups: 1,
  });
}
