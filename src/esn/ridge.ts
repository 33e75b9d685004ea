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
 * so every inner product runs over two contiguous rows; four rows at a time against two earlier
 * rows at a time (blockOfFour), so that each value loaded feeds two to four products: 2–3×
 * faster than one row at a time at n = 1000–2000 (8 rows against one: 1.6× slower than this, in
 * V8). Throws naming the pivot when A is not positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i0 = 0; i0 < n; i0 += 4) {
    const rows = Math.min(4, n - i0);
    // A full block of four has its columns before i0 from blockOfFour; the last, shorter block
    // goes row by row from column 0.
    let firstColumn = 0;
    if (rows === 4) {
      blockOfFour(a, n, i0);
      firstColumn = i0;
    }
    for (let i = i0; i < i0 + rows; i++) {
      const ri = i * n;
      for (let j = firstColumn; j <= i; j++) {
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
}

// L[i0 .. i0+3, j] for every j < i0 (L's rows before i0 are final): two columns j, j + 1 per
// pass over k < j, eight sums; column j + 1's last term, k = j, uses the L[·, j] just found.
// i0 is a multiple of 4, so the pairs cover every j < i0.
function blockOfFour(a: Float64Array, n: number, i0: number): void {
  const r0 = i0 * n;
  const r1 = r0 + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  for (let j = 0; j < i0; j += 2) {
    const rj = j * n;
    const rk = rj + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let k = 0; k < j; k++) {
      const x = a[rj + k]!;
      const y = a[rk + k]!;
      const p0 = a[r0 + k]!;
      const p1 = a[r1 + k]!;
      const p2 = a[r2 + k]!;
      const p3 = a[r3 + k]!;
      s0 += p0 * x;
      s1 += p1 * x;
      s2 += p2 * x;
      s3 += p3 * x;
      t0 += p0 * y;
      t1 += p1 * y;
      t2 += p2 * y;
      t3 += p3 * y;
    }
    const djj = a[rj + j]!;
    const l0 = (a[r0 + j]! - s0) / djj;
    const l1 = (a[r1 + j]! - s1) / djj;
    const l2 = (a[r2 + j]! - s2) / djj;
    const l3 = (a[r3 + j]! - s3) / djj;
    a[r0 + j] = l0;
    a[r1 + j] = l1;
    a[r2 + j] = l2;
    a[r3 + j] = l3;
    const y = a[rk + j]!;
    const dkk = a[rk + j + 1]!;
    a[r0 + j + 1] = (a[r0 + j + 1]! - (t0 + l0 * y)) / dkk;
    a[r1 + j + 1] = (a[r1 + j + 1]! - (t1 + l1 * y)) / dkk;
    a[r2 + j + 1] = (a[r2 + j + 1]! - (t2 + l2 * y)) / dkk;
    a[r3 + j + 1] = (a[r3 + j + 1]! - (t3 + l3 * y)) / dkk;
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
