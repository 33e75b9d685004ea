// dropout.ts — typed wrapper of shaders/dropout.wgsl: a layer's output as the next layer reads
// it — the directions' h_t side by side ([T·B, P·W] time-major), times the dropout mask in
// training — and its backward, the split of a [T·B, P·W] gradient into the parts (mask again).
// Masks are counter-based (src/util/counter-hash.ts): nothing is stored between the two.
// Mirrors dropoutMask / joinReference in src/reference/dropout.ts.
import dropoutWgsl from '../../shaders/dropout.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';
import { dropoutKey, dropoutThreshold } from '../util/counter-hash';

/** shaders/dropout.wgsl, reflected at build time. */
export const dropoutKernel: Kernel = dropoutWgsl;
const WG = 64;

/** What the entries expect of each binding: a part's rows from its offset, the joined [N, P·W] (checked before recording). */
export const DROPOUT_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  part_in: '[>= PART] f32', joined: '[>= JOINED] f32', joined_in: '[>= JOINED] f32', part_out: '[>= PART] f32',
});

/** The mask of one site as the kernel takes it: drop iff bits < threshold; keep × scale. */
export interface DropoutMask {
  /** The site's key: (seed, step, site) hashed (src/util/counter-hash.ts). */
  key: number;
  /** ⌊p·2³²⌋: an element drops when its 32 random bits are below it. */
  threshold: number;
  /** 1/(1−p), the factor of the elements kept. */
  scale: number;
}

/**
 * The mask that drops with probability p at (seed, step, site) — site 0 masks the model's
 * input, site l the output of layer l − 1 — or null when p is 0 (nothing drops).
 */
export function dropoutMaskOf(p: number, seed: number, step: number, site: number): DropoutMask | null {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  for (const [name, v] of [['seed', seed], ['step', step], ['site', site]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`dropout: ${name} must be an integer >= 0, got ${v}`);
  }
  return p === 0 ? null : { key: dropoutKey(seed, step, site), threshold: dropoutThreshold(p), scale: 1 / (1 - p) };
}

/** W columns of N rows inside a tensor, from element `offset`. */
export interface JoinPart {
  /** The tensor holding the part's rows. */
  tensor: GpuTensor;
  /** Element offset of its first row. */
  offset: number;
}

/** What dropoutJoin / dropoutSplit read and write. */
export interface JoinArgs {
  /** T (steps): rows are (t, b) = t·B + b, N = T·B. */
  steps: number;
  /** B (batch). */
  batch: number;
  /** W: columns of each part. */
  width: number;
  /** P parts (1 or 2 directions, or x), in column order. */
  parts: readonly JoinPart[];
  /** [N, P·W] the joined tensor. */
  joined: GpuTensor;
  /** The mask, or null: a plain copy. */
  mask: DropoutMask | null;
}

function plan(where: string, a: JoinArgs) {
  const { steps: T, batch: B, width: W } = a;
  for (const [name, v] of [['steps', T], ['batch', B], ['width', W], ['parts', a.parts.length]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  }
  const rows = T * B;
  const columns = a.parts.length * W;
  if (numel(a.joined.shape) < rows * columns) throw new Error(`${where}: ${a.joined.label} ${formatShape(a.joined.shape)} holds fewer than ${rows} × ${columns} values`);
  a.parts.forEach((p, k) => {
    if (!Number.isInteger(p.offset) || p.offset < 0 || p.offset + rows * W > numel(p.tensor.shape)) {
      throw new Error(`${where}: part ${k} (${p.tensor.label} ${formatShape(p.tensor.shape)}) has no ${rows} × ${W} values at offset ${p.offset}`);
    }
  });
  const m = a.mask ?? { key: 0, threshold: 0, scale: 1 };
  return { rows, batch: B, steps: T, width: W, columns, threshold: m.threshold, key: m.key, scale: m.scale };
}

/** One dispatch per part of `entry` ('join': parts → joined; 'split': joined → parts). */
function record(sched: Scheduler, a: JoinArgs, entry: 'join' | 'split'): void {
  const u = plan(`dropout ${entry}`, a);
  a.parts.forEach((p, part) => {
    const bindings: Record<string, GpuTensor> = entry === 'join' ? { part_in: p.tensor, joined: a.joined } : { joined_in: a.joined, part_out: p.tensor };
    sched.dispatch(dropoutKernel, entry, {
      bindings,
      shapes: { declared: DROPOUT_BINDINGS, dims: { PART: p.offset + u.rows * u.width, JOINED: u.rows * u.columns } },
      uniforms: { ...u, part, src_off: p.offset },
      workgroups: grid1d(u.rows * u.width, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
      overrides: { WG },
    });
  });
}

/** Records joined[:, p·W + j] = parts[p][:, j] · mask, one dispatch per part. */
export function dropoutJoin(sched: Scheduler, a: JoinArgs): void {
  record(sched, a, 'join');
}

/** Records parts[p][:, j] = joined[:, p·W + j] · mask (the join's backward), one dispatch per part. */
export function dropoutSplit(sched: Scheduler, a: JoinArgs): void {
  record(sched, a, 'split');
}
