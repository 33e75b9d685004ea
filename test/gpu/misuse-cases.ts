// misuse-cases.ts — the misuse table shared by test/gpu/misuse.test.ts (Node, lavapipe) and
// test/browser/misuse.test.ts (Chromium, SwiftShader; this file is bundled into the page).
// Each case sets something up on the shared context, then returns the misuse itself; the
// harness checks the message, that the misuse recorded and allocated nothing, and that
// simulate() and one training step then still work on the same context. It reaches the library
// only through `env.L` (the package's exports), so the same code runs against the browser bundle.
import type * as Library from '../../src/index';

type Lib = typeof Library;

export interface MisuseEnv {
  L: Lib;
  ctx: Library.GpuContext;
  sched: Library.Scheduler;
  /** Node only: records lstm.wgsl's forward with the given tensors (kernel wrappers are not exported). */
  lstmForward?: (sched: Library.Scheduler, args: Record<string, unknown>) => Promise<void>;
}

export interface MisuseCase {
  name: string;
  /** The message (null: the call must succeed). */
  expect: RegExp | null;
  /** Run in the browser twin too. */
  browser: boolean;
  /** The misuse cannot be seen before recording (an app's own buffer): caught by an error scope instead. */
  recordsFirst?: boolean;
  /** Sets up on env, returns the misuse (or null to skip: e.g. no timestamp queries here). */
  setup(env: MisuseEnv): Promise<(() => unknown) | null>;
}

const OSCILLATOR = { m: 1, c: 0.4, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 };
const MODEL = { cell: 'lstm', inputSize: 1, hiddenSize: 4, numLayers: 1, outputSize: 1, head: 'last-step' } as const;
const FORECASTER = { cell: 'gru', hidden: 4, layers: 1, seq: 8, batch: 8 } as const;
const series = (n = 120) => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 5));
const run = (L: Lib, sched: Library.Scheduler, o: Partial<Library.SimulateOptions> = {}) =>
  L.simulate(sched, { params: [OSCILLATOR], dt: 0.01, steps: 60, recordEvery: 1, integrator: 'rk4', ...o });

/** A second context (and scheduler) for foreign-object cases; the caller disposes it. */
async function otherContext(L: Lib) {
  const ctx = await L.init();
  return { ctx, sched: new L.Scheduler(ctx) };
}

/** Runs fn, then disposes the second context whether or not fn throws. */
async function withOther(L: Lib, fn: (o: { ctx: Library.GpuContext; sched: Library.Scheduler }) => Promise<() => unknown>) {
  const other = await otherContext(L);
  const misuse = await fn(other);
  return async () => {
    try {
      return await misuse();
    } finally {
      other.sched.dispose();
      other.ctx.dispose();
    }
  };
}

