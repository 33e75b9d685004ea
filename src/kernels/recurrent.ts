// recurrent.ts — what the three cell wrappers (rnn.ts, lstm.ts, gru.ts) share: tile choice,
// and recording a layer's time loop either as one fused dispatch per step ('step') or as one
// persistent dispatch per layer ('persistent', a workgroup walks all steps of its batch tile
// with the recurrent operand in workgroup memory). Every shaders/{rnn,lstm,gru}.wgsl has the
// entry points forward_step, forward_seq, backward_step, backward_seq and the same uniforms.
import type { Kernel } from '../gpu/kernel';
import type { Scheduler, Binding } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { UniformValues } from '../gpu/uniforms';
import type { BindingDeclarations } from '../gpu/declare';
import { gemm } from './gemm';
import { subgroupsKernelFor, weightLoadsKernel } from './weight-loads';
import { requireKernelPath, requireSubgroupWidth, type KernelPath } from '../gpu/subgroups';

/** How a recurrent layer's time loop runs: one dispatch per step, or one persistent dispatch per layer (chosen per shape by pickVariant()). */
export type RecurrentVariant = 'step' | 'persistent';

/** Sequences per workgroup (rows ≤ the kernels' MAX_ROWS, 16) and hidden units per workgroup pass (wg). */
export interface RecurrentTile {
  /** Sequences per workgroup (at most 16). */
  rows: number;
  /** Hidden units per workgroup pass. */
  wg: number;
}

/** Sizes of one layer's time loop; steps t ∈ [tBegin, tEnd) of a sequence of length seqLen. */
export interface StepRange {
  batch: number;
  hidden: number;
  seqLen: number;
  tBegin: number;
  tEnd: number;
}

/** A cell wrapper's sizes and how it runs the loop: every {Rnn,Lstm,Gru}{Forward,Backward}Args has these. */
export interface RecurrentRun extends StepRange {
  variant: RecurrentVariant;
  tile?: RecurrentTile;
  /**
   * The reverse direction of a bidirectional layer: steps tEnd−1 … tBegin, the state after
   * step t in hseq / cseq block t and the initial state in block tEnd (forward: blocks t + 1
   * and tBegin). Default false.
   */
  reverse?: boolean;
  /**
   * How the lanes load the recurrent operand: 'plain' (each lane every row) or 'subgroups'
   * (one load per group of rows, shared by subgroup shuffles; needs the 'subgroups' feature).
   * Default 'plain'. Tiles whose rows are not a multiple of the broadcast width run 'plain'.
   */
  path?: KernelPath;
}

const pow2AtLeast = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * Floats of workgroup memory a persistent entry declares: two halves of rows × width floats,
 * rounded up to a power of two (fewer distinct pipelines).
 */
export function persistentTileFloats(rows: number, width: number): number {
  return pow2AtLeast(2 * rows * width);
}

/**
 * Invocations a workgroup needs for `lanes` lanes: a power of two in 8..64 (8 = one SIMD row on
 * lavapipe; powers of two keep the number of distinct pipelines, each compiled once, small).
 */
export function lanesToWorkgroup(lanes: number): number {
  return Math.min(64, Math.max(8, pow2AtLeast(lanes)));
}

/**
 * Picks the tile of a variant, for kernels whose invocations cover `units` hidden units each
 * (LSTM/GRU forward 1, all backward and RNN forward 4). For 'persistent', `width` is the
 * widest row kept in workgroup memory (H forward, G·H backward); returns null when even one
 * row does not fit. A persistent tile holds at most `maxRows` sequences (8; 16 on path
 * 'subgroups', whose loads of W_hh then feed twice the rows: measured 20 % less adapter CPU per
 * LSTM training step on lavapipe at B 32, H 64).
 */
export function chooseRecurrentTile(variant: RecurrentVariant, batch: number, hidden: number, width: number, maxWorkgroupBytes: number, units = 1, maxRows = 8): RecurrentTile | null {
  const wg = lanesToWorkgroup(Math.ceil(hidden / units));
  if (variant === 'step') return { rows: Math.min(8, pow2AtLeast(batch)), wg };
  // At least two workgroups when the batch allows it (two CPU threads on lavapipe).
  let rows = Math.min(maxRows, pow2AtLeast(Math.ceil(batch / 2)));
  while (rows > 1 && 4 * persistentTileFloats(rows, width) > maxWorkgroupBytes) rows /= 2;
  if (4 * persistentTileFloats(rows, width) > maxWorkgroupBytes) return null;
  return { rows, wg };
}

