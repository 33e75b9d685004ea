// layout-loss.test.ts — the small kernels around the recurrent ones, against their float64
// references on sizes that are not multiples of the workgroup: permute (batch-first ↔
// time-major), element-wise ops over strided views (the unfused benchmark's building block),
// and the fused MSE / cross-entropy losses.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { permute01, permuteKernel } from '../../src/kernels/permute';
import { elementwise, elementwiseKernel } from '../../src/kernels/elementwise';
import { crossEntropyLossGpu, lossKernel, mseLossGpu } from '../../src/kernels/loss';
import { permuteReference } from '../../src/reference/permute';
import { ELEMENTWISE_OPS, elementwiseReference } from '../../src/reference/elementwise';
import { crossEntropyLoss, mseLoss } from '../../src/reference/losses';
import { Random } from '../../src/util/random';
import type { GpuTensor } from '../../src/gpu/tensor';

const gpu = useGpu();
const normals = (n: number, rng: Random) => Float32Array.from({ length: n }, () => rng.normal());

function tensors() {
  const owned: GpuTensor[] = [];
  return {
    make(shape: number[], data?: ArrayLike<number>, dtype: 'f32' | 'u32' = 'f32') {
      const t = gpu.sched.createTensor(shape, dtype, 't', data);
      owned.push(t);
      return t;
    },
    free() {
      for (const t of owned) gpu.sched.destroyBuffer(t.buffer);
    },
  };
}

describe('permute01', () => {
  // Offsets 3 and 2: one element per load. F and offsets multiples of 4: four (permute4).
  it.each([[1, 1, 1, 3, 2], [3, 5, 7, 3, 2], [50, 32, 1, 3, 2], [13, 1, 67, 3, 2], [7, 11, 2, 3, 2], [50, 32, 64, 8, 4], [1, 1, 4, 4, 4], [7, 3, 12, 0, 8], [5, 9, 8, 2, 0]])(
    '[%i, %i, %i] with offsets %i and %i', async (a, bd, f, srcOffset, outOffset) => {
    await gpu.sched.prepare(permuteKernel);
    const ts = tensors();
    const n = a * bd * f;
    const data = normals(n + srcOffset, new Random(a + bd + f));
    const src = ts.make([data.length], data);
    const out = ts.make([n + outOffset + 3], new Float32Array(n + outOffset + 3).fill(9));
    permute01(gpu.sched, { src, out, dims: [a, bd, f], srcOffset, outOffset });
    const got = await gpu.sched.read(out);
    const want = permuteReference(data.subarray(srcOffset), a, bd, f);
    expect([...got.subarray(outOffset, outOffset + want.length)]).toEqual([...want].map(Math.fround));
    expect([...got.subarray(0, outOffset), ...got.subarray(outOffset + n)]).toEqual(new Array(outOffset + 3).fill(9));
    ts.free();
  });
});

describe('elementwise', () => {
  it.each(ELEMENTWISE_OPS.map((op) => [op] as const))('%s over strided [5, 13] views', async (op) => {
    await gpu.sched.prepare(elementwiseKernel);
    const ts = tensors();
    const rng = new Random(op.length);
    const rows = 5;
    const cols = 13;
    const a = normals(rows * 20 + 2, rng);
    const b = normals(rows * 17 + 1, rng);
    const A = ts.make([a.length], a);
    const Bt = ts.make([b.length], b);
    const out = ts.make([rows * 15]);
    elementwise(gpu.sched, op, rows, cols, { tensor: out, ld: 15 }, { tensor: A, offset: 2, ld: 20 }, { tensor: Bt, offset: 1, ld: 17 });
    const got = await gpu.sched.read(out);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const want = elementwiseReference(op, a[2 + r * 20 + c]!, b[1 + r * 17 + c]!);
        expect(Math.abs(got[r * 15 + c]! - want)).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(want)));
      }
    }
    ts.free();
  });
});

describe('losses', () => {
  it.each([1, 7, 256, 1001])('mse over %i elements', async (n) => {
    await gpu.sched.prepare(lossKernel);
    const ts = tensors();
    const rng = new Random(n);
    const o = normals(n, rng);
    const y = normals(n, rng);
    const dOut = ts.make([n]);
    const loss = ts.make([1]);
    mseLossGpu(gpu.sched, ts.make([n], o), ts.make([n], y), dOut, loss);
    const [d, l] = (await gpu.sched.readMany([dOut, loss])) as Float32Array[];
    const want = mseLoss(Float64Array.from(o), Float64Array.from(y));
    expect(Math.abs(l![0]! - want.loss)).toBeLessThan(1e-6 * want.loss);
    for (let i = 0; i < n; i++) expect(Math.abs(d![i]! - want.dOut[i]!)).toBeLessThan(1e-6 * Math.abs(want.dOut[i]!) + 1e-9);
    ts.free();
  });

  it.each([[1, 1], [3, 5], [300, 2], [9, 7]])('cross-entropy over [%i, %i] logits', async (rows, classes) => {
    await gpu.sched.prepare(lossKernel);
    const ts = tensors();
    const rng = new Random(rows * classes);
    const logits = normals(rows * classes, rng).map((v) => 3 * v);
    const labels = Uint32Array.from({ length: rows }, () => rng.int(classes));
    const dOut = ts.make([rows, classes]);
    const loss = ts.make([1]);
    crossEntropyLossGpu(gpu.sched, ts.make([rows, classes], logits), ts.make([rows], labels, 'u32'), dOut, loss);
    const [d, l] = (await gpu.sched.readMany([dOut, loss])) as Float32Array[];
    const want = crossEntropyLoss(Float64Array.from(logits), labels, classes);
    expect(Math.abs(l![0]! - want.loss)).toBeLessThan(1e-5 * Math.max(1, want.loss));
    for (let i = 0; i < rows * classes; i++) expect(Math.abs(d![i]! - want.dOut[i]!)).toBeLessThan(1e-6);
    ts.free();
  });

  it('marks a label out of range with a NaN loss', async () => {
    await gpu.sched.prepare(lossKernel);
    const ts = tensors();
    const loss = ts.make([1]);
    crossEntropyLossGpu(gpu.sched, ts.make([2, 3], [1, 2, 3, 4, 5, 6]), ts.make([2], [0, 3], 'u32'), ts.make([2, 3]), loss);
    expect(Number.isNaN((await gpu.sched.read(loss))[0])).toBe(true);
    ts.free();
  });
});