const lifetimes: MisuseCase[] = [
  { name: 'RecurrentModel.forward() after destroy()', expect: /^RecurrentModel\.forward\(\) after destroy\(\)$/, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const x = sched.createTensor([2, 5, 1], 'f32', 'x');
    m.destroy();
    return () => { try { m.forward(x); } finally { x.destroy(); } };
  } },
  { name: 'RecurrentModel.getParameters() after destroy()', expect: /^RecurrentModel\.getParameters\(\) after destroy\(\)$/, browser: false, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    m.destroy();
    return () => m.getParameters();
  } },
  { name: 'Forecaster.fit() after destroy()', expect: /^Forecaster\.fit\(\) after destroy\(\)$/, browser: true, async setup({ L, sched }) {
    const f = await L.Forecaster.create(sched, series(), FORECASTER);
    f.destroy();
    return () => f.fit(1);
  } },
  { name: 'Forecaster.forecast() after destroy()', expect: /^Forecaster\.forecast\(\) after destroy\(\)$/, browser: false, async setup({ L, sched }) {
    const f = await L.Forecaster.create(sched, series(), FORECASTER);
    f.destroy();
    return () => f.forecast(series(20), 3);
  } },
  { name: 'ForecastStream.push() after destroy() of its Forecaster', expect: /^ForecastStream\.push\(\) after destroy\(\) of its Forecaster$/, browser: true, async setup({ L, sched }) {
    const f = await L.Forecaster.create(sched, series(), FORECASTER);
    const s = await f.stream();
    await s.push(0.5);
    f.destroy();
    return () => s.push(0.25);
  } },
  { name: 'ForecastStream.push() after dispose() of its Scheduler', expect: /^ForecastStream\.push\(\) after dispose\(\) of its Scheduler$/, browser: false, async setup({ L, ctx }) {
    const s2 = new L.Scheduler(ctx);
    const f = await L.Forecaster.create(s2, series(), FORECASTER);
    const s = await f.stream();
    s2.dispose();
    return async () => { try { await s.push([0.1, 0.2]); } finally { s.destroy(); f.destroy(); } };
  } },
  { name: 'Trajectory destroyed before its Forecaster: evaluate()', expect: /^Forecaster\.evaluate\(\) after destroy\(\) of its Trajectory$/, browser: true, async setup({ L, sched }) {
    const t = await run(L, sched, { steps: 300 });
    const f = await L.Forecaster.create(sched, t, FORECASTER);
    t.destroy();
    return async () => { try { await f.evaluate(); } finally { f.destroy(); } };
  } },
  { name: 'Trajectory destroyed before its Forecaster: fit(), then destroy() both again', expect: null, browser: false, async setup({ L, sched }) {
    const t = await run(L, sched, { steps: 300 });
    const f = await L.Forecaster.create(sched, t, FORECASTER);
    t.destroy();
    return async () => { await f.fit(1); f.destroy(); t.destroy(); f.destroy(); };
  } },
  { name: 'Trajectory.read() after destroy()', expect: /^Trajectory\.read\(\) after destroy\(\)$/, browser: false, async setup({ L, sched }) {
    const t = await run(L, sched);
    t.destroy();
    return () => t.read();
  } },
  { name: 'Tensor.read() after destroy()', expect: /^Tensor\.read\(\) after destroy\(\)$/, browser: true, async setup({ sched }) {
    const t = sched.createTensor([4], 'f32', 'gone', [1, 2, 3, 4]);
    t.destroy();
    return () => t.read();
  } },
  { name: 'a destroyed tensor read through the Scheduler', expect: /^Scheduler\.read\(\): source is tensor 'gone', which was destroyed/, browser: false, async setup({ sched }) {
    const t = sched.createTensor([4], 'f32', 'gone', [1, 2, 3, 4]);
    sched.destroyBuffer(t.buffer);
    return () => sched.read(t);
  } },
  { name: 'a destroyed tensor bound to a kernel', expect: /^kernel axpy\.wgsl:axpy: binding 'x' is tensor 'x', which was destroyed/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const x = sched.createTensor([4], 'f32', 'x', [1, 2, 3, 4]);
    const y = sched.createTensor([4], 'f32', 'y');
    x.destroy();
    return () => { try { L.axpy(sched, 1, x, y); } finally { y.destroy(); } };
  } },
  { name: 'a forward output read after RecurrentModel.destroy()', expect: /source is tensor 'out', which was destroyed/, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const x = sched.createTensor([2, 5, 1], 'f32', 'x');
    const { out } = m.forward(x);
    m.destroy();
    x.destroy();
    return () => sched.read(out);
  } },
  { name: 'destroy() of inputs and model while their work is still recorded', expect: null, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const x = sched.createTensor([3], 'f32', 'x', [1, 2, 3]);
    const y = sched.createTensor([3], 'f32', 'y', [10, 20, 30]);
    L.axpy(sched, 2, x, y);
    x.destroy(); // recorded, not yet submitted: freed after the submit
    return async () => {
      const got = await y.read();
      y.destroy();
      if (got.join() !== '12,24,36') throw new Error(`wrong result ${got.join()}`);
    };
  } },
  { name: 'Scheduler.dispose() while its read is pending', expect: /^Scheduler\.read\(\) after dispose\(\)$/, browser: true, async setup({ L, ctx }) {
    const s2 = new L.Scheduler(ctx);
    const t = s2.createTensor([4], 'f32', 't', [1, 2, 3, 4]);
    return async () => {
      const pending = s2.read(t);
      s2.dispose();
      await pending;
    };
  } },
  { name: "RecurrentModel.destroy() while its output's read is pending", expect: null, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const x = sched.createTensor([2, 5, 1], 'f32', 'x', new Float32Array(10).fill(1));
    return async () => {
      const pending = sched.read(m.forward(x).out);
      m.destroy();
      x.destroy();
      const out = await pending;
      if (out.length !== 2 || !out.every(Number.isFinite)) throw new Error(`read gave ${out.join()}`);
    };
  } },
  { name: 'GpuOptimizer.record() after destroy()', expect: /^GpuOptimizer\.record\(\) after destroy\(\)$/, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const opt = new L.GpuOptimizer(sched, m.arena, L.optimizerConfig('adam'));
    await opt.prepare();
    const ones = sched.createTensor([1], 'f32', 'ones', [1]);
    opt.destroy();
    return () => { try { opt.record(1e-3, ones); } finally { ones.destroy(); m.destroy(); } };
  } },
  { name: "GpuOptimizer.record() after its model's destroy()", expect: /^GpuOptimizer\.record\(\) after destroy\(\) of its ParamArena$/, browser: false, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const opt = new L.GpuOptimizer(sched, m.arena, L.optimizerConfig('sgd'));
    await opt.prepare();
    const ones = sched.createTensor([1], 'f32', 'ones', [1]);
    m.destroy();
    return () => { try { opt.record(1e-3, ones); } finally { ones.destroy(); opt.destroy(); } };
  } },
  { name: 'GradClipper.record() after destroy()', expect: /^GradClipper\.record\(\) after destroy\(\)$/, browser: false, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const c = new L.GradClipper(sched, m.arena.grads, m.arena.floats, 1);
    await c.prepare();
    c.destroy();
    return () => { try { c.record(); } finally { m.destroy(); } };
  } },
  { name: 'GpuTimer.begin() after destroy()', expect: /^GpuTimer\.begin\(\) after destroy\(\)$/, browser: false, async setup({ sched }) {
    const timer = sched.gpuTimer();
    if (!timer) return null;
    timer.destroy();
    return () => timer.begin();
  } },
  { name: 'ParamArena.read() after destroy()', expect: /^ParamArena\.read\(\) after destroy\(\)$/, browser: false, async setup({ L, sched }) {
    const arena = new L.ParamArena(sched, [{ name: 'w', shape: [3] }]);
    arena.destroy();
    return () => arena.read();
  } },
  { name: 'Scheduler.createTensor() after dispose()', expect: /^Scheduler\.createTensor\(\) after dispose\(\)$/, browser: true, async setup({ L, ctx }) {
    const s2 = new L.Scheduler(ctx);
    s2.dispose();
    return () => s2.createTensor([4]);
  } },
  { name: 'RecurrentModel.forward() after dispose() of its Scheduler', expect: /^RecurrentModel\.forward\(\) after dispose\(\) of its Scheduler$/, browser: true, async setup({ L, ctx }) {
    const s2 = new L.Scheduler(ctx);
    const m = await L.RecurrentModel.create(s2, MODEL);
    const x = s2.createTensor([2, 5, 1], 'f32', 'x');
    s2.dispose();
    return () => m.forward(x);
  } },
  { name: 'Tensor.read() after dispose() of its Scheduler', expect: /^Tensor\.read\(\) after dispose\(\) of its Scheduler$/, browser: false, async setup({ L, ctx }) {
    const s2 = new L.Scheduler(ctx);
    const t = s2.createTensor([2], 'f32', 't', [1, 2]);
    s2.dispose();
    return () => t.read();
  } },
  { name: 'Scheduler.read() after dispose() of its GpuContext', expect: /^Scheduler\.read\(\) after dispose\(\) of its GpuContext$/, browser: true, async setup({ L }) {
    const other = await otherContext(L);
    const t = other.sched.createTensor([2], 'f32', 't', [1, 2]);
    other.ctx.dispose();
    return () => other.sched.read(t);
  } },
  { name: 'simulate() after dispose() of its GpuContext', expect: /^simulate\(\) after dispose\(\) of its GpuContext$/, browser: false, async setup({ L }) {
    const other = await otherContext(L);
    other.ctx.dispose();
    return () => run(L, other.sched);
  } },
  { name: 'destroy()/dispose() twice each, context first, children after', expect: null, browser: true, async setup({ L }) {
    const { ctx, sched } = await otherContext(L);
    const t = await run(L, sched, { steps: 300 });
    const f = await L.Forecaster.create(sched, t, FORECASTER);
    const x = sched.createTensor([3], 'f32', 'x', [1, 2, 3]);
    const timer = sched.gpuTimer();
    return () => {
      ctx.dispose(); ctx.dispose();
      f.destroy(); t.destroy(); x.destroy(); timer?.destroy();
      sched.dispose(); sched.dispose();
      f.destroy(); t.destroy(); x.destroy(); timer?.destroy();
    };
  } },
  { name: 'destroy() children first, then the trajectory, scheduler and context, twice', expect: null, browser: false, async setup({ L }) {
    const { ctx, sched } = await otherContext(L);
    const t = await run(L, sched, { steps: 300, keepState: true });
    const f = await L.Forecaster.create(sched, t, FORECASTER);
    return () => {
      for (let k = 0; k < 2; k++) { f.destroy(); t.destroy(); sched.dispose(); ctx.dispose(); }
    };
  } },
  { name: 'simulate({ from }) of a destroyed trajectory', expect: /from must be a live trajectory run with keepState: true, got trajectory 'trajectory', which was destroyed/, browser: false, async setup({ L, sched }) {
    const t = await run(L, sched, { keepState: true });
    t.destroy();
    return () => L.simulate(sched, { from: t, dt: 0.01, steps: 10, recordEvery: 1, integrator: 'rk4' });
  } },
];

