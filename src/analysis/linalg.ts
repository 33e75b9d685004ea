// linalg.ts — the float64 dense linear algebra of the dynamics analysis, on the host: eigen-
// and singular values of Jacobians (H ≤ 256, so N = S·H ≤ 512), the QR iteration of finite-time
// Lyapunov exponents, and principal components of visited states. Eigenvalues and SVD come
// from ml-matrix (JAMA's Hessenberg + shifted QR and Golub–Kahan SVD, in float64); this module
// is Node-side and in the 'springloop/analysis' entry, never in the browser library bundle.
// Matrices are row-major Float64Array [rows, cols].
import { EigenvalueDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from 'ml-matrix';

/** A complex number [re, im]. */
export type Complex = [number, number];

function toMatrix(a: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (a.length !== rows * cols) throw new Error(`matrix has ${a.length} values, expected ${rows} × ${cols} = ${rows * cols}`);
  const m = new Matrix(rows, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, a[r * cols + c]!);
  return m;
}

/** |λ| of [re, im]. */
export const modulus = (z: Complex): number => Math.hypot(z[0], z[1]);

/** Eigenvalues of a square n × n matrix, largest |λ| first (conjugate pairs: +im first). */
export function eigenvalues(a: ArrayLike<number>, n: number): Complex[] {
  const e = new EigenvalueDecomposition(toMatrix(a, n, n), { assumeSymmetric: false });
  const out: Complex[] = e.realEigenvalues.map((re, i) => [re, e.imaginaryEigenvalues[i]!]);
  return out.sort((x, y) => modulus(y) - modulus(x) || y[1] - x[1]);
}

/** Spectral radius max |λ| of a square n × n matrix. */
export function spectralRadius(a: ArrayLike<number>, n: number): number {
  return modulus(eigenvalues(a, n)[0]!);
}

/** Singular values of a rows × cols matrix, largest first. */
export function singularValues(a: ArrayLike<number>, rows: number, cols: number): number[] {
  const svd = new SingularValueDecomposition(toMatrix(a, rows, cols), { computeLeftSingularVectors: false, computeRightSingularVectors: false });
  return [...svd.diagonal].sort((x, y) => y - x).slice(0, Math.min(rows, cols));
}

/**
 * Finite-time Lyapunov exponents of the product J_T ⋯ J_1 (each n × n) by QR iteration
 * (Benettin et al.): Q_0 = I, J_t Q_{t-1} = Q_t R_t, λ_i = (1/T) Σ_t ln |R_t[i, i]|, per step,
 * largest first. `count` exponents (default n) keep n × count matrices. A zero |R_ii| (a
 * singular Jacobian) gives −Infinity.
 */
export function lyapunovExponents(jacobians: readonly ArrayLike<number>[], n: number, count = n): number[] {
  if (jacobians.length === 0) throw new Error('lyapunovExponents: needs at least one Jacobian');
  if (!(Number.isInteger(count) && count >= 1 && count <= n)) throw new Error(`lyapunovExponents: count must be an integer in 1..${n}, got ${count}`);
  let q = Matrix.eye(n, count);
  const sums = new Float64Array(count);
  for (const j of jacobians) {
    const z = toMatrix(j, n, n).mmul(q);
    const qr = new QrDecomposition(z);
    const r = qr.upperTriangularMatrix;
    q = qr.orthogonalMatrix.subMatrix(0, n - 1, 0, count - 1);
    for (let i = 0; i < count; i++) sums[i]! += Math.log(Math.abs(r.get(i, i)));
  }
  return [...sums].map((s) => s / jacobians.length).sort((x, y) => y - x);
}

/**
 * The top `k` principal axes of points [count, dim] (rows): the mean [dim] and the axes
 * [k][dim] (unit vectors, largest variance first), from the covariance's symmetric eigensystem.
 */
export function principalAxes(points: ArrayLike<number>, count: number, dim: number, k = 2): { mean: Float64Array; axes: Float64Array[] } {
  if (count < 1 || points.length !== count * dim) throw new Error(`principalAxes: got ${points.length} values, expected ${count} × ${dim}`);
  const mean = new Float64Array(dim);
  for (let p = 0; p < count; p++) for (let d = 0; d < dim; d++) mean[d]! += points[p * dim + d]! / count;
  const cov = new Matrix(dim, dim);
  for (let p = 0; p < count; p++) {
    for (let a = 0; a < dim; a++) {
      const da = points[p * dim + a]! - mean[a]!;
      for (let b = a; b < dim; b++) cov.set(a, b, cov.get(a, b) + (da * (points[p * dim + b]! - mean[b]!)) / count);
    }
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov.set(a, b, cov.get(b, a));
  const e = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = e.realEigenvalues.map((v, i) => [v, i] as const).sort((x, y) => y[0] - x[0]);
  const axes = order.slice(0, Math.min(k, dim)).map(([, i]) => Float64Array.from(e.eigenvectorMatrix.getColumn(i)));
  return { mean, axes };
}

/** Solves the n × n system A x = b (LU with partial pivoting, float64); throws when A is singular. */
export function solve(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const m = Array.from({ length: n }, (_, r) => Float64Array.from({ length: n + 1 }, (_, c) => (c < n ? a[r * n + c]! : b[r]!)));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-300) throw new Error('solve: the matrix is singular');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      if (f !== 0) for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}
