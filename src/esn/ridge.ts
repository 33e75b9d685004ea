// ridge.ts — the echo state network's readout on the host, in float64: w = (G + λI)⁻¹ b from
// the Gram matrix G = ZᵀZ and b = Zᵀy that the GPU accumulates (src/esn/esn.ts), by Cholesky
// factorisation. Row-major [d, d]; the float64 reference is ridgeReference in
// src/reference/esn.ts (normal equations by Gaussian elimination).

/** A matrix that is not positive definite: the pivot where Cholesky stopped, and its value. */
export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly index: number,
    readonly pivot: number,
  ) {
    super(`ridge solve: the regularised Gram matrix is not positive definite (pivot ${index} is ${pivot.toPrecision(3)})`);
  }
}

/**
 * Factors a symmetric positive definite A [n, n] (row-major; only its lower triangle is read)
 * into L Lᵀ in place: on return the lower triangle holds L. Cholesky–Banachiewicz, row by row,
 * so every inner product runs over two contiguous rows. Throws naming the pivot when A is not
 * positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = a[ri + j]! - rowDot(a, ri, rj, j);
      if (i === j) {
        if (!(s > 0)) throw new NotPositiveDefiniteError(i, s);
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j]!;
      }
    }
  }
}

// Σ_{k<len} a[ri + k]·a[rj + k], four accumulators (a fixed order: reproducible).
function rowDot(a: Float64Array, ri: number, rj: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ri + k]! * a[rj + k]!;
    s1 += a[ri + k + 1]! * a[rj + k + 1]!;
    s2 += a[ri + k + 2]! * a[rj + k + 2]!;
    s3 += a[ri + k + 3]! * a[rj + k + 3]!;
  }
  for (; k < len; k++) s0 += a[ri + k]! * a[rj + k]!;
  return (s0 + s1) + (s2 + s3);
}

/** Solves L Lᵀ x = b with the factor choleskyInPlace left in `l`; returns x. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) x[i] = (x[i]! - rowDot2(l, i * n, x, i)) / l[i * n + i]!;
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

function rowDot2(a: Float64Array, ri: number, x: Float64Array, len: number): number {
  let s = 0;
  for (let k = 0; k < len; k++) s += a[ri + k]! * x[k]!;
  return s;
}

/**
 * Ridge regression from its normal equations: w = (G + λI)⁻¹ b with G [d, d] (symmetric,
 * row-major) and b [d]. G is copied, not changed.
 */
export function ridgeSolve(gram: ArrayLike<number>, rhs: ArrayLike<number>, d: number, lambda: number): Float64Array {
  if (gram.length !== d * d) throw new Error(`ridge solve: the Gram matrix has ${gram.length} values, expected ${d}² = ${d * d}`);
  if (rhs.length !== d) throw new Error(`ridge solve: the right-hand side has ${rhs.length} values, expected ${d}`);
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new Error(`ridge solve: lambda must be a finite number >= 0, got ${lambda}`);
  const a = Float64Array.from(gram);
  let trace = 0;
  for (let i = 0; i < d; i++) {
    trace += a[i * d + i]!;
    a[i * d + i]! += lambda;
  }
  try {
    choleskyInPlace(a, d);
  } catch (e) {
    if (!(e instanceof NotPositiveDefiniteError)) throw e;
    // The rounding the pivot shows, or 1e-5 of the mean diagonal, whichever is larger, as a power of ten.
    const floor = 10 ** Math.ceil(Math.log10(Math.max(10 * Math.abs(e.pivot) + lambda, 1e-5 * (trace / d), Number.MIN_VALUE)));
    throw new Error(`${e.message} with ridge λ = ${lambda}: a Gram matrix summed in float32 needs λ well above its rounding; try λ >= ${floor} (its mean diagonal is ${(trace / d).toPrecision(3)})`);
  }
  return choleskySolve(a, d, rhs);
}