const foreign: MisuseCase[] = [
  { name: 'a tensor of another Scheduler bound to a kernel', expect: /^kernel axpy\.wgsl:axpy: binding 'x' is tensor 'foreign' of another Scheduler/, browser: true, async setup({ L, ctx, sched }) {
    await sched.prepare(L.axpyKernel);
    const s2 = new L.Scheduler(ctx);
    const x = s2.createTensor([4], 'f32', 'foreign', [1, 2, 3, 4]);
    const y = sched.createTensor([4], 'f32', 'y');
    return () => { try { L.axpy(sched, 1, x, y); } finally { y.destroy(); s2.dispose(); } };
  } },
  { name: 'a tensor of another device bound to a kernel', expect: /^kernel axpy\.wgsl:axpy: binding 'x' is tensor 'foreign' of another GPU device/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const y = sched.createTensor([4], 'f32', 'y');
    return withOther(L, async (o) => {
      const x = o.sched.createTensor([4], 'f32', 'foreign', [1, 2, 3, 4]);
      return () => { try { L.axpy(sched, 1, x, y); } finally { y.destroy(); } };
    });
  } },
  { name: 'a tensor of another device given to RecurrentModel.forward()', expect: /^RecurrentModel\.forward\(\): x is tensor 'foreign' of another GPU device/, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    return withOther(L, async (o) => {
      const x = o.sched.createTensor([2, 5, 1], 'f32', 'foreign');
      return () => { try { m.forward(x); } finally { m.destroy(); } };
    });
  } },
  { name: 'a raw GPUBuffer of another device', expect: /^kernel axpy\.wgsl:axpy: binding 'x' is buffer 'foreign' of another GPU device/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const y = sched.createTensor([4], 'f32', 'y');
    return withOther(L, async (o) => {
      const raw = o.ctx.device.createBuffer({ size: 16, usage: L.STORAGE_RW, label: 'foreign' });
      return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x: raw, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1 }); } finally { y.destroy(); } };
    });
  } },
  { name: "another Scheduler's trajectory given to Forecaster.create()", expect: /^Forecaster: series is tensor 'trajectory' of another Scheduler/, browser: false, async setup({ L, ctx, sched }) {
    const s2 = new L.Scheduler(ctx);
    const t = await run(L, s2, { steps: 300 });
    return async () => { try { await L.Forecaster.create(sched, t, FORECASTER); } finally { s2.dispose(); } };
  } },
];

