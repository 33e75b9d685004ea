// gemm.ts — typed wrapper of shaders/gemm.wgsl: C = op(A)·op(B) (+ bias) (+ C) on row-major
// views into GPU tensors, and column sums (bias gradients). Transposes become strides; when C
// has few columns and many rows the problem is solved as Cᵀ = op(B)ᵀ·op(A)ᵀ so the lanes run
// along the long side. Two implementations of the same product ('plain': gemm.wgsl;
// 'subgroups': gemm_subgroups.wgsl, rows of A shared through subgroup broadcasts), chosen by
// the caller (src/model/kernel-paths.ts per adapter). Mirrors gemmReference / colSumReference
// in src/reference/gemm.ts.
import gemmWgsl from '../../shaders/gemm.wgsl';
import gemmSubgroupsWgsl from '../../shaders/gemm_subgroups.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';
import { requireKernelPath, requireSubgroupWidth, type KernelPath } from '../gpu/subgroups';
import { HelperVariants } from '../gpu/helper-swap';
import { source as gemmAVec4 } from '../../shaders/lib/gemm_a_vec4.wgsl';
import { source as gemmBVec4 } from '../../shaders/lib/gemm_b_vec4.wgsl';
import { source as gemmCVec4 } from '../../shaders/lib/gemm_c_vec4.wgsl';

/** shaders/gemm.wgsl, reflected at build time. */
export const gemmKernel: Kernel = gemmWgsl;
/** shaders/gemm_subgroups.wgsl (needs the 'subgroups' feature), reflected at build time. */
export const gemmSubgroupsKernel: Kernel = gemmSubgroupsWgsl;


// Named as the GEMM kernel itself (errors about its dispatches read as the GEMM's); compile
// errors name gemm_a_vec4 / gemm_b_vec4 / gemm_c_vec4 and the line.
const VEC4_A = /* @__PURE__ */ new HelperVariants({
  from: 'gemm_a_scalar',
  to: { name: 'gemm_a_vec4', source: gemmAVec4 },
  what: 'vec4 loads of A (gemm)',
});
const VEC4_B = /* @__PURE__ */ new HelperVariants({
  from: 'gemm_b_scalar',
  to: { name: 'gemm_b_vec4', source: gemmBVec4 },
  what: 'vec4 loads of B (gemm)',
});
const VEC4_C = /* @__PURE__ */ new HelperVariants({
  from: 'gemm_c_scalar',
  to: { name: 'gemm_c_vec4', source: gemmCVec4 },
  what: 'vec4 stores of C (gemm)',
});

/** How a GEMM reads op(A) and op(B) and writes C: four values per load / store where each is true. */
interface Vec4Access {
  a: boolean;
  b: boolean;
  c: boolean;
}

/** The GEMM kernel of `path` ('plain': gemm.wgsl, 'subgroups': gemm_subgroups.wgsl), with vec4 loads of op(A), op(B) and stores of C where `vec4` says. */
function gemmKernelOf(path: KernelPath, vec4: Vec4Access): Kernel {
  let kernel = path === 'subgroups' ? gemmSubgroupsKernel : gemmKernel;
  if (vec4.a) kernel = VEC4_A.of(kernel);
  if (vec4.b) kernel = VEC4_B.of(kernel);
  return vec4.c ? VEC4_C.of(kernel) : kernel;
}

/** The kernels a GEMM on `path` dispatches (prepare these): gemm.wgsl always (column sums), gemm_subgroups.wgsl for 'subgroups', and their vec4 variants. */
export function gemmKernelsFor(path: KernelPath): Kernel[] {
  const paths: KernelPath[] = path === 'subgroups' ? ['plain', 'subgroups'] : ['plain'];
  const flags = [false, true];
  return paths.flatMap((p) => (readsAVec4(p) ? flags : [false]).flatMap((a) => flags.flatMap((b) => flags.map((c) => gemmKernelOf(p, { a, b, c })))));
}

/** Whether `path` reads op(A) as vec4 where it can: 'subgroups' only (gemm.wgsl keeps scalar loads of A: see its loop). */
function readsAVec4(path: KernelPath): boolean {
  return path === 'subgroups';
}

/**
 * Whether row i, columns n0 .. n0+3 of a strided [rows, cols] view (op(A), op(B), or C) is one aligned
 * vec4 for every i and every n0 % 4 = 0: rows contiguous (column stride 1), offset, row stride
 * (when there is more than one row) and column count multiples of 4 (shaders/lib/gemm_a_vec4.wgsl,
 * gemm_b_vec4.wgsl, gemm_c_vec4.wgsl).
 */
