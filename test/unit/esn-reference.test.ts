// esn-reference.test.ts — the echo state network's host pieces and references without a GPU:
// the float64 ridge solve (Cholesky) against the normal equations by Gaussian elimination, the
// QR eigenvalue solver on matrices of known spectrum, the reservoir step by hand, and the
// reservoir's random layouts.
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, ridgeSolve } from '../../src/esn/ridge';
import { eigenvalues, spectralRadius } from '../../src/util/eigen';
import { esnStepReference, ridgeReference, solveLinearReference } from '../../src/reference/esn';
import { denseMatrix, drawReservoir, inputMatrices, nonZerosPerRow } from '../../src/esn/reservoir';
import { validateEsnSettings, ESN_DEFAULTS } from '../../src/esn/config';
import { Random } from '../../src/util/random';

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = new Random(seed);
  return Float64Array.from({ length: rows * cols }, () => rng.normal());
}

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + k]! * b[k * n + j]!;
  return c;
}

function inverse(a: ArrayLike<number>, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const col = solveLinearReference(a, Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)), n);
    for (let i = 0; i < n; i++) inv[i * n + j] = col[i]!;
  }
  return inv;
}

describe('ridge solve (Cholesky, float64)', () => {
  it.each([
    [1, 5, 0],
    [7, 40, 1e-3],
    [61, 200, 1],
    [61, 30, 0.5], // fewer rows than columns: only λ makes it definite
  ])('d=%i rows=%i lambda %f matches the normal equations by Gaussian elimination', (d, rows, lambda) => {
    const x = randomMatrix(rows, d, d * 100 + rows);
    const y = randomMatrix(rows, 1, 7);
    const gram = new Float64Array(d * d);
    const xty = new Float64Array(d);
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < d; i++) {
        xty[i]! += x[r * d + i]! * y[r]!;
        for (let j = 0; j < d; j++) gram[i * d + j]! += x[r * d + i]! * x[r * d + j]!;
      }
    }
    const got = ridgeSolve(gram, xty, d, lambda);
    const want = ridgeReference(x, y, rows, d, lambda);
    for (let i = 0; i < d; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i]!)));
  });

  it.each([1, 2, 3, 4, 5, 8, 9, 13, 30])('n=%i: the blocked factor L reconstructs A = L·Lᵀ and names a failing pivot inside a block', (n) => {
    const x = randomMatrix(n + 3, n, 31 + n);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let r = 0; r < n + 3; r++) a[i * n + j]! += x[r * n + i]! * x[r * n + j]!;
    const l = Float64Array.from(a);
    choleskyInPlace(l, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += l[i * n + k]! * l[j * n + k]!;
        expect(Math.abs(s - a[i * n + j]!)).toBeLessThanOrEqual(1e-12 * Math.sqrt(a[i * n + i]! * a[j * n + j]!));
      }
    }
    // The last row a copy of the one before it, less 1 on the diagonal: the last pivot is −1.
    if (n < 2) return;
    for (let j = 0; j < n - 1; j++) a[(n - 1) * n + j] = a[(n - 2) * n + j]!;
    a[(n - 1) * n + n - 1] = a[(n - 2) * n + n - 2]! - 1;
    expect(() => choleskyInPlace(a, n)).toThrow(new RegExp(`pivot ${n - 1} is -1\\.00`));
  });

  it('factors by hand and names a matrix that is not positive definite', () => {
    const a = Float64Array.from([4, 0, 2, 5]); // lower triangle [[4], [2, 5]] → L = [[2], [1, 2]]
    choleskyInPlace(a, 2);
    expect([a[0], a[2], a[3]]).toEqual([2, 1, 2]);
    expect(() => ridgeSolve([1, 2, 2, 1], [1, 1], 2, 0)).toThrow(/not positive definite \(pivot 1 is -3\.00\) with ridge λ = 0.*try λ >= /);
    expect(() => ridgeSolve([1, 0, 0, 1], [1], 2, 0)).toThrow(/right-hand side has 1 values, expected 2/);
    expect(() => ridgeSolve([1], [1], 1, -1)).toThrow(/lambda must be a finite number >= 0, got -1/);
  });
});