const shapes: MisuseCase[] = [
  { name: 'lstm forward with an hseq of the wrong shape', expect: /^kernel lstm\.wgsl:forward_step: binding 'hseq' \(tensor 'hseq'\) has shape \[3, 2, 4\] f32, expected \[T\+1, B, H\] = \[4, 2, 4\] f32 \(T=3, B=2, H=4\)$/, browser: false, async setup({ sched, lstmForward }) {
    if (!lstmForward) return null;
    const T = 3, B = 2, H = 4;
    const made: Library.Tensor[] = [];
    const t = (shape: number[], label: string) => { const x = sched.createTensor(shape, 'f32', label); made.push(x); return x; };
    const args = { gx: t([T, B, 4 * H], 'gx'), wHh: t([4 * H, H], 'w_hh'), bHh: t([4 * H], 'b_hh'), hseq: t([T, B, H], 'hseq'), cseq: t([T + 1, B, H], 'cseq'), gates: t([T, B, 4 * H], 'gates') };
    return async () => { try { await lstmForward(sched, { batch: B, hidden: H, seqLen: T, tBegin: 0, tEnd: T, variant: 'step', ...args }); } finally { made.forEach((m) => m.destroy()); } };
  } },
  { name: 'a user kernel whose declared shape the binding does not have', expect: /^kernel axpy\.wgsl:axpy: binding 'y' \(tensor 'y'\) has shape \[4\] u32, expected \[N\] = \[4\] f32 \(N=4\)$/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const declared = L.declareBindings({ x: '[N] f32', y: '[N] f32' });
    const x = sched.createTensor([4], 'f32', 'x');
    const y = sched.createTensor([4], 'u32', 'y');
    return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1, shapes: { declared, dims: { N: 4 } } }); } finally { x.destroy(); y.destroy(); } };
  } },
  { name: 'RecurrentModel.forward() with x of the wrong feature size', expect: /^x has feature size 2 \(shape \[2, 5, 2\]\) but the model's inputSize is 1$/, browser: false, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const x = sched.createTensor([2, 5, 2], 'f32', 'x');
    return () => { try { m.forward(x); } finally { m.destroy(); x.destroy(); } };
  } },
  { name: 'RecurrentModel.lossAndBackward() with a u32 target', expect: /^target must be f32, got u32$/, browser: false, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    const x = sched.createTensor([2, 5, 1], 'f32', 'x');
    const y = sched.createTensor([2, 1], 'u32', 'y');
    m.forward(x);
    await sched.flush();
    return () => { try { m.lossAndBackward({ kind: 'mse', target: y }); } finally { m.destroy(); x.destroy(); y.destroy(); } };
  } },
  { name: 'RecurrentModel.forward([1, 2, 3])', expect: /^x must be a GpuTensor .*, got \[1, 2, 3\] \(an array of 3\)$/, browser: true, async setup({ L, sched }) {
    const m = await L.RecurrentModel.create(sched, MODEL);
    return () => { try { m.forward([1, 2, 3] as never); } finally { m.destroy(); } };
  } },
  { name: 'createTensor([2.5])', expect: /^createTensor\('tensor'\): shape\[0\] must be an integer >= 1, got 2\.5$/, browser: true, async setup({ sched }) { return () => sched.createTensor([2.5]); } },
  { name: 'createTensor([2, -1])', expect: /^createTensor\('tensor'\): shape\[1\] must be an integer >= 1, got -1$/, browser: false, async setup({ sched }) { return () => sched.createTensor([2, -1]); } },
  { name: "createTensor(['3'])", expect: /^createTensor\('tensor'\): shape\[0\] must be an integer >= 1, got '3' \(a string\)$/, browser: false, async setup({ sched }) { return () => sched.createTensor(['3' as never]); } },
  { name: 'createTensor([3]) with 2 values', expect: /^createTensor\('x'\): got 2 values for 3 elements/, browser: true, async setup({ sched }) { return () => sched.createTensor([3], 'f32', 'x', [1, 2]); } },
  { name: "createTensor with dtype 'f64'", expect: /^createTensor\('x'\): dtype must be one of 'f32', 'u32', 'i32', got 'f64' \(a string\)$/, browser: false, async setup({ sched }) { return () => sched.createTensor([3], 'f64' as never, 'x'); } },
  { name: 'createTensor with a string among the values', expect: /^createTensor\('x'\): data\[1\] is '2' \(a string\); values must be numbers$/, browser: false, async setup({ sched }) { return () => sched.createTensor([2], 'f32', 'x', [1, '2' as never]); } },
  { name: 'createTensor u32 with a negative value', expect: /^createTensor\('x'\): data\[0\] is -1; a u32 tensor holds integers in \[0, 4294967295\]$/, browser: false, async setup({ sched }) { return () => sched.createTensor([1], 'u32', 'x', [-1]); } },
  { name: 'a number given as a binding', expect: /^kernel axpy\.wgsl:axpy: binding 'x' must be a GpuTensor, a GPUBuffer or \{ buffer, offset, size \}, got 42$/, browser: false, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const y = sched.createTensor([4], 'f32', 'y');
    return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x: 42 as never, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1 }); } finally { y.destroy(); } };
  } },
  { name: 'a uniform given as a string', expect: /^kernel axpy\.wgsl: uniform params\.alpha must be a number, got '2' \(a string\)$/, browser: false, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const x = sched.createTensor([4], 'f32', 'x');
    const y = sched.createTensor([4], 'f32', 'y');
    return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x, y }, uniforms: { n: 4, alpha: '2' as never }, workgroups: 1 }); } finally { x.destroy(); y.destroy(); } };
  } },
  { name: 'a storage binding at an unaligned offset', expect: /^kernel axpy\.wgsl:axpy: binding 'x' \(buffer 'big'\) starts at byte 4, not a multiple of this device's storage offset alignment/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const big = sched.createBuffer(64, L.STORAGE_RW, 'big');
    const y = sched.createTensor([4], 'f32', 'y');
    return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x: { buffer: big, offset: 4, size: 16 }, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1 }); } finally { sched.destroyBuffer(big); y.destroy(); } };
  } },
  { name: 'one buffer read and written by the same dispatch', expect: /^kernel axpy\.wgsl:axpy: binding 'y' \(written\) and binding 'x' \(read-only\) are the same buffer \(tensor 'x'\)/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const x = sched.createTensor([4], 'f32', 'x', [1, 2, 3, 4]);
    return () => { try { L.axpy(sched, 1, x, x); } finally { x.destroy(); } };
  } },
  { name: 'copy() from a buffer to itself', expect: /^Scheduler\.copy\(\): src and dst are the same buffer \(tensor 'x'\)/, browser: false, async setup({ sched }) {
    const x = sched.createTensor([4], 'f32', 'x', [1, 2, 3, 4]);
    return () => { try { sched.copy(x, x); } finally { x.destroy(); } };
  } },
  { name: 'a MAP_READ buffer bound as storage', expect: /^kernel axpy\.wgsl:axpy: binding 'x' \(buffer 'readback'\) was created without GPUBufferUsage\.STORAGE/, browser: true, async setup({ L, sched }) {
    await sched.prepare(L.axpyKernel);
    const b = sched.createBuffer(16, L.BufferUsage.MAP_READ | L.BufferUsage.COPY_DST, 'readback');
    const y = sched.createTensor([4], 'f32', 'y');
    return () => { try { sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x: b, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1 }); } finally { sched.destroyBuffer(b); y.destroy(); } };
  } },
  { name: "an app's own buffer, destroyed by the app, then bound: caught by the submit's error scope", expect: /^Scheduler\.submit\(\) #\d+: the GPU rejected this work: .*app buffer/, browser: true, recordsFirst: true, async setup({ L, ctx, sched }) {
    await sched.prepare(L.axpyKernel);
    const raw = ctx.device.createBuffer({ size: 16, usage: L.STORAGE_RW, label: 'app buffer' });
    const y = sched.createTensor([4], 'f32', 'y');
    raw.destroy(); // behind the scheduler's back: it cannot know
    return async () => {
      try {
        sched.dispatch(L.axpyKernel, 'axpy', { bindings: { x: raw, y }, uniforms: { n: 4, alpha: 1 }, workgroups: 1 });
        await sched.read(y);
      } finally {
        y.destroy();
      }
    };
  } },
  { name: "a GPU error the app caused on ctx.device itself is reported once, by the next wait", expect: /outside springloop's error scopes/, browser: false, recordsFirst: true, async setup({ ctx, sched }) {
    const y = sched.createTensor([1], 'f32', 'y', [1]);
    return async () => {
      try {
        ctx.device.createBuffer({ size: 4, usage: 0 }); // invalid usage, no error scope
        for (let i = 0; i < 3; i++) await sched.read(y);
      } finally {
        y.destroy();
      }
    };
  } },
  { name: 'a tensor range past the end of its buffer', expect: /^Scheduler\.read\(\): source \(buffer 'short'\) covers bytes 0\+32, which must be a non-empty, 4-byte aligned range inside its 16-byte buffer$/, browser: false, async setup({ L, sched }) {
    const b = sched.createBuffer(16, L.STORAGE_RW, 'short');
    return async () => { try { await sched.read({ buffer: b, offset: 0, size: 32 }); } finally { sched.destroyBuffer(b); } };
  } },
];

