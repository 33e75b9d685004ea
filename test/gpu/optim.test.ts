// optim.test.ts — fused Adam / SGD steps and global-norm clipping on the GPU against the
// float64 references in src/reference/optim.ts, on arena sizes that are not multiples of
// the workgroup size.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { GpuOptimizer, GradClipper, optimizerConfig, type ArenaLike } from '../../src/kernels/optim';
import { adamStepReference, clipScaleReference, sgdStepReference } from '../../src/reference/optim';
import { STORAGE_RW } from '../../src/gpu/flags';
import { Random } from '../../src/util/random';

const gpu = useGpu();

function randomF32(n: number, seed: number, scale = 1): Float32Array<ArrayBuffer> {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

function makeArena(n: number, params: Float32Array<ArrayBuffer>, grads: Float32Array<ArrayBuffer>): ArenaLike {
  const p = gpu.sched.createBuffer(4 * n, STORAGE_RW, 'p');
  const g = gpu.sched.createBuffer(4 * n, STORAGE_RW, 'g');
  gpu.sched.device.queue.writeBuffer(p, 0, params);
  gpu.sched.device.queue.writeBuffer(g, 0, grads);
  return { params: p, grads: g, floats: n };
}

/** |a − b| within a few float32 roundings of each operand's magnitude. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, before: ArrayLike<number>): void {
  for (let i = 0; i < want.length; i++) {
    const tol = 2 ** -21 * Math.abs(before[i]!) + 1e-5 * Math.abs(want[i]! - before[i]!) + 1e-30;
    if (Math.abs(got[i]! - want[i]!) > tol) expect.fail(`element ${i}: got ${got[i]}, want ${want[i]} (tol ${tol})`);
  }
}

describe('Adam', () => {
  it.each([1, 7, 255, 257, 5003])('three steps match torch.optim.Adam semantics for n = %i', async (n) => {
    const params0 = randomF32(n, n);
    const cfg = optimizerConfig('adam', { lr: 3e-3, weightDecay: 0.01 });
    const arena = makeArena(n, params0, new Float32Array(n));
    const opt = new GpuOptimizer(gpu.sched, arena, cfg);
    await opt.prepare();
    const ones = gpu.sched.createTensor([1], 'f32', 'ones', [1]);
    const p = Float64Array.from(params0);
    const m = new Float64Array(n);
    const v = new Float64Array(n);
    for (let step = 1; step <= 3; step++) {
      const grads = randomF32(n, 100 * n + step, 0.1 * step);
      gpu.sched.device.queue.writeBuffer(arena.grads, 0, grads);
      const before = Float64Array.from(p);
      const lr = cfg.lr / step; // a schedule changes lr between steps
      opt.record(lr, ones);
      adamStepReference({ ...cfg, lr }, step, p, grads, m, v);
      const got = (await gpu.sched.read({ buffer: arena.params })) as Float32Array;
      expectClose(got, p, before);
      // The GPU carries its own (float32) params forward; so does the reference from here on.
      p.set(got);
    }
    const state = await opt.readState();
    // m mixes gradients of different steps: bound its error by the largest |m| (a few roundings).
    const mMax = m.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
    state.exp_avg!.forEach((got, i) => expect(Math.abs(got - m[i]!)).toBeLessThanOrEqual(2 ** -20 * mMax));
    opt.destroy();
  });

  it('applies the clip factor from a buffer', async () => {
    const n = 300;
    const params0 = randomF32(n, 1);
    const grads = randomF32(n, 2);
    const arena = makeArena(n, params0, grads);
    const cfg = optimizerConfig('adam', { lr: 0.01, eps: 1e-3 }); // large eps: the update depends on the scale
    const opt = new GpuOptimizer(gpu.sched, arena, cfg);
    await opt.prepare();
    const scale = gpu.sched.createTensor([1], 'f32', 'scale', [0.25]);
    opt.record(cfg.lr, scale);
    const p = Float64Array.from(params0);
    adamStepReference(cfg, 1, p, grads, new Float64Array(n), new Float64Array(n), 0.25);
    expectClose((await gpu.sched.read({ buffer: arena.params })) as Float32Array, p, params0);
  });
});

describe('SGD', () => {
  it.each([
    ['plain', { momentum: 0 }],
    ['momentum', { momentum: 0.9 }],
    ['nesterov + weight decay', { momentum: 0.8, nesterov: true, weightDecay: 0.05 }],
    ['dampening', { momentum: 0.7, dampening: 0.3 }],
  ] as const)('three %s steps match torch.optim.SGD semantics', async (_name, hyper) => {
    const n = 1031;
    const params0 = randomF32(n, 5);
    const cfg = optimizerConfig('sgd', { lr: 0.05, ...hyper });
    const arena = makeArena(n, params0, new Float32Array(n));
    const opt = new GpuOptimizer(gpu.sched, arena, cfg);
    await opt.prepare();
    const ones = gpu.sched.createTensor([1], 'f32', 'ones', [1]);
    const p = Float64Array.from(params0);
    const buf = new Float64Array(n);
    for (let step = 1; step <= 3; step++) {
      const grads = randomF32(n, 7 + step);
      gpu.sched.device.queue.writeBuffer(arena.grads, 0, grads);
      const before = Float64Array.from(p);
      opt.record(cfg.lr, ones);
      sgdStepReference(cfg, step === 1, p, grads, buf);
      const got = (await gpu.sched.read({ buffer: arena.params })) as Float32Array;
      expectClose(got, p, before);
      p.set(got);
    }
    opt.destroy();
  });
});

describe('global-norm clipping', () => {
  it.each([
    [1, 0.5],
    [257, 1],
    [5003, 10],
    [70001, 1e6], // norm below max_norm: factor 1
  ])('n = %i, max_norm = %f: norm and factor match clip_grad_norm_', async (n, maxNorm) => {
    const grads = randomF32(n, n, 0.3);
    const g = gpu.sched.createBuffer(4 * n, STORAGE_RW, 'g');
    gpu.sched.device.queue.writeBuffer(g, 0, grads);
    const clip = new GradClipper(gpu.sched, g, n, maxNorm);
    await clip.prepare();
    clip.record();
    const [scale, norm] = (await gpu.sched.read({ buffer: clip.out })) as Float32Array;
    const want = clipScaleReference(grads, maxNorm);
    expect(Math.abs(norm! - want.norm)).toBeLessThanOrEqual(1e-6 * want.norm + 1e-30);
    expect(Math.abs(scale! - want.scale)).toBeLessThanOrEqual(2e-6 * want.scale);
    if (maxNorm > want.norm) expect(scale).toBe(1);
    clip.destroy();
  });

  it('without max_norm the factor is 1 and nothing is dispatched', async () => {
    const g = gpu.sched.createBuffer(16, STORAGE_RW, 'g');
    const clip = new GradClipper(gpu.sched, g, 4, null);
    const before = gpu.sched.counters.dispatches;
    clip.record();
    expect(gpu.sched.counters.dispatches).toBe(before);
    expect([...((await gpu.sched.read({ buffer: clip.out })) as Float32Array)]).toEqual([1, 0]);
  });

  it('rejects a non-positive or non-finite max_norm', () => {
    const g = gpu.sched.createBuffer(16, STORAGE_RW, 'g');
    expect(() => new GradClipper(gpu.sched, g, 4, 0)).toThrow(/max_norm must be a finite number > 0, got 0/);
    expect(() => new GradClipper(gpu.sched, g, 4, Number.NaN)).toThrow(/max_norm .* got NaN/);
  });
});
