// gemm-reference.test.ts — the float64 references the GPU kernels are checked against:
// gemm on a hand-computed product, transposes, views, bias and accumulation; column sums;
// permute; and the GEMM planner's strides (no GPU).
import { describe, expect, it } from 'vitest';
import { gemmReference, colSumReference } from '../../src/reference/gemm';
import { permuteReference } from '../../src/reference/permute';
import { chooseGemmTile } from '../../src/kernels/gemm';

describe('gemmReference', () => {
  const A = [1, 2, 3, 4, 5, 6]; // [2, 3]
  const B = [7, 8, 9, 10, 11, 12]; // [3, 2]
  const AB = [58, 64, 139, 154]; // by hand

  it('multiplies [2, 3] by [3, 2]', () => {
    expect([...gemmReference({ a: { data: A, rows: 2, cols: 3 }, b: { data: B, rows: 3, cols: 2 }, c: { data: new Float64Array(4), rows: 2, cols: 2 } })]).toEqual(AB);
  });

  it('reads transposed operands: (Bᵀ)ᵀ-style views give the same product', () => {
    const At = [1, 4, 2, 5, 3, 6]; // Aᵀ [3, 2]
    const Bt = [7, 9, 11, 8, 10, 12]; // Bᵀ [2, 3]
    const got = gemmReference({ a: { data: At, rows: 3, cols: 2 }, transA: true, b: { data: Bt, rows: 2, cols: 3 }, transB: true, c: { data: new Float64Array(4), rows: 2, cols: 2 } });
    expect([...got]).toEqual(AB);
  });

  it('writes only its view, adds the bias per column and accumulates', () => {
    const c = [100, 1, 1, 100, 1, 1, 100]; // view at offset 1, ld 3: [[1, 1], [1, 1]]
    const got = gemmReference({ a: { data: A, rows: 2, cols: 3 }, b: { data: B, rows: 3, cols: 2 }, c: { data: c, rows: 2, cols: 2, offset: 1, ld: 3 }, bias: { data: [0.5, -0.5] }, accumulate: true });
    expect([...got]).toEqual([100, 59.5, 64.5, 100, 140.5, 154.5, 100]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => gemmReference({ a: { data: A, rows: 2, cols: 3 }, b: { data: B, rows: 2, cols: 3 }, c: { data: [0, 0, 0, 0], rows: 2, cols: 2 } })).toThrow(/op\(A\) is \[2, 3\], op\(B\) is \[2, 3\]/);
  });
});

describe('colSumReference and permuteReference', () => {
  it('sums columns of a strided view', () => {
    expect([...colSumReference([9, 1, 2, 0, 3, 4, 0], 2, 2, 1, 3)]).toEqual([4, 6]);
  });

  it('swaps the two leading axes', () => {
    // [2, 3, 1] → [3, 2, 1]
    expect([...permuteReference([0, 1, 2, 10, 11, 12], 2, 3, 1)]).toEqual([0, 10, 1, 11, 2, 12]);
  });
});

describe('chooseGemmTile', () => {
  it('keeps workgroups to whole SIMD rows and rows within the kernel bound', () => {
    for (const [m, n] of [[1, 1], [7, 3], [1600, 256], [256, 64], [32, 1000]]) {
      const t = chooseGemmTile(m!, n!);
      expect(t.wg % 8).toBe(0);
      expect(t.rows).toBeGreaterThanOrEqual(1);
      expect(t.rows).toBeLessThanOrEqual(16);
    }
  });
});