const edge: MisuseCase[] = [
  { name: 'init({ adapter: 42 })', expect: /^init: adapter must be a string .*, got 42$/, browser: true, async setup({ L }) { return () => L.init({ adapter: 42 as never }); } },
  { name: "init({ adaptor: 'lavapipe' })", expect: /^init: unknown option 'adaptor' \(known: adapter, optionalFeatures\)$/, browser: false, async setup({ L }) { return () => L.init({ adaptor: 'lavapipe' } as never); } },
  { name: 'encodeSafetensors({ a: undefined })', expect: /^safetensors: tensor "a" must be \{ shape, data: Float32Array \}, got undefined$/, browser: false, async setup({ L }) { return () => L.encodeSafetensors({ a: undefined as never }); } },
  { name: "Forecaster with hidden: '16'", expect: /^Forecaster: hidden must be an integer >= 1, got '16' \(a string\)$/, browser: true, async setup({ L, sched }) { return () => L.Forecaster.create(sched, series(), { hidden: '16' as never }); } },
  { name: 'Forecaster with a 2-D series', expect: /^Forecaster: series must be flat — one series of numbers — or a Trajectory from simulate\(\)/, browser: true, async setup({ L, sched }) { return () => L.Forecaster.create(sched, [[1, 2, 3], [4, 5, 6]] as never, { seq: 2 }); } },
  { name: 'Forecaster with a batch larger than its training windows', expect: /^Forecaster: batch 5000 is larger than the \d+ training windows of this series \(use \d+ or less, or a longer series\)$/, browser: true, async setup({ L, sched }) { return () => L.Forecaster.create(sched, series(), { ...FORECASTER, batch: 5000 }); } },
  { name: 'Forecaster with strings in the series', expect: /^Forecaster: series\[0\] is '0' \(a string\); every sample must be a finite number$/, browser: true, async setup({ L, sched }) { return () => L.Forecaster.create(sched, Array.from(series(), String) as never, FORECASTER); } },
  { name: 'Forecaster.forecast() with strings', expect: /^forecast: recent\[\d+\] is '.*' \(a string\); every sample must be a finite number$/, browser: false, async setup({ L, sched }) {
    const f = await L.Forecaster.create(sched, series(), FORECASTER);
    return async () => { try { await f.forecast(Array.from(series(12), String) as never, 2); } finally { f.destroy(); } };
  } },
  { name: 'Forecaster.load() of a string', expect: /^Forecaster\.load: file must be the Uint8Array that save\(\) returned$/, browser: false, async setup({ L, sched }) { return () => L.Forecaster.load(sched, 'model.safetensors' as never); } },
  { name: "RecurrentModel with hiddenSize: '16'", expect: /^config\.hiddenSize must be an integer >= 1, got '16' \(a string\)$/, browser: false, async setup({ L, sched }) { return () => L.RecurrentModel.create(sched, { ...MODEL, hiddenSize: '16' as never }); } },
  { name: "simulate() with dt: '0.01'", expect: /^simulation: dt must be a finite number > 0, got '0\.01' \(a string\)$/, browser: false, async setup({ L, sched }) { return () => run(L, sched, { dt: '0.01' as never }); } },
];

