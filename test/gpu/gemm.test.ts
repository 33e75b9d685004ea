// gemm.test.ts — shaders/gemm.wgsl against the float64 reference on awkward shapes: 1, primes,
// sizes that are not multiples of the tile, transposes, offsets and row strides, bias and
// accumulation, and every tile the wrapper can pick.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { gemm, colSum, gemmKernel, planGemm, type GemmTile } from '../../src/kernels/gemm';
import { gemmReference, colSumReference } from '../../src/reference/gemm';
import { Random } from '../../src/util/random';
import type { GpuTensor } from '../../src/gpu/tensor';

const gpu = useGpu();

function randomArray(n: number, rng: Random): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

interface Case {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  accumulate?: boolean;
  /** Extra leading elements and row padding of every operand. */
  pad?: number;
  tile?: GemmTile;
}

async function runCase(c: Case, seed: number): Promise<void> {
  const rng = new Random(seed);
  const pad = c.pad ?? 0;
  const [aRows, aCols] = c.transA ? [c.k, c.m] : [c.m, c.k];
  const [bRows, bCols] = c.transB ? [c.n, c.k] : [c.k, c.n];
  const view = (rows: number, cols: number) => ({ rows, cols, offset: pad, ld: cols + pad, size: pad + rows * (cols + pad) });
  const av = view(aRows, aCols);
  const bv = view(bRows, bCols);
  const cv = view(c.m, c.n);
  const aData = randomArray(av.size, rng);
  const bData = randomArray(bv.size, rng);
  const cData = randomArray(cv.size, rng);
  const biasData = randomArray(c.n + pad, rng);
  const { sched } = gpu;
  const tensors: GpuTensor[] = [];
  const make = (data: Float32Array, label: string) => {
    const t = sched.createTensor([data.length], 'f32', label, data);
    tensors.push(t);
    return t;
  };
  const a = make(aData, 'a');
  const b = make(bData, 'b');
  const out = make(cData, 'c');
  const bias = make(biasData, 'bias');
  gemm(sched, {
    a: { tensor: a, rows: av.rows, cols: av.cols, offset: pad, ld: av.ld },
    b: { tensor: b, rows: bv.rows, cols: bv.cols, offset: pad, ld: bv.ld },
    c: { tensor: out, rows: cv.rows, cols: cv.cols, offset: pad, ld: cv.ld },
    transA: c.transA,
    transB: c.transB,
    bias: c.bias ? { tensor: bias, offset: pad } : undefined,
    accumulate: c.accumulate,
    tile: c.tile,
  });
  const got = await sched.read(out);
  const want = gemmReference({
    a: { data: aData, rows: av.rows, cols: av.cols, offset: pad, ld: av.ld },
    b: { data: bData, rows: bv.rows, cols: bv.cols, offset: pad, ld: bv.ld },
    c: { data: cData, rows: cv.rows, cols: cv.cols, offset: pad, ld: cv.ld },
    transA: c.transA,
    transB: c.transB,
    bias: c.bias ? { data: biasData, offset: pad } : undefined,
    accumulate: c.accumulate,
  });
  // f32 accumulation: bound by K+2 roundings of the sum of magnitudes (rows of |a|·|b| ≤ ~3√K·… ).
  const tol = 2 ** -22 * (c.k + 3) * (Math.sqrt(c.k) * 4 + 8);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
  for (const t of tensors) sched.destroyBuffer(t.buffer);
}