function vec4Rows(v: Strided, rows: number, cols: number): boolean {
  return v.cs === 1 && v.off % 4 === 0 && (rows === 1 || v.rs % 4 === 0) && cols % 4 === 0;
}

/**
 * What gemm.wgsl's entries expect of each binding: views into tensors, so at least the elements
 * the strided view reaches (A, B, C, BIAS; colsum sums the columns of B into C). Checked before recording.
 */
export const GEMM_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  a: '[>= A] f32', b: '[>= B] f32', bias: '[>= BIAS] f32', c: '[>= C] f32',
});

/** Elements a view reaches: offset + (rows − 1)·ld + cols. */
function viewEnd(v: MatrixView): number {
  return (v.offset ?? 0) + (v.rows - 1) * (v.ld ?? v.cols) + v.cols;
}

/** A row-major matrix inside a tensor: element (i, j) at offset + i·ld + j (in f32 elements). */
export interface MatrixView {
  tensor: GpuTensor;
  rows: number;
  cols: number;
  /** Element offset of (0, 0). Default 0. */
  offset?: number;
  /** Row stride in elements. Default cols. */
  ld?: number;
}

/** Work split: `rows` rows of C per workgroup (≤ 16), `wg` invocations of 4 columns each. */
export interface GemmTile {
  rows: number;
  wg: number;
}

export interface GemmArgs {
  a: MatrixView;
  transA?: boolean;
  b: MatrixView;
  transB?: boolean;
  /** Output, [op(A).rows, op(B).cols]. Must not share a buffer with a, b or bias. */
  c: MatrixView;
  /** Per-column bias of C (c.cols values from offset). */
  bias?: { tensor: GpuTensor; offset?: number };
  /** C += product instead of C = product. */
  accumulate?: boolean;
  /** Overrides the automatic tile choice (benchmarks). */
  tile?: GemmTile;
  /** Implementation. Default 'plain'; 'subgroups' needs a device with subgroups (subgroupWidth()). */
  path?: KernelPath;
  /** Names the operation in errors, e.g. 'weight_ih_l0 grad'. */
  label?: string;
}

/** Most rows of C one workgroup computes (gemm.wgsl's MAX_ROWS, the bound of its tile.rows). */
export function gemmMaxRows(): number {
  return gemmKernel.constant('MAX_ROWS');
}

interface Strided {
  off: number;
  rs: number;
  cs: number;
}

function checkView(where: string, name: string, v: MatrixView): Strided {
  const off = v.offset ?? 0;
  const ld = v.ld ?? v.cols;
  for (const [key, val] of [['rows', v.rows], ['cols', v.cols], ['offset', off], ['ld', ld]] as const) {
    if (!Number.isInteger(val) || val < (key === 'rows' || key === 'cols' ? 1 : 0)) {
      throw new Error(`${where}: ${name}.${key} must be a ${key === 'rows' || key === 'cols' ? 'positive' : 'non-negative'} integer, got ${val}`);
    }
  }
  if (v.rows > 1 && ld < v.cols) throw new Error(`${where}: ${name}.ld ${ld} is smaller than its ${v.cols} columns`);
  const end = off + (v.rows - 1) * ld + v.cols;
  const have = numel(v.tensor.shape);
  if (end > have) {
    throw new Error(`${where}: ${name} [${v.rows}, ${v.cols}] at offset ${off} with ld ${ld} needs ${end} elements but ${v.tensor.label} ${formatShape(v.tensor.shape)} has ${have}`);
  }
  return { off, rs: ld, cs: 1 };
}

/**
 * Picks a tile for C [m, n] (lanes along n). Measured on lavapipe (bench/rnn.bench.ts
 * shapes): 16 rows × 16 lanes is best or within 10% everywhere; wider workgroups leave
 * whole SIMD rows idle on narrow outputs, and 32 rows spill without gaining.
 */
export function chooseGemmTile(m: number, n: number, broadcastWidth = 1): GemmTile {
  const lanes = Math.ceil(n / 4);
  const wg = Math.min(16, 8 * Math.ceil(lanes / 8));
  const rows = m >= 64 ? 16 : m >= 16 ? 8 : 4;
  return { rows: Math.max(rows, broadcastWidth), wg };
}