/** Every misuse case, in table order. */
export const MISUSE_CASES: readonly MisuseCase[] = [...lifetimes, ...foreign, ...shapes, ...edge];

/** simulate() and one training step (forward, loss, backward, Adam) on the context; throws when either fails. */
export async function stillWorks({ L, sched }: MisuseEnv): Promise<void> {
  const t = await run(L, sched, { steps: 20 });
  const x = await t.read();
  t.destroy();
  if (x.length !== 21 || !x.every(Number.isFinite)) throw new Error(`simulate() gave ${x.length} samples`);
  const m = await L.RecurrentModel.create(sched, MODEL, { seed: 1 });
  const opt = new L.GpuOptimizer(sched, m.arena, L.optimizerConfig('adam', { lr: 1e-2 }));
  await opt.prepare();
  const inputs = sched.createTensor([2, 5, 1], 'f32', 'x', new Float32Array(10).fill(0.5));
  const target = sched.createTensor([2, 1], 'f32', 'y', [1, 2]);
  const ones = sched.createTensor([1], 'f32', 'ones', [1]);
  try {
    m.forward(inputs);
    const { loss } = m.lossAndBackward({ kind: 'mse', target });
    opt.record(1e-2, ones);
    const [l] = await sched.read(loss);
    if (!Number.isFinite(l)) throw new Error(`training step loss ${l}`);
  } finally {
    m.destroy();
    opt.destroy();
    for (const t of [inputs, target, ones]) t.destroy();
  }
}