describe('eigenvalues (Hessenberg + shifted QR)', () => {
  it('recovers a known spectrum of complex pairs and real values under a similarity transform', () => {
    const n = 9;
    const d = new Float64Array(n * n);
    const blocks: [number, number][] = [[0.95, 0.3], [0.949, 2.1], [0.5, 1.2]]; // (modulus, angle) pairs
    blocks.forEach(([r, th], k) => {
      const i = 2 * k;
      d[i * n + i] = r * Math.cos(th);
      d[i * n + i + 1] = -r * Math.sin(th);
      d[(i + 1) * n + i] = r * Math.sin(th);
      d[(i + 1) * n + i + 1] = r * Math.cos(th);
    });
    const reals = [-0.7, 0.2, 0.0];
    reals.forEach((v, k) => (d[(6 + k) * n + 6 + k] = v));
    const q = randomMatrix(n, n, 3).map((v, i) => (i % (n + 1) === 0 ? 1 : 0) + 0.3 * v);
    const w = matmul(matmul(q, d, n), inverse(q, n), n);
    const { re, im } = eigenvalues(w, n);
    const got = Array.from(re, (r, i) => Math.hypot(r, im[i]!)).sort((a, b) => b - a);
    const want = [0.95, 0.95, 0.949, 0.949, 0.7, 0.5, 0.5, 0.2, 0].sort((a, b) => b - a);
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i]!, 9);
    expect(spectralRadius(w, n)).toBeCloseTo(0.95, 10);
  });

  it.each([1, 2, 3, 50])('n=%i: the eigenvalues sum to the trace, in conjugate pairs', (n) => {
    const a = randomMatrix(n, n, n);
    const { re, im } = eigenvalues(a, n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    expect(re.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 8);
    expect(im.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 8); // conjugate pairs
  });
});

describe('reservoir', () => {
  it('one step by hand: x = (1 − α)x + α·tanh(W_in u + W x + b)', () => {
    const res = { units: 2, features: 1, w: [0.5, 0, 0.1, -0.2], win: [1, -1], bias: [0.1, 0], leak: 0.25 };
    const x = esnStepReference(res, [0.2, -0.4], [0.3]);
    expect(x[0]).toBeCloseTo(0.75 * 0.2 + 0.25 * Math.tanh(0.3 + 0.1 + 0.5 * 0.2), 14);
    expect(x[1]).toBeCloseTo(0.75 * -0.4 + 0.25 * Math.tanh(-0.3 + 0.1 * 0.2 - 0.2 * -0.4), 14);
  });

  it('draws seeded dense and sparse layouts with padding left at zero', () => {
    const dense = drawReservoir({ units: 6, features: 2, density: 1, inputScaling: 0.5, seed: 1 });
    expect(dense.n4).toBe(2);
    expect(dense.wt!.length).toBe(64);
    const w = denseMatrix(dense, 6);
    expect(w.every((v) => Math.abs(v) <= 1)).toBe(true);
    for (let j = 0; j < 8; j++) for (let i = 6; i < 8; i++) expect(dense.wt![j * 8 + i]).toBe(0);
    const { win, bias } = inputMatrices(dense, 6, 2);
    expect([...win, ...bias].every((v) => Math.abs(v) <= 0.5)).toBe(true);
    expect(dense.win[6]).toBe(0);
    const sparse = drawReservoir({ units: 50, features: 1, density: 0.1, inputScaling: 1, seed: 1 });
    expect(sparse.nnz).toBe(nonZerosPerRow(50, 0.1));
    const ws = denseMatrix(sparse, 50);
    for (let i = 0; i < 50; i++) expect(ws.subarray(i * 50, i * 50 + 50).filter((v) => v !== 0).length).toBe(5);
    expect(denseMatrix(drawReservoir({ units: 50, features: 1, density: 0.1, inputScaling: 1, seed: 1 }), 50)).toEqual(ws);
  });

  it('settings are checked with the parameter named', () => {
    const name = (k: string) => `--${k}`;
    expect(() => validateEsnSettings({ ...ESN_DEFAULTS, reservoir: 5000 }, name)).toThrow(/--reservoir must be an integer in \[1, 4096\], got 5000/);
    expect(() => validateEsnSettings({ ...ESN_DEFAULTS, leak: 0 }, name)).toThrow(/--leak must be a finite number > 0 and <= 1, got 0/);
    expect(() => validateEsnSettings({ ...ESN_DEFAULTS, density: 1.5 }, name)).toThrow(/--density must be a finite number > 0 and <= 1, got 1.5/);
    expect(() => validateEsnSettings({ ...ESN_DEFAULTS, ridge: Number.NaN }, name)).toThrow(/--ridge must be a finite number >= 0, got NaN/);
  });
});