/** The broadcast width of `path` on this device (1 for 'plain'); throws for 'subgroups' on a device without subgroups. */
function broadcastWidth(sched: Scheduler, where: string, path: KernelPath): number {
  return path === 'subgroups' ? requireSubgroupWidth(sched, where) : 1;
}

/** Uniforms, workgroup counts and overrides of one gemm dispatch; `width` is the 'subgroups' path's broadcast width SG (exported for tests and benchmarks). */
export function planGemm(args: GemmArgs, width = 1) {
  const where = `gemm${args.label ? ` (${args.label})` : ''}`;
  const path = requireKernelPath(where, args.path ?? 'plain');
  const a = checkView(where, 'A', args.a);
  const b = checkView(where, 'B', args.b);
  const c = checkView(where, 'C', args.c);
  // op(X)(i, j) = X(j, i) when transposed: swap the strides.
  const A = args.transA ? { off: a.off, rs: a.cs, cs: a.rs } : a;
  const B = args.transB ? { off: b.off, rs: b.cs, cs: b.rs } : b;
  const M = args.transA ? args.a.cols : args.a.rows;
  const K = args.transA ? args.a.rows : args.a.cols;
  const K2 = args.transB ? args.b.cols : args.b.rows;
  const N = args.transB ? args.b.rows : args.b.cols;
  if (K !== K2) throw new Error(`${where}: op(A) is [${M}, ${K}] but op(B) is [${K2}, ${N}]; inner sizes differ`);
  if (args.c.rows !== M || args.c.cols !== N) {
    throw new Error(`${where}: C is [${args.c.rows}, ${args.c.cols}] but op(A)·op(B) is [${M}, ${N}]`);
  }
  const biasOff = args.bias?.offset ?? 0;
  if (args.bias && biasOff + N > numel(args.bias.tensor.shape)) {
    throw new Error(`${where}: bias needs ${N} values from offset ${biasOff} but ${args.bias.tensor.label} ${formatShape(args.bias.tensor.shape)} has ${numel(args.bias.tensor.shape)}`);
  }
  // Few columns, many rows: solve Cᵀ = op(B)ᵀ·op(A)ᵀ so lanes run along the long side.
  const swap = N < 16 && M > N;
  const [m, n] = swap ? [N, M] : [M, N];
  const [P, Q] = swap ? [{ off: B.off, rs: B.cs, cs: B.rs }, { off: A.off, rs: A.cs, cs: A.rs }] : [A, B];
  const sg = path === 'subgroups' ? width : 1;
  const tile = args.tile ?? chooseGemmTile(m, n, sg);
  const maxRows = gemmMaxRows();
  if (!Number.isInteger(tile.rows) || tile.rows < 1 || tile.rows > maxRows) throw new Error(`${where}: tile.rows must be in 1..${maxRows}, got ${tile.rows}`);
  if (tile.rows % sg !== 0) throw new Error(`${where}: tile.rows must be a multiple of the subgroup broadcast width ${sg} on path 'subgroups', got ${tile.rows}`);
  if (!Number.isInteger(tile.wg) || tile.wg < 1) throw new Error(`${where}: tile.wg must be a positive integer, got ${tile.wg}`);
  if (tile.wg % sg !== 0) throw new Error(`${where}: tile.wg must be a multiple of the subgroup broadcast width ${sg} on path 'subgroups', got ${tile.wg}`);
  const uniforms = {
    m, n, k: K,
    a_off: P.off, a_rs: P.rs, a_cs: P.cs,
    b_off: Q.off, b_rs: Q.rs, b_cs: Q.cs,
    c_off: c.off, c_rs: swap ? c.cs : c.rs, c_cs: swap ? c.rs : c.cs,
    bias_off: biasOff,
    bias_mode: args.bias ? (swap ? 2 : 1) : 0,
    accumulate: args.accumulate ? 1 : 0,
  };
  const workgroups = [Math.ceil(n / (4 * tile.wg)), Math.ceil(m / tile.rows), 1] as const;
  const overrides: Record<string, number> = path === 'subgroups' ? { ROWS: tile.rows, WG: tile.wg, SG: sg } : { ROWS: tile.rows, WG: tile.wg };
  const C = { off: uniforms.c_off, rs: uniforms.c_rs, cs: uniforms.c_cs };
  return { uniforms, workgroups, overrides, swapped: swap, kernel: gemmKernelOf(path, { a: readsAVec4(path) && vec4Rows(P, m, K), b: vec4Rows(Q, K, n), c: vec4Rows(C, m, n) }) };
}