/** What a run of one case gave: the message (null when none), and whether the context still works. */
export interface MisuseOutcome {
  name: string;
  message: string | null;
  errorName: string | null;
  /** Dispatches and buffers the misuse itself recorded / created (should be 0). */
  recorded: number;
  allocated: number;
  skipped: boolean;
  survived: string;
}

/** Runs one case on env and reports what happened (never throws). */
export async function runMisuse(c: MisuseCase, env: MisuseEnv): Promise<MisuseOutcome> {
  const out: MisuseOutcome = { name: c.name, message: null, errorName: null, recorded: 0, allocated: 0, skipped: false, survived: 'yes' };
  try {
    const misuse = await c.setup(env);
    if (!misuse) {
      out.skipped = true;
      return out;
    }
    const before = { ...env.sched.counters };
    try {
      await misuse();
    } catch (e) {
      out.message = String((e as Error)?.message ?? e);
      out.errorName = (e as Error)?.name ?? typeof e;
    }
    out.recorded = env.sched.counters.dispatches - before.dispatches;
    out.allocated = env.sched.counters.buffersCreated - before.buffersCreated;
  } catch (e) {
    out.message = `setup failed: ${String((e as Error)?.message ?? e)}`;
  }
  try {
    await stillWorks(env);
  } catch (e) {
    out.survived = `no: ${String((e as Error)?.message ?? e)}`;
  }
  return out;
}