/** Checks a tile against the kernel's bound on sequences per workgroup (MAX_ROWS, shaders/lib/recurrent_tile.wgsl). */
function checkTile(where: string, kernel: Kernel, tile: RecurrentTile): void {
  const maxRows = kernel.constant('MAX_ROWS');
  if (!Number.isInteger(tile.rows) || tile.rows < 1 || tile.rows > maxRows) {
    throw new Error(`${where}: tile.rows must be an integer in 1..${maxRows}, got ${tile.rows}`);
  }
  if (!Number.isInteger(tile.wg) || tile.wg < 1) throw new Error(`${where}: tile.wg must be a positive integer, got ${tile.wg}`);
}

function checkRange(where: string, r: StepRange): void {
  for (const k of ['batch', 'hidden', 'seqLen'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`${where}: ${k} must be a positive integer, got ${r[k]}`);
  }
  if (!Number.isInteger(r.tBegin) || !Number.isInteger(r.tEnd) || r.tBegin < 0 || r.tEnd > r.seqLen || r.tBegin >= r.tEnd) {
    throw new Error(`${where}: step range [${r.tBegin}, ${r.tEnd}) must be a non-empty part of [0, ${r.seqLen})`);
  }
}

/** What every backward wrapper also takes: where to record d loss / d state for gradient norms. */
export interface StateGradRecord {
  /** [T, B, S, H] (S = 2 for LSTM: h then c; else 1): filled for rows tBegin..tEnd-1 when given. */
  dstate?: GpuTensor | null;
}

const placeholders = new WeakMap<Scheduler, GPUBuffer>();

/**
 * The dstate binding of a backward wrapper, and whether it is a stand-in: the tensor when
 * gradient norms are recorded, else a small buffer of its own (never written: keep_dstate is
 * 0), since WebGPU forbids one buffer in two writable bindings of a dispatch.
 */
export function dstateBinding(sched: Scheduler, dstate: GpuTensor | null | undefined): { binding: Binding; standIn: boolean } {
  if (dstate) return { binding: dstate, standIn: false };
  let buffer = placeholders.get(sched);
  if (!buffer) {
    buffer = sched.createBuffer(16, undefined, 'dstate placeholder');
    placeholders.set(sched, buffer);
  }
  return { binding: buffer, standIn: true };
}

export interface RecordStepsArgs {
  kernel: Kernel;
  range: StepRange;
  /** The reverse direction (RecurrentRun.reverse). */
  reverse?: boolean;
  variant: RecurrentVariant;
  /** RecurrentRun.path. */
  path?: KernelPath;
  bindings: Readonly<Record<string, Binding>>;
  /** The cell wrapper's declared binding shapes, over T = seqLen, B = batch, H = hidden. */
  shapes: BindingDeclarations;
  /** Bindings given a stand-in this run does not read (dy without a gradient from above). */
  standIns?: readonly string[];
  /** Hidden units one invocation covers (grid x = ⌈H / (units·wg)⌉). */
  units: number;
  /** Cell-specific uniforms beyond batch, hidden, t_begin, t_end, has_dy. */
  extraUniforms?: UniformValues;
  hasDy?: boolean;
  /** Backward: record d loss / d h_t (and c_t) into the cell's dstate binding (gradient norms). */
  keepDstate?: boolean;
  tile?: RecurrentTile;
}

/** G of a cell kernel: gate rows of W_hh per hidden unit (its `const GATES`). */
export function kernelGates(kernel: Kernel): number {
  return kernel.constant('GATES');
}

/**
 * Widest row a persistent entry keeps in workgroup memory: the recurrent operand h [H]
 * forward, the gate gradients [G·H] backward (shaders/lib/recurrent_tile.wgsl).
 */
export function persistentTileWidth(kernel: Kernel, hidden: number, direction: 'forward' | 'backward'): number {
  return direction === 'forward' ? hidden : kernelGates(kernel) * hidden;
}

function resolveTile(sched: Scheduler, where: string, a: RecordStepsArgs, width: number): RecurrentTile {
  const limit = sched.device.limits.maxComputeWorkgroupStorageSize;
  const tile = a.tile ?? chooseRecurrentTile(a.variant, a.range.batch, a.range.hidden, width, limit, a.units, a.path === 'subgroups' ? 16 : 8);
  if (!tile) throw new Error(`${where}: hidden size ${a.range.hidden} is too large for the persistent variant (needs ${8 * width} bytes of workgroup memory, this device has ${limit}); use variant 'step'`);
  checkTile(where, a.kernel, tile);
  if (a.variant === 'persistent' && 4 * persistentTileFloats(tile.rows, width) > limit) {
    throw new Error(`${where}: tile.rows ${tile.rows} needs ${4 * persistentTileFloats(tile.rows, width)} bytes of workgroup memory, this device has ${limit}`);
  }
  return tile;
}

