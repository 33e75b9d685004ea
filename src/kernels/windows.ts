// windows.ts — typed wrappers of shaders/windows.wgsl: normalisation statistics, feature /
// target series and minibatch gathering from a GPU-resident trajectory [R, S, C].
import windowsWgsl from '../../shaders/windows.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import type { Binding, Scheduler } from '../gpu/scheduler';

/** shaders/windows.wgsl, reflected at build time. */
export const windowsKernel: Kernel = windowsWgsl;

/**
 * What windows.wgsl expects: the series [R, S, C] (any shape of R·S·C values), [6] statistics,
 * feature/target series of R·S·F and R·S values, window starts (at least K = offset + count),
 * and a minibatch x [B, T, F] with its targets or u32 labels. Checked before recording.
 */
export const WINDOWS_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  src: '[>= R*S*C] f32', stats: '[6] f32', stats_in: '[6] f32', feat: '[R*S*F] f32', tgt: '[R*S] f32',
  feat_in: '[>= T*F] f32', tgt_in: '[>= T] f32', starts: '[>= K] u32', x: '[B, T, F] f32', y: '[>= B] f32',
  row_labels: '[>= 1] u32', labels: '[B] u32',
});

/** The dims R, S, C of a series view, as the declared binding shapes name them. */
export function seriesDims(series: SeriesView): Record<string, number> {
  return { R: series.rows, S: series.samples, C: series.channels };
}

/** Channel `channel` of a trajectory src [rows, samples, channels]. */
export interface SeriesView {
  /** The trajectory, [rows, samples, channels] f32. */
  src: Binding;
  /** Rows (trajectories). */
  rows: number;
  /** Samples per row. */
  samples: number;
  /** Channels per sample (2 for (x, v)). */
  channels: number;
  /** The channel read (0: x). */
  channel: number;
}

function groups(sched: Scheduler, items: number): [number, number, number] {
  return grid1d(items, workgroupWidth(windowsKernel, 'features'), sched.device.limits.maxComputeWorkgroupsPerDimension);
}

/** Records stats [6] ← (μx, σx, μΔ, σΔ, μr, σr) over rows [0, statRows), samples s < statEnd. */
export function recordNormStats(sched: Scheduler, series: SeriesView, statRows: number, statEnd: number, stats: Binding): void {
  if (statRows < 1 || statRows > series.rows) throw new Error(`norm stats: statRows must be in [1, ${series.rows}], got ${statRows}`);
  if (statEnd < 1 || statEnd > series.samples) throw new Error(`norm stats: statEnd must be in [1, ${series.samples}], got ${statEnd}`);
  sched.dispatch(windowsKernel, 'norm_stats', {
    bindings: { src: series.src, stats },
    shapes: { declared: WINDOWS_BINDINGS, dims: seriesDims(series) },
    uniforms: { rows: statRows, samples: series.samples, channels: series.channels, channel: series.channel, train_end: statEnd },
    workgroups: 1,
  });
}

/** Which normalised terms are inputs, and which one is the target (src/data/targets.ts). */
export interface FeatureLayout {
  /** F: the number of input terms. */
  features: number;
  /** Bit k set: term k (0 x̃, 1 Δ̃, 2 r̃) is an input. */
  terms: number;
  /** The target term: 0 x̃, 1 Δ̃, 2 r̃. */
  kind: 0 | 1 | 2;
}

/** Records feat [R·S, F] (the selected terms) and tgt [R·S] (the target term) from the series and stats [6]. */
export function recordFeatures(sched: Scheduler, series: SeriesView, stats: Binding, out: { feat: Binding; tgt: Binding }, layout: FeatureLayout): void {
  const n = series.rows * series.samples;
  sched.dispatch(windowsKernel, 'features', {
    bindings: { src: series.src, stats_in: stats, feat: out.feat, tgt: out.tgt },
    shapes: { declared: WINDOWS_BINDINGS, dims: { ...seriesDims(series), F: layout.features } },
    uniforms: {
      rows: series.rows, samples: series.samples, channels: series.channels, channel: series.channel,
      features: layout.features, terms: layout.terms, target_kind: layout.kind,
    },
    workgroups: groups(sched, n),
  });
}

export interface GatherArgs {
  feat: Binding;
  tgt: Binding;
  /** Window starts; the batch uses starts[offset, offset + count). */
  starts: Binding;
  offset: number;
  count: number;
  batch: number;
  seq: number;
  features: number;
  /** Row length S (sequence-to-label reads the row's label). */
  samples: number;
  /** x [B, T, F]. */
  x: Binding;
}

function gatherDims(a: GatherArgs): Record<string, number> {
  return { B: a.batch, T: a.seq, F: a.features, K: a.offset + a.count };
}

function gatherUniforms(a: GatherArgs, sequenceTargets: boolean) {
  if (a.count < 1 || a.count > a.batch) throw new Error(`gather: count must be in [1, batch=${a.batch}], got ${a.count}`);
  return {
    count: a.count, batch: a.batch, seq: a.seq, features: a.features, offset: a.offset,
    sequence_targets: sequenceTargets ? 1 : 0, samples: a.samples,
  };
}

/** Records x [B, T, F] and y [B] (next) or [B, T] (sequence targets) for one minibatch. */
export function recordGather(sched: Scheduler, a: GatherArgs & { y: Binding; sequenceTargets: boolean }): void {
  sched.dispatch(windowsKernel, 'gather', {
    bindings: { feat_in: a.feat, tgt_in: a.tgt, starts: a.starts, x: a.x, y: a.y },
    shapes: { declared: WINDOWS_BINDINGS, dims: gatherDims(a) },
    uniforms: gatherUniforms(a, a.sequenceTargets),
    workgroups: groups(sched, a.batch * a.seq * a.features),
  });
}

/** Records x [B, T, F] and labels [B] u32 = rowLabels[p / S] for one minibatch. */
export function recordGatherLabels(sched: Scheduler, a: GatherArgs & { rowLabels: Binding; labels: Binding }): void {
  sched.dispatch(windowsKernel, 'gather_labels', {
    bindings: { feat_in: a.feat, starts: a.starts, x: a.x, row_labels: a.rowLabels, labels: a.labels },
    shapes: { declared: WINDOWS_BINDINGS, dims: gatherDims(a) },
    uniforms: gatherUniforms(a, false),
    workgroups: groups(sched, a.batch * a.seq * a.features),
  });
}
