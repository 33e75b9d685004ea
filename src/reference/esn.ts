// esn.ts — float64 plain-loop references of the echo state network (shaders/esn.wgsl and the
// host solve in src/esn/ridge.ts): the leaky-tanh reservoir, the readout fitted from the
// normal equations by Gaussian elimination, the spectral radius from all eigenvalues (the QR
// algorithm of src/util/eigen.ts), and closed-loop generation.
//   x_t = (1 − α)·x_{t−1} + α·tanh(W_in u_t + W x_{t−1} + b), x_{−1} = 0;  z_t = [1; u_t; x_t].
// Matrices are row-major: w [N, N], win [N, F], inputs [S, F], states [S, N].
import { spectralRadius } from '../util/eigen';

export interface ReservoirReference {
  units: number;
  features: number;
  /** W [N, N] row-major (a sparse reservoir expanded). */
  w: ArrayLike<number>;
  /** W_in [N, F] row-major. */
  win: ArrayLike<number>;
  bias: ArrayLike<number>;
  leak: number;
}

/** One step: x ← (1 − α)x + α·tanh(W_in u + W x + b); returns the new state. */
export function esnStepReference(res: ReservoirReference, x: ArrayLike<number>, u: ArrayLike<number>): Float64Array {
  const { units: n, features: f } = res;
  const next = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let pre = res.bias[i]!;
    for (let k = 0; k < f; k++) pre += res.win[i * f + k]! * u[k]!;
    for (let j = 0; j < n; j++) pre += res.w[i * n + j]! * x[j]!;
    next[i] = (1 - res.leak) * x[i]! + res.leak * Math.tanh(pre);
  }
  return next;
}

/** States [S, N] of the reservoir driven by inputs [S, F] from x = 0. */
export function esnDriveReference(res: ReservoirReference, inputs: ArrayLike<number>, steps: number): Float64Array {
  const states = new Float64Array(steps * res.units);
  let x: Float64Array = new Float64Array(res.units);
  for (let t = 0; t < steps; t++) {
    x = esnStepReference(res, x, Array.prototype.slice.call(inputs, t * res.features, (t + 1) * res.features) as number[]);
    states.set(x, t * res.units);
  }
  return states;
}

/** The design row z = [1; u; x]. */
export function designRowReference(u: ArrayLike<number>, x: ArrayLike<number>): Float64Array {
  const z = new Float64Array(1 + u.length + x.length);
  z[0] = 1;
  for (let k = 0; k < u.length; k++) z[1 + k] = u[k]!;
  for (let j = 0; j < x.length; j++) z[1 + u.length + j] = x[j]!;
  return z;
}

/** Solves A x = b (A [n, n] row-major) by Gaussian elimination with partial pivoting. */
export function solveLinearReference(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    if (m[piv * n + c] === 0) throw new Error(`solveLinearReference: the matrix is singular (column ${c})`);
    for (let k = 0; k < n; k++) [m[c * n + k], m[piv * n + k]] = [m[piv * n + k]!, m[c * n + k]!];
    [x[c], x[piv]] = [x[piv]!, x[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    let s = x[c]!;
    for (let k = c + 1; k < n; k++) s -= m[c * n + k]! * x[k]!;
    x[c] = s / m[c * n + c]!;
  }
  return x;
}

/** Ridge regression from the normal equations: w = (XᵀX + λI)⁻¹ Xᵀy; X [rows, d] row-major. */
export function ridgeReference(x: ArrayLike<number>, y: ArrayLike<number>, rows: number, d: number, lambda: number): Float64Array {
  const g = new Float64Array(d * d);
  const xty = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      const xi = x[r * d + i]!;
      xty[i]! += xi * y[r]!;
      for (let j = 0; j < d; j++) g[i * d + j]! += xi * x[r * d + j]!;
    }
  }
  for (let i = 0; i < d; i++) g[i * d + i]! += lambda;
  return solveLinearReference(g, xty, d);
}

/** The largest |λ| of W [n, n]: every eigenvalue by the QR algorithm in float64 (src/util/eigen.ts). */
export function spectralRadiusReference(matrix: ArrayLike<number>, n: number): number {
  return spectralRadius(matrix, n);
}

/** What esnGenerateReference starts from: the state and inputs after the seed sample, and the seed's last two raw samples. */
export interface GenerateSeed {
  /** x after the seed sample [N], and its inputs u [F]. */
  state: ArrayLike<number>;
  inputs: ArrayLike<number>;
  /** The seed sample and the one before it, raw. */
  last: number;
  prev: number;
}

/**
 * Closed-loop generation: y = w_out · [1; u; x] → the next sample (targetKind 0 value, 1
 * increment, 2 residual of linear extrapolation, with stats [6]) → its normalised input terms
 * (`inputs`: 0 x̃, 1 Δ̃, 2 r̃) → the next state; `steps` samples.
 */
export function esnGenerateReference(
  res: ReservoirReference,
  wout: ArrayLike<number>,
  seed: GenerateSeed,
  stats: readonly number[],
  targetKind: 0 | 1 | 2,
  inputs: readonly number[],
  steps: number,
): Float64Array {
  const out = new Float64Array(steps);
  let x: ArrayLike<number> = seed.state;
  let u: ArrayLike<number> = seed.inputs;
  let [prev, last] = [seed.prev, seed.last];
  for (let k = 0; k < steps; k++) {
    const z = designRowReference(u, x);
    let y = 0;
    for (let d = 0; d < z.length; d++) y += wout[d]! * z[d]!;
    const next = targetKind === 1 ? last + stats[3]! * y + stats[2]! : targetKind === 2 ? 2 * last - prev + stats[5]! * y + stats[4]! : stats[1]! * y + stats[0]!;
    out[k] = next;
    const terms = [next, next - last, next - 2 * last + prev];
    u = inputs.map((t) => (terms[t]! - stats[2 * t]!) / stats[2 * t + 1]!);
    [prev, last] = [last, next];
    x = esnStepReference(res, x, u);
  }
  return out;
}

/** ‖a − b‖ / ‖b‖ in float64: how far springloop's readout or predictions are from a reference's (tests, the NumPy peer). */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}