/**
 * The kernel a run dispatches and its SG override: the cell kernel (its vec4WeightsKernel()
 * where H % 4 = 0, src/kernels/weight-loads.ts) on path 'plain', its subgroupsKernelFor() on
 * 'subgroups' (SG = the device's broadcast width) unless the tile's rows are not a multiple of
 * that width. Throws for 'subgroups' on a device without subgroups.
 */
function kernelOnPath(sched: Scheduler, where: string, a: RecordStepsArgs, tile: RecurrentTile): { kernel: Kernel; sg: { SG?: number } } {
  const path = requireKernelPath(where, a.path ?? 'plain');
  const kernel = weightLoadsKernel(a.kernel, a.range.hidden);
  if (path === 'plain') return { kernel, sg: {} };
  const width = requireSubgroupWidth(sched, where);
  if (width === 1 || tile.rows % width !== 0) return { kernel, sg: {} };
  return { kernel: subgroupsKernelFor(a.kernel, a.range.hidden), sg: { SG: width } };
}

/** The step a direction takes first: tBegin, or tEnd − 1 for the reverse direction. */
function firstStep(range: StepRange, reverse: boolean): number {
  return reverse ? range.tEnd - 1 : range.tBegin;
}

/**
 * Records one layer's time loop in `pass`: one persistent '*_seq' dispatch, or one '*_step'
 * dispatch per step (the forward pass in the direction's step order, the backward in reverse).
 */
function recordSteps(sched: Scheduler, a: RecordStepsArgs, pass: 'forward' | 'backward'): void {
  const where = `${a.kernel.name} ${pass}`;
  checkRange(where, a.range);
  const width = persistentTileWidth(a.kernel, a.range.hidden, pass);
  const tile = resolveTile(sched, where, a, width);
  const { batch, hidden, tBegin, tEnd } = a.range;
  const reverse = a.reverse === true;
  const base = { batch, hidden, t_begin: tBegin, t_end: tEnd, has_dy: a.hasDy ? 1 : 0, reverse: reverse ? 1 : 0, keep_dstate: a.keepDstate ? 1 : 0, ...a.extraUniforms };
  const shapes = { declared: a.shapes, dims: { T: a.range.seqLen, B: batch, H: hidden }, standIns: a.standIns };
  const { kernel, sg } = kernelOnPath(sched, where, a, tile);
  if (a.variant === 'persistent') {
    sched.dispatch(kernel, `${pass}_seq`, {
      bindings: a.bindings,
      shapes,
      uniforms: { ...base, step: 0 },
      workgroups: [Math.ceil(batch / tile.rows), 1, 1],
      overrides: { ROWS: tile.rows, WG: tile.wg, TILE: persistentTileFloats(tile.rows, width), ...sg },
    });
    return;
  }
  const workgroups = [Math.ceil(hidden / (a.units * tile.wg)), Math.ceil(batch / tile.rows), 1];
  const ascending = (pass === 'forward') !== reverse;
  for (let i = 0; i < tEnd - tBegin; i++) {
    const t = ascending ? tBegin + i : tEnd - 1 - i;
    sched.dispatch(kernel, `${pass}_step`, {
      bindings: a.bindings,
      shapes,
      uniforms: { ...base, step: t },
      workgroups,
      overrides: { ROWS: tile.rows, WG: tile.wg, ...sg },
    });
  }
}

/** Records the forward time loop of one layer (t ascending). */
export function recordForwardSteps(sched: Scheduler, a: RecordStepsArgs): void {
  recordSteps(sched, { ...a, hasDy: false }, 'forward');
}

export interface BackwardFinish {
  /** d loss / d (pre-activations of the hidden product) [T, B, G·H], the dh recurrence input. */
  dgHid: GpuTensor;
  wHh: GpuTensor;
  /** [B, H]: receives += dgHid[first step] · W_hh after the loop (the gradient into the state the direction started from). */
  dhCarry: GpuTensor;
}

/** Records the backward time loop of one layer (the direction's steps in reverse), ending with dhCarry = d loss / d (the state it started from). */
export function recordBackwardSteps(sched: Scheduler, a: RecordStepsArgs, finish: BackwardFinish): void {
  recordSteps(sched, a, 'backward');
  // The persistent entry adds d loss / d (initial state) itself (its extra pass).
  if (a.variant === 'persistent') return;
  const { batch, hidden } = a.range;
  const GH = kernelGates(a.kernel) * hidden;
  gemm(sched, {
    a: { tensor: finish.dgHid, rows: batch, cols: GH, offset: firstStep(a.range, a.reverse === true) * batch * GH },
    b: { tensor: finish.wHh, rows: GH, cols: hidden },
    c: { tensor: finish.dhCarry, rows: batch, cols: hidden },
    accumulate: true,
    path: a.path,
    label: 'dh into the first step',
  });
}
