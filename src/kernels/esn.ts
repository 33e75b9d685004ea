// esn.ts — typed wrappers of shaders/esn.wgsl: reservoir steps (dense or sparse W), power
// iteration steps, in-place scaling, the readout of windows and closed-loop generation steps.
// Layouts (N units in N4 = ⌈N/4⌉ vec4 groups, DZ4 = 1 + N4 vec4 per design row) are the
// shader's; src/esn/reservoir.ts builds the weights in them. Mirrors src/reference/esn.ts.
import esnWgsl from '../../shaders/esn.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { grid1d } from '../gpu/grid';
import type { Binding, Scheduler } from '../gpu/scheduler';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';

/** shaders/esn.wgsl, reflected at build time. */
export const esnKernel: Kernel = esnWgsl;
const WG = (): number => workgroupWidth(esnKernel, 'step_dense');

/**
 * What esn.wgsl expects (N4 vec4 groups of units, F inputs, K4 ELL entries per row, DZ4 vec4 per
 * design row): W dense or ELL, W_in, b, design rows reaching row ZR, inputs reaching row FR,
 * the power norm, values to scale (COUNT), the readout, N window starts and outputs, the
 * generation's history (H) and inputs, stats [6], the centring's centres and chunk (CR rows of
 * W4 vec4) and the Gram pair. Checked before recording.
 */
export const ESN_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  wt: '[16*N4*N4] f32', cols: '[4*N4*K4] u32', vals: '[4*N4*K4] f32', win: '[4*F*N4] f32', bias: '[4*N4] f32',
  z: '[>= 4*ZR*DZ4] f32', zf: '[>= 4*ZR*DZ4] f32', feat: '[>= FR*F] f32', feat_out: '[>= FR*F] f32', pnorm: '[1] f32',
  values: '[>= COUNT] f32', wout: '[4*DZ4] f32', starts: '[>= N] u32', out: '[>= N] f32', hist: '[>= H] f32', stats: '[6] f32',
  centres: '[>= 4*DZ4+1] f32', tgt: '[>= ZR+1] f32', chunk: '[>= 4*CR*W4] f32', chunk_v: '[>= 4*CR*W4] f32',
  gram_hi: '[4*W4, 4*W4] f32', gram_lo: '[4*W4, 4*W4] f32', one: '[1] f32',
});

/** The shader's "no previous state" row (x_{−1} = 0). */
export const NO_STATE = 0xffffffff;

/** Entries per row of the ELL layout for K non-zeros: K rounded up to a multiple of 4 (K4). */
export function ellStride(nnz: number): number {
  return 4 * Math.ceil(nnz / 4);
}

/** W on the GPU: dense (transposed, vec4 along rows) or sparse (ELL, `nnz` non-zeros per row in rows of ellStride(nnz) entries). */
export type ReservoirWeights = { kind: 'dense'; wt: Binding } | { kind: 'sparse'; cols: Binding; vals: Binding; nnz: number };

/** A reservoir's device buffers and sizes. */
export interface ReservoirBuffers {
  /** N4: vec4 groups of units. */
  n4: number;
  /** F: inputs per step (≤ 3). */
  features: number;
  /** W, dense or sparse. */
  weights: ReservoirWeights;
  /** W_in [F, N4] vec4. */
  win: Binding;
  /** b [N4] vec4. */
  bias: Binding;
  /** Leak rate α. */
  leak: number;
}

/** Vec4 per design row z = [1, u (3), x (4·N4)]. */
export function designWidth(n4: number): number {
  return 1 + n4;
}

// The reservoir's dims as ESN_BINDINGS names them.
function reservoirDims(res: ReservoirBuffers): Record<string, number> {
  return { N4: res.n4, F: res.features, K4: res.weights.kind === 'sparse' ? ellStride(res.weights.nnz) : 0, DZ4: designWidth(res.n4) };
}

// Vec4 groups of ELL entries per row (the shader's nnz4; 0 for a dense W).
function entryGroups(w: ReservoirWeights): number {
  return w.kind === 'sparse' ? ellStride(w.nnz) / 4 : 0;
}

