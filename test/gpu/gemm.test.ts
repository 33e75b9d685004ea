// gemm.test.ts — shaders/gemm.wgsl and shaders/gemm_subgroups.wgsl (path 'subgroups', where the
// device has subgroups) against the float64 reference on awkward shapes: 1, primes, sizes that
// are not multiples of the tile, transposes, offsets and row strides, bias and accumulation,
// and every tile the wrapper can pick.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { gemm, colSum, gemmKernelsFor, planGemm, type GemmTile } from '../../src/kernels/gemm';
import { subgroupWidth, type KernelPath } from '../../src/gpu/subgroups';
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
  path?: KernelPath;
}

async function runCase(c: Case, seed: number): Promise<void> {
  await gpu.sched.prepare(...gemmKernelsFor(c.path ?? 'plain'));
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
    path: c.path,
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

// Subgroup broadcasts on this adapter, or null (then only 'plain' runs and 'subgroups' must refuse).
const hasSubgroups = (): boolean => subgroupWidth(gpu.sched) !== null;
const PATHS: KernelPath[] = ['plain', 'subgroups'];

describe.each(PATHS)('gemm kernel (path %s) vs float64 reference', (path) => {
  const run = async (c: Case, seed: number) => {
    if (path === 'subgroups' && !hasSubgroups()) return;
    await runCase({ ...c, path }, seed);
  };
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 3], [7, 1, 3], [3, 5, 1], [13, 17, 19], [31, 64, 5], [64, 64, 64],
    [97, 33, 41], [200, 3, 37], [2, 257, 11], [65, 129, 7], [50, 256, 1], [1, 100, 97],
  ];
  it.each(shapes)('C = A·B for m=%i n=%i k=%i', async (m, n, k) => {
    await run({ m, n, k }, m * 10007 + n * 101 + k);
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
        await run({ m, n, k, ...extra }, m * 7 + n * 13 + k);
      },
    );
  });

  // Rows of op(B) contiguous and 16-byte aligned (offset, row stride and n multiples of 4): the
  // kernel reads them as vec4 (shaders/lib/gemm_b_vec4.wgsl), including lanes past the last column.
  it.each([[3, 4, 2], [17, 8, 1], [29, 68, 13], [5, 100, 31], [70, 36, 9]] as [number, number, number][])(
    'vec4 rows of B: m=%i n=%i k=%i, offsets, row strides, transA, bias, accumulate', async (m, n, k) => {
      await run({ m, n, k, pad: 4, transA: true, bias: true, accumulate: true }, m * 5 + n * 3 + k);
      await run({ m, n, k }, m * 11 + n + k);
    },
  );

  // Rows of op(A) contiguous along k and 16-byte aligned (offset, row stride and K multiples of 4):
  // read four k per load on path 'subgroups' (shaders/lib/gemm_a_vec4.wgsl).
  it.each([[1, 3, 4], [3, 5, 4], [17, 9, 8], [29, 68, 12], [70, 36, 16], [45, 130, 20]] as [number, number, number][])(
    'vec4 rows of A: m=%i n=%i k=%i, offsets, row strides, bias, accumulate', async (m, n, k) => {
      await run({ m, n, k, pad: 4, bias: true, accumulate: true }, m * 17 + n * 5 + k);
      await run({ m, n, k, transB: true }, m * 19 + n + k);
    },
  );

  // Rows of C contiguous and 16-byte aligned: written as vec4 (shaders/lib/gemm_c_vec4.wgsl), with
  // B read by scalar loads (transB: op(B)'s rows strided) and lanes past the last column storing nothing.
  it.each([[3, 4, 2], [1, 8, 5], [29, 68, 13], [70, 36, 9], [16, 260, 3]] as [number, number, number][])(
    'vec4 rows of C: m=%i n=%i k=%i, offsets, row strides, transB, bias, accumulate', async (m, n, k) => {
      await run({ m, n, k, pad: 4, transB: true, bias: true, accumulate: true }, m * 3 + n * 7 + k);
      await run({ m, n, k, transB: true }, m * 13 + n + k);
    },
  );

  // 'subgroups' tiles hold whole broadcast groups: rows a multiple of the width (8 on lavapipe, 4 on SwiftShader).
  const tiles: [number, number][] = path === 'plain' ? [[1, 8], [3, 8], [4, 16], [7, 32], [16, 64], [16, 8], [13, 24]] : [[8, 8], [16, 16], [16, 8], [8, 32], [16, 24]];
  it.each(tiles)('tile rows=%i wg=%i on 45x77x18 with bias', async (rows, wg) => {
    await run({ m: 45, n: 77, k: 18, bias: true, transB: true, tile: { rows, wg } }, rows * 100 + wg);
  });
});