describe('gemm kernel vs float64 reference', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 3], [7, 1, 3], [3, 5, 1], [13, 17, 19], [31, 64, 5], [64, 64, 64],
    [97, 33, 41], [200, 3, 37], [2, 257, 11], [65, 129, 7], [50, 256, 1], [1, 100, 97],
  ];
  it.each(shapes)('plain C = A·B for m=%i n=%i k=%i', async (m, n, k) => {
    await gpu.sched.prepare(gemmKernel);
    await runCase({ m, n, k }, m * 10007 + n * 101 + k);
  });

  const variants: [string, Partial<Case>][] = [
    ['transA', { transA: true }],
    ['transB', { transB: true }],
    ['transA+transB', { transA: true, transB: true }],
    ['bias', { bias: true }],
    ['accumulate', { accumulate: true }],
    ['offsets and row strides', { pad: 3 }],
    ['everything', { transA: true, transB: true, bias: true, accumulate: true, pad: 5 }],
  ];
  describe.each(variants)('%s', (_name, extra) => {
    it.each([[1, 1, 1], [5, 3, 2], [37, 11, 23], [3, 70, 29], [41, 67, 13]] as [number, number, number][])(
      'm=%i n=%i k=%i', async (m, n, k) => {
        await gpu.sched.prepare(gemmKernel);
        await runCase({ m, n, k, ...extra }, m * 7 + n * 13 + k);
      },
    );
  });

  it.each([[1, 8], [3, 8], [4, 16], [7, 32], [16, 64], [16, 8], [13, 24]] as [number, number][])(
    'tile rows=%i wg=%i on 45x77x18 with bias', async (rows, wg) => {
      await gpu.sched.prepare(gemmKernel);
      await runCase({ m: 45, n: 77, k: 18, bias: true, transB: true, tile: { rows, wg } }, rows * 100 + wg);
    },
  );

  it('solves skinny outputs transposed (lanes along the long side) with the bias per row', () => {
    const t = { shape: [1000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
    const plan = planGemm({ a: { tensor: t, rows: 100, cols: 4 }, b: { tensor: t, rows: 4, cols: 2 }, c: { tensor: t, rows: 100, cols: 2 }, bias: { tensor: t } });
    expect(plan.swapped).toBe(true);
    expect(plan.uniforms.bias_mode).toBe(2);
    expect(plan.uniforms.m).toBe(2);
  });
});

describe('colSum', () => {
  it.each([[1, 1], [7, 3], [1600, 256], [23, 65], [5, 129]] as [number, number][])('rows=%i cols=%i', async (rows, cols) => {
    const { sched } = gpu;
    await sched.prepare(gemmKernel);
    const rng = new Random(rows + cols);
    const ld = cols + 2;
    const data = randomArray(1 + rows * ld, rng);
    const src = sched.createTensor([data.length], 'f32', 'src', data);
    const prior = randomArray(cols + 1, rng);
    const out = sched.createTensor([cols + 1], 'f32', 'out', prior);
    colSum(sched, { src: { tensor: src, rows, cols, offset: 1, ld }, out: { tensor: out, offset: 1 }, accumulate: true });
    const got = await sched.read(out);
    const want = colSumReference(data, rows, cols, 1, ld);
    expect(got[0]).toBe(prior[0]);
    for (let n = 0; n < cols; n++) expect(Math.abs(got[n + 1]! - (want[n]! + prior[n + 1]!))).toBeLessThan(1e-6 * (rows + 1) * 4);
    sched.destroyBuffer(src.buffer);
    sched.destroyBuffer(out.buffer);
  });
});

describe('gemm bad input', () => {
  const t = (n: number, label = 't') => ({ shape: [n], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label }) as GpuTensor;
  it('names mismatched inner sizes', () => {
    expect(() => planGemm({ a: { tensor: t(100), rows: 3, cols: 4 }, b: { tensor: t(100), rows: 5, cols: 2 }, c: { tensor: t(100), rows: 3, cols: 2 } })).toThrow(
      /op\(A\) is \[3, 4\] but op\(B\) is \[5, 2\]/,
    );
  });
  it('names a view that overruns its tensor', () => {
    expect(() => planGemm({ a: { tensor: t(11, 'x'), rows: 3, cols: 4 }, b: { tensor: t(100), rows: 4, cols: 2 }, c: { tensor: t(100), rows: 3, cols: 2 } })).toThrow(
      /A \[3, 4\] at offset 0 with ld 4 needs 12 elements but x \[11\] has 11/,
    );
  });
  it('names a wrong output shape', () => {
    expect(() => planGemm({ a: { tensor: t(100), rows: 3, cols: 4 }, b: { tensor: t(100), rows: 4, cols: 2 }, c: { tensor: t(100), rows: 2, cols: 3 }, label: 'dW' })).toThrow(
      /gemm \(dW\): C is \[2, 3\] but op\(A\)·op\(B\) is \[3, 2\]/,
    );
  });
});