function weightBindings(w: ReservoirWeights): Record<string, Binding> {
  return w.kind === 'dense' ? { wt: w.wt } : { cols: w.cols, vals: w.vals };
}

export interface StepArgs {
  /** Design rows z [*, DZ4] vec4. */
  z: Binding;
  /** Inputs [*, F]. */
  feat: Binding;
  /** Rows written, read as the previous state (NO_STATE: zero), and of the inputs, for series row 0. */
  zRow: number;
  prevRow: number;
  featRow: number;
  /** Series rows driven at once (workgroups along y) and the row strides between them. */
  rows: number;
  rowStride: number;
  featStride: number;
}

/** Records one reservoir step of `rows` series rows. */
export function recordReservoirStep(sched: Scheduler, res: ReservoirBuffers, a: StepArgs): void {
  const w = res.weights;
  sched.dispatch(esnKernel, w.kind === 'dense' ? 'step_dense' : 'step_sparse', {
    bindings: { ...weightBindings(w), win: res.win, bias: res.bias, z: a.z, feat: a.feat },
    shapes: {
      declared: ESN_BINDINGS,
      dims: { ...reservoirDims(res), ZR: Math.max(a.zRow, a.prevRow === NO_STATE ? 0 : a.prevRow) + (a.rows - 1) * a.rowStride + 1, FR: a.featRow + (a.rows - 1) * a.featStride + 1 },
    },
    uniforms: {
      n4: res.n4, features: res.features, nnz4: entryGroups(w), dz4: designWidth(res.n4),
      z_row: a.zRow, prev_row: a.prevRow, feat_row: a.featRow, row_stride: a.rowStride, feat_stride: a.featStride, leak: res.leak,
    },
    workgroups: [Math.ceil(res.n4 / WG()), a.rows, 1],
  });
}

/**
 * Records z[dst] state ← W (z[src] state · pnorm[0]) and, when `normalise`, then
 * pnorm[0] ← 1/‖z[dst] state‖ (a power-iteration step).
 */
export function recordPowerStep(sched: Scheduler, res: ReservoirBuffers, z: Binding, pnorm: Binding, srcRow: number, dstRow: number, normalise = true): void {
  const w = res.weights;
  const uniforms = { n4: res.n4, nnz4: entryGroups(w), dz4: designWidth(res.n4), src_row: srcRow, dst_row: dstRow };
  sched.dispatch(esnKernel, w.kind === 'dense' ? 'power_dense' : 'power_sparse', {
    bindings: { ...weightBindings(w), z, pnorm }, uniforms, workgroups: Math.ceil(res.n4 / WG()),
    shapes: { declared: ESN_BINDINGS, dims: { ...reservoirDims(res), ZR: Math.max(srcRow, dstRow) + 1 } },
  });
  if (normalise) recordPowerNorm(sched, res.n4, z, pnorm, dstRow);
}

/** Records pnorm[0] ← 1/‖z[row] state‖ (1 for a zero vector). */
export function recordPowerNorm(sched: Scheduler, n4: number, z: Binding, pnorm: Binding, row: number): void {
  sched.dispatch(esnKernel, 'power_norm', {
    bindings: { z, pnorm }, uniforms: { n4, nnz4: 0, dz4: designWidth(n4), src_row: row, dst_row: row }, workgroups: 1,
    shapes: { declared: ESN_BINDINGS, dims: { DZ4: designWidth(n4), ZR: row + 1 } },
  });
}