describe('gemm path choice', () => {
  it("'subgroups' runs where the device has subgroups and is refused with a clear error elsewhere", async () => {
    const { sched } = gpu;
    await sched.prepare(...gemmKernelsFor('plain'));
    const x = sched.createTensor([4], 'f32', 'x', [1, 2, 3, 4]);
    const y = sched.createTensor([4], 'f32', 'y');
    const args = { a: { tensor: x, rows: 2, cols: 2 }, b: { tensor: x, rows: 2, cols: 2 }, c: { tensor: y, rows: 2, cols: 2 }, path: 'subgroups' as const };
    if (hasSubgroups()) {
      await sched.prepare(...gemmKernelsFor('subgroups'));
      gemm(sched, args);
      expect(Array.from(await sched.read(y))).toEqual([7, 10, 15, 22]);
    } else {
      expect(() => gemm(sched, args)).toThrow(/path 'subgroups' needs a device with the 'subgroups' feature/);
    }
    sched.destroyBuffer(x.buffer);
    sched.destroyBuffer(y.buffer);
  });

  it('checks the path and the subgroup tile', () => {
    const t = { shape: [1000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
    const views = { a: { tensor: t, rows: 20, cols: 4 }, b: { tensor: t, rows: 4, cols: 20 }, c: { tensor: t, rows: 20, cols: 20 } };
    expect(() => planGemm({ ...views, path: 'fast' as never })).toThrow(/path must be 'plain' or 'subgroups', got fast/);
    expect(() => planGemm({ ...views, path: 'subgroups', tile: { rows: 12, wg: 8 } }, 8)).toThrow(/tile.rows must be a multiple of the subgroup broadcast width 8/);
    expect(() => planGemm({ ...views, path: 'subgroups', tile: { rows: 8, wg: 12 } }, 8)).toThrow(/tile.wg must be a multiple of the subgroup broadcast width 8/);
    const plan = planGemm({ ...views, path: 'subgroups' }, 8);
    expect(plan.overrides).toEqual({ ROWS: 8, WG: 8, SG: 8 });
  });
});

describe('gemm planning', () => {
  it('solves skinny outputs transposed (lanes along the long side) with the bias per row', () => {
    const t = { shape: [1000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
    const plan = planGemm({ a: { tensor: t, rows: 100, cols: 4 }, b: { tensor: t, rows: 4, cols: 2 }, c: { tensor: t, rows: 100, cols: 2 }, bias: { tensor: t } });
    expect(plan.swapped).toBe(true);
    expect(plan.uniforms.bias_mode).toBe(2);
    expect(plan.uniforms.m).toBe(2);
  });
});

/** Whether the kernel a plan dispatches was built with the helper file `helper` (a vec4 variant). */
const takesHelper = (plan: ReturnType<typeof planGemm>, helper: string) => plan.kernel.lineMap.some((l) => l.file === helper);

describe('gemm loads of B', () => {
  const t = { shape: [100000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
  const readsB4 = (plan: ReturnType<typeof planGemm>) => takesHelper(plan, 'gemm_b_vec4');
  const plan = (b: { rows: number; cols: number; offset?: number; ld?: number }, transB = false, m = 8) => {
    const [k, n] = transB ? [b.cols, b.rows] : [b.rows, b.cols];
    return planGemm({ a: { tensor: t, rows: m, cols: k }, b: { tensor: t, ...b }, transB, c: { tensor: t, rows: m, cols: n } });
  };
  it('reads op(B) as vec4 exactly where its rows are contiguous and 16-byte aligned', () => {
    expect(readsB4(plan({ rows: 5, cols: 64 }))).toBe(true);
    expect(readsB4(plan({ rows: 5, cols: 64, offset: 8, ld: 72 }))).toBe(true);
    expect(readsB4(plan({ rows: 1, cols: 8, ld: 9 }))).toBe(true); // one row: its stride is never used
    expect(readsB4(plan({ rows: 5, cols: 64, offset: 2 }))).toBe(false);
    expect(readsB4(plan({ rows: 5, cols: 64, ld: 66 }))).toBe(false);
    expect(readsB4(plan({ rows: 5, cols: 62 }))).toBe(false);
    expect(readsB4(plan({ rows: 64, cols: 5 }, true))).toBe(false); // op(B) = Bᵀ: columns contiguous
    expect(readsB4(plan({ rows: 5, cols: 64 }, false, 1))).toBe(true);
  });
});

describe('gemm loads of A', () => {
  const t = { shape: [100000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
  const readsA4 = (plan: ReturnType<typeof planGemm>) => takesHelper(plan, 'gemm_a_vec4');
  const plan = (a: { rows: number; cols: number; offset?: number; ld?: number }, transA = false, n = 32, path: KernelPath = 'subgroups') => {
    const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
    return planGemm({ a: { tensor: t, ...a }, transA, b: { tensor: t, rows: k, cols: n }, c: { tensor: t, rows: m, cols: n }, path, tile: { rows: 8, wg: 8 } }, 8);
  };
  it("reads op(A) four k per load on path 'subgroups' exactly where its rows are contiguous along k and 16-byte aligned", () => {
    expect(readsA4(plan({ rows: 5, cols: 64 }, false, 32, 'plain'))).toBe(false); // gemm.wgsl: scalar loads of A
    expect(readsA4(plan({ rows: 5, cols: 64 }))).toBe(true);
    expect(readsA4(plan({ rows: 5, cols: 64, offset: 8, ld: 72 }))).toBe(true);
    expect(readsA4(plan({ rows: 1, cols: 8, ld: 9 }))).toBe(true); // one row: its stride is never used
    expect(readsA4(plan({ rows: 5, cols: 64, offset: 2 }))).toBe(false);
    expect(readsA4(plan({ rows: 5, cols: 64, ld: 66 }))).toBe(false);
    expect(readsA4(plan({ rows: 5, cols: 62 }))).toBe(false); // K % 4 = 2
    expect(readsA4(plan({ rows: 64, cols: 5 }, true))).toBe(false); // op(A) = Aᵀ: its rows are strided
  });
});

describe('gemm stores of C', () => {
  const t = { shape: [100000], buffer: {} as GPUBuffer, offset: 0, dtype: 'f32', label: 't' } as GpuTensor;
  const writesC4 = (plan: ReturnType<typeof planGemm>) => takesHelper(plan, 'gemm_c_vec4');
  const plan = (c: { rows: number; cols: number; offset?: number; ld?: number }) =>
    planGemm({ a: { tensor: t, rows: c.rows, cols: 3 }, b: { tensor: t, rows: 3, cols: c.cols }, c: { tensor: t, ...c } });
  it('writes C as vec4 exactly where its rows are contiguous and 16-byte aligned', () => {
    expect(writesC4(plan({ rows: 5, cols: 64 }))).toBe(true);
    expect(writesC4(plan({ rows: 5, cols: 64, offset: 8, ld: 72 }))).toBe(true);
    expect(writesC4(plan({ rows: 1, cols: 8, ld: 9 }))).toBe(true); // one row: its stride is never used
    expect(writesC4(plan({ rows: 5, cols: 64, offset: 2 }))).toBe(false);
    expect(writesC4(plan({ rows: 5, cols: 64, ld: 66 }))).toBe(false);
    expect(writesC4(plan({ rows: 5, cols: 62 }))).toBe(false);
    expect(writesC4(plan({ rows: 64, cols: 8 }))).toBe(false); // solved as Cᵀ: its rows are C's columns
  });
});

describe('colSum', () => {
  // Offset 1 and row padding 2: scalar loads. Offset 4 and padding 4 with cols % 4 = 0: vec4 loads.
  it.each([[1, 1, 1, 2], [7, 3, 1, 2], [1600, 256, 1, 2], [23, 65, 1, 2], [5, 129, 1, 2], [1600, 256, 4, 4], [3, 4, 0, 0], [29, 68, 4, 4], [13, 100, 0, 4]] as [number, number, number, number][])(
    'rows=%i cols=%i offset=%i row padding=%i', async (rows, cols, offset, pad) => {
    const { sched } = gpu;
    await sched.prepare(...gemmKernelsFor('plain'));
    const rng = new Random(rows + cols);
    const ld = cols + pad;
    const data = randomArray(offset + rows * ld, rng);
    const src = sched.createTensor([data.length], 'f32', 'src', data);
    const prior = randomArray(cols + 1, rng);
    const out = sched.createTensor([cols + 1], 'f32', 'out', prior);
    colSum(sched, { src: { tensor: src, rows, cols, offset, ld }, out: { tensor: out, offset: 1 }, accumulate: true });
    const got = await sched.read(out);
    const want = colSumReference(data, rows, cols, offset, ld);
    expect(got[0]).toBe(prior[0]);
    for (let n = 0; n < cols; n++) expect(Math.abs(got[n + 1]! - (want[n]! + prior[n + 1]!))).toBeLessThan(1e-6 * (rows + 1) * 4);
    sched.destroyBuffer(src.buffer);
    sched.destroyBuffer(out.buffer);
  });

  // Two outputs in one buffer (as b_ih and b_hh in the gradient arena), either one first: the same
  // sums added to each one's own values in one dispatch; offset 1: scalar stores, 0: vec4.
  it.each([[37, 5, 1, false], [1600, 256, 0, false], [29, 68, 0, true], [3, 4, 1, true]] as [number, number, number, boolean][])(
    'rows=%i cols=%i into out and alsoOut (offset %i, alsoOut first %s)', async (rows, cols, offset, swapped) => {
    const { sched } = gpu;
    await sched.prepare(...gemmKernelsFor('plain'));
    const rng = new Random(rows * 3 + cols);
    const data = randomArray(rows * cols, rng);
    const src = sched.createTensor([data.length], 'f32', 'src', data);
    const stride = 64 * Math.ceil((cols + 1) / 64); // elements: 256-byte aligned views
    const prior = randomArray(2 * stride, rng);
    const arena = sched.createTensor([2 * stride], 'f32', 'arena', prior);
    const view = (slot: number, label: string): GpuTensor => ({ ...arena, offset: arena.offset + 4 * slot * stride, shape: [cols + 1], label });
    const [first, second] = [view(0, 'first'), view(1, 'second')];
    const [out, alsoOut] = swapped ? [second, first] : [first, second];
    colSum(sched, { src: { tensor: src, rows, cols }, out: { tensor: out, offset }, alsoOut: { tensor: alsoOut, offset }, accumulate: true });
    const got = await sched.read(arena);
    const want = colSumReference(data, rows, cols, 0, cols);
    for (let slot = 0; slot < 2; slot++) {
      for (let i = 0; i < stride; i++) {
        const at = slot * stride + i;
        const n = i - offset;
        if (n < 0 || n >= cols) expect(got[at], `untouched ${at}`).toBe(prior[at]);
        else expect(Math.abs(got[at]! - (want[n]! + prior[at]!))).toBeLessThan(1e-6 * (rows + 1) * 4);
      }
    }
    expect(() => colSum(sched, { src: { tensor: src, rows, cols }, out: { tensor: first }, alsoOut: { tensor: src } })).toThrow(/alsoOut must be in out's buffer, not overlapping it/);
    expect(() => colSum(sched, { src: { tensor: src, rows, cols }, out: { tensor: first }, alsoOut: { tensor: first, offset: 1 } })).toThrow(/alsoOut must be in out's buffer, not overlapping it/);
    sched.destroyBuffer(src.buffer);
    sched.destroyBuffer(arena.buffer);
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
