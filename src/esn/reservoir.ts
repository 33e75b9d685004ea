// reservoir.ts — an echo state network's random weights, drawn on the host from a seed and laid
// out as shaders/esn.wgsl reads them (N units padded to 4·N4; padding rows and columns 0):
//   W     entries uniform in [−1, 1]; dense (density 1): wt [4·N4, N4] vec4, wt[j·N4 + q] =
//         W[4q .. 4q+3, j]; sparse (density < 1): K = round(density·N) ≥ 1 distinct columns per
//         row, ELL cols / vals [4·N4, K4] (columns ascending), K4 = 4·⌈K/4⌉ so that a row's
//         entries load four at a time; the entries past K are value 0 at column 0
//   W_in  uniform in [−s, s] (s = input scaling): [F, N4] vec4;  b uniform in [−s, s]: [N4] vec4
// W is scaled to the wanted spectral radius on the GPU afterwards (src/esn/spectral.ts).
import { Random } from '../util/random';
import { ellStride } from '../kernels/esn';

/** Shape and randomness of a reservoir. */
export interface ReservoirSpec {
  units: number;
  features: number;
  /** Fraction of W's entries that are non-zero: 1 dense, else K = round(density·N) per row. */
  density: number;
  inputScaling: number;
  seed: number;
}

/** Host copies of the weights in the shader's layouts (Float32, padded). */
export interface ReservoirHost {
  /** N4 = ⌈N/4⌉ vec4 groups of units. */
  n4: number;
  /** Dense: wt [4·N4 · 4·N4]; sparse: null. */
  wt: Float32Array | null;
  /** Sparse: cols / vals [4·N4 · ellStride(K)]; dense: null. */
  cols: Uint32Array | null;
  /** Sparse: the values of cols' entries; dense: null. */
  vals: Float32Array | null;
  /** Non-zeros per row K (0: dense). */
  nnz: number;
  /** W_in [F, N4] vec4 (as [F, 4·N4] floats). */
  win: Float32Array;
  /** b [N4] vec4 (as [4·N4] floats). */
  bias: Float32Array;
}

/** Non-zeros per row of a sparse reservoir (0: dense). */
export function nonZerosPerRow(units: number, density: number): number {
  return density >= 1 ? 0 : Math.max(1, Math.round(density * units));
}

/** Draws W, W_in and b (W before spectral scaling). */
export function drawReservoir(spec: ReservoirSpec): ReservoirHost {
  const n = spec.units;
  const n4 = Math.ceil(n / 4);
  const np = 4 * n4;
  const rng = new Random(spec.seed);
  const s = spec.inputScaling;
  const win = new Float32Array(spec.features * np);
  for (let i = 0; i < n; i++) for (let f = 0; f < spec.features; f++) win[f * np + i] = rng.uniform(-s, s);
  const bias = new Float32Array(np);
  for (let i = 0; i < n; i++) bias[i] = rng.uniform(-s, s);
  const nnz = nonZerosPerRow(n, spec.density);
  if (nnz === 0) {
    const wt = new Float32Array(np * np);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) wt[j * np + i] = rng.uniform(-1, 1);
    return { n4, wt, cols: null, vals: null, nnz: 0, win, bias };
  }
  const stride = ellStride(nnz);
  const cols = new Uint32Array(np * stride);
  const vals = new Float32Array(np * stride);
  for (let i = 0; i < n; i++) {
    const picked = pickColumns(rng, n, nnz);
    for (let k = 0; k < nnz; k++) {
      cols[i * stride + k] = picked[k]!;
      vals[i * stride + k] = rng.uniform(-1, 1);
    }
  }
  return { n4, wt: null, cols, vals, nnz, win, bias };
}

// k distinct columns of [0, n), ascending (Floyd's algorithm: k draws whatever k/n is).
function pickColumns(rng: Random, n: number, k: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** W [N, N] row-major float64 from the host layouts (tests, exports, references). */
export function denseMatrix(h: ReservoirHost, units: number): Float64Array {
  const np = 4 * h.n4;
  const w = new Float64Array(units * units);
  if (h.wt) {
    for (let i = 0; i < units; i++) for (let j = 0; j < units; j++) w[i * units + j] = h.wt[j * np + i]!;
    return w;
  }
  const stride = ellStride(h.nnz);
  for (let i = 0; i < units; i++) {
    for (let k = 0; k < h.nnz; k++) w[i * units + h.cols![i * stride + k]!] = h.vals![i * stride + k]!;
  }
  return w;
}

/** W_in [N, F] row-major and b [N] float64 from the host layouts. */
export function inputMatrices(h: ReservoirHost, units: number, features: number): { win: Float64Array; bias: Float64Array } {
  const np = 4 * h.n4;
  const win = new Float64Array(units * features);
  for (let i = 0; i < units; i++) for (let f = 0; f < features; f++) win[i * features + f] = h.win[f * np + i]!;
  return { win, bias: Float64Array.from(h.bias.subarray(0, units)) };
}

/** Weights in plain row-major form (a file's tensors): W dense [N, N] or ELL values / columns [N, K]. */
export interface ReservoirMatrices {
  units: number;
  features: number;
  /** W_in [N, F] and b [N]. */
  win: ArrayLike<number>;
  bias: ArrayLike<number>;
  dense?: ArrayLike<number>;
  sparse?: { values: ArrayLike<number>; columns: ArrayLike<number>; nnz: number };
}

/** The shader's layouts from row-major matrices (the inverse of denseMatrix / inputMatrices). */
export function layoutReservoir(m: ReservoirMatrices): ReservoirHost {
  const { units: n, features: f } = m;
  const n4 = Math.ceil(n / 4);
  const np = 4 * n4;
  const win = new Float32Array(f * np);
  for (let i = 0; i < n; i++) for (let k = 0; k < f; k++) win[k * np + i] = m.win[i * f + k]!;
  const bias = new Float32Array(np);
  for (let i = 0; i < n; i++) bias[i] = m.bias[i]!;
  if (m.dense) {
    const wt = new Float32Array(np * np);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) wt[j * np + i] = m.dense[i * n + j]!;
    return { n4, wt, cols: null, vals: null, nnz: 0, win, bias };
  }
  const { values, columns, nnz } = m.sparse!;
  const stride = ellStride(nnz);
  const cols = new Uint32Array(np * stride);
  const vals = new Float32Array(np * stride);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < nnz; k++) {
      cols[i * stride + k] = columns[i * nnz + k]!;
      vals[i * stride + k] = values[i * nnz + k]!;
    }
  }
  return { n4, wt: null, cols, vals, nnz, win, bias };
}