/** Records C = op(A)·op(B) (+ bias) (+ C). Validates shapes before recording anything. */
export function gemm(sched: Scheduler, args: GemmArgs): void {
  const plan = planGemm(args, broadcastWidth(sched, `gemm${args.label ? ` (${args.label})` : ''}`, args.path ?? 'plain'));
  const swap = plan.swapped;
  const [first, second] = swap ? [args.b, args.a] : [args.a, args.b];
  const dims = { A: viewEnd(first), B: viewEnd(second), C: viewEnd(args.c), BIAS: (args.bias?.offset ?? 0) + args.c.cols };
  sched.dispatch(plan.kernel, 'gemm', {
    bindings: {
      a: first.tensor,
      b: second.tensor,
      bias: args.bias?.tensor ?? args.a.tensor,
      c: args.c.tensor,
    },
    shapes: { declared: GEMM_BINDINGS, dims, standIns: args.bias ? [] : ['bias'] },
    uniforms: plan.uniforms,
    workgroups: plan.workgroups,
    overrides: plan.overrides,
  });
}

export interface ColSumArgs {
  /** [rows, cols] view whose columns are summed. */
  src: MatrixView;
  /** cols values from offset receive the sums. */
  out: { tensor: GpuTensor; offset?: number };
  /** A second output receiving the same sums in the same dispatch (LSTM and RNN bias gradients: b_ih's and b_hh's); in out's buffer, not overlapping it. */
  alsoOut?: { tensor: GpuTensor; offset?: number };
  accumulate?: boolean;
  label?: string;
}

/** Records out[n] (+)= Σ_r src[r, n] (and alsoOut[n] likewise). */
export function colSum(sched: Scheduler, args: ColSumArgs): void {
  const where = `colsum${args.label ? ` (${args.label})` : ''}`;
  const s = checkView(where, 'src', args.src);
  const { rows, cols } = args.src;
  // Each output's tensor and the element index of its first sum in the buffer.
  const place = (o: { tensor: GpuTensor; offset?: number }) => {
    const off = o.offset ?? 0;
    if (off + cols > numel(o.tensor.shape)) throw new Error(`${where}: out needs ${cols} values from offset ${off} but ${o.tensor.label} has ${numel(o.tensor.shape)}`);
    return { tensor: o.tensor, at: o.tensor.offset / 4 + off };
  };
  // C's row 0 is the output first in the buffer; with alsoOut, row 1 the other, c_rs on.
  const [lo, hi] = [place(args.out), ...(args.alsoOut ? [place(args.alsoOut)] : [])].sort((x, y) => x.at - y.at) as [ReturnType<typeof place>, ReturnType<typeof place>?];
  const cOff = lo.at - lo.tensor.offset / 4;
  const cRs = hi ? hi.at - lo.at : cols;
  if (hi && (hi.tensor.buffer !== lo.tensor.buffer || cRs < cols)) throw new Error(`${where}: alsoOut must be in out's buffer, not overlapping it`);
  const m = hi ? 2 : 1;
  const c = hi ? { buffer: lo.tensor.buffer, offset: lo.tensor.offset, size: 4 * (cOff + cRs + cols) } : lo.tensor;
  // The product 1ᵀ·src (M = 1, K = rows): the columns of src are op(B)'s.
  const b = { off: s.off, rs: s.rs, cs: 1 };
  const { wg } = chooseGemmTile(1, cols);
  const vec4 = { a: false, b: vec4Rows(b, rows, cols), c: vec4Rows({ off: cOff, rs: cRs, cs: 1 }, m, cols) };
  sched.dispatch(gemmKernelOf('plain', vec4), 'colsum', {
    bindings: { b: args.src.tensor, bias: args.src.tensor, c },
    shapes: { declared: GEMM_BINDINGS, dims: { B: viewEnd(args.src), BIAS: 1, C: cOff + (m - 1) * cRs + cols }, standIns: ['bias'] },
    uniforms: {
      m, n: cols, k: rows, a_off: 0, a_rs: 0, a_cs: 0, b_off: b.off, b_rs: b.rs, b_cs: 1,
      c_off: cOff, c_rs: cRs, c_cs: 1, bias_off: 0, bias_mode: 0, accumulate: args.accumulate ? 1 : 0,
    },
    workgroups: Math.ceil(cols / (4 * wg)),
    overrides: { WG: wg },
  });
}