/** Records values[0, count) ← factor · values. */
export function recordScale(sched: Scheduler, values: Binding, count: number, factor: number): void {
  if (!Number.isFinite(factor)) throw new Error(`esn scale: factor must be finite, got ${factor}`);
  sched.dispatch(esnKernel, 'scale_values', {
    bindings: { values }, uniforms: { count, factor }, shapes: { declared: ESN_BINDINGS, dims: { COUNT: count } }, workgroups: grid1d(count, WG(), sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

export interface CenterArgs {
  /** Design rows z [*, width] and targets tgt (row p's target is tgt[p + 1]). */
  z: Binding;
  tgt: Binding;
  /** Centres [width + 1] taken off the columns of z, then off the targets (the column means, as stored in f32). */
  centres: Binding;
  /** Floats per design row (4·DZ4). */
  width: number;
  /** Output [count, width + 4]. */
  chunk: Binding;
}

/** Records chunk ← design rows first .. first + count − 1 and their targets, centred (see esn.wgsl). */
export function recordCenterRows(sched: Scheduler, a: CenterArgs, first: number, count: number): void {
  sched.dispatch(esnKernel, 'center_rows', {
    bindings: { zf: a.z, tgt: a.tgt, centres: a.centres, chunk: a.chunk },
    shapes: { declared: ESN_BINDINGS, dims: { DZ4: a.width / 4, ZR: first + count, CR: count, W4: a.width / 4 + 1 } },
    uniforms: { count, width: a.width, first },
    workgroups: grid1d(count * (a.width + 4), WG(), sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

/**
 * Records (hi, lo) += the upper triangle of chunkᵀ·chunk (chunk [rows, 4·w4] f32; hi, lo
 * [4·w4, 4·w4] f32, cleared before the first chunk), compensated (see esn.wgsl: hi + lo in f64
 * is the Gram matrix of the f32 products to about f64 accuracy); one: [1] f32 holding 1.0.
 */
export function recordGramChunk(sched: Scheduler, chunk: Binding, rows: number, w4: number, gram: { hi: Binding; lo: Binding; one: Binding }): void {
  const rowsPerGroup = esnKernel.constant('GRAM_ROWS');
  sched.dispatch(esnKernel, 'gram_chunk', {
    bindings: { chunk_v: chunk, gram_hi: gram.hi, gram_lo: gram.lo, one: gram.one },
    shapes: { declared: ESN_BINDINGS, dims: { CR: rows, W4: w4 } },
    uniforms: { rows, w4 },
    workgroups: [Math.ceil(w4 / WG()), Math.ceil((4 * w4) / rowsPerGroup), 1],
  });
}

/** Records out[i] = w_out · z[starts[i] + offset] for i < n. */
export function recordReadout(sched: Scheduler, n4: number, a: { z: Binding; wout: Binding; starts: Binding; out: Binding; n: number; offset: number }): void {
  sched.dispatch(esnKernel, 'readout', {
    bindings: { z: a.z, wout: a.wout, starts: a.starts, out: a.out },
    shapes: { declared: ESN_BINDINGS, dims: { DZ4: designWidth(n4), ZR: 1, N: a.n } },
    uniforms: { n: a.n, dz4: designWidth(n4), offset: a.offset },
    workgroups: grid1d(a.n, WG(), sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

export interface GenerateArgs {
  z: Binding;
  wout: Binding;
  /** [2 + steps] raw x: the two samples before the first prediction, then the predictions. */
  hist: Binding;
  /** Inputs [*, F] the next step reads; stats [6]. */
  featOut: Binding;
  stats: Binding;
  features: number;
  /** Input terms (bit mask) and target kind, as src/kernels/windows.ts's FeatureLayout. */
  terms: number;
  kind: 0 | 1 | 2;
}

/** Records closed-loop step `step`: x̂ from z[zRow] → hist[step + 2], its inputs → featOut row featRow. */
export function recordGenerate(sched: Scheduler, n4: number, a: GenerateArgs, step: number, zRow: number, featRow: number): void {
  sched.dispatch(esnKernel, 'generate', {
    bindings: { z: a.z, wout: a.wout, hist: a.hist, feat_out: a.featOut, stats: a.stats },
    shapes: { declared: ESN_BINDINGS, dims: { DZ4: designWidth(n4), ZR: zRow + 1, H: step + 3, FR: featRow + 1, F: a.features } },
    uniforms: { dz4: designWidth(n4), z_row: zRow, feat_row: featRow, step, features: a.features, terms: a.terms, target_kind: a.kind },
    workgroups: 1,
  });
}
