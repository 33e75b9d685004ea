// timestamps.test.ts — gpuTimer() ('springloop/kernels', src/gpu/timestamps.ts): GPU-measured pass
// times through timestamp queries when the device has 'timestamp-query', null otherwise.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { axpy, axpyKernel } from '../../src/kernels/axpy';
import { axpyReference } from '../../src/reference/axpy';
import { init } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';
import { gpuTimer, medianGpuMs } from '../../src/gpu/timestamps';
import { Random } from '../../src/util/random';

const gpu = useGpu();

function randomF32(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('gpuTimer', () => {
  it('is null exactly when the device lacks timestamp-query, from gpuTimer(sched) and from Scheduler.gpuTimer()', () => {
    for (const timer of [gpuTimer(gpu.sched), gpu.sched.gpuTimer()]) {
      expect(timer === null).toBe(!gpu.ctx.features.has('timestamp-query'));
      timer?.destroy();
    }
    expect(() => gpu.sched.gpuTimer(0)).toThrow(/^gpuTimer\(\): maxPasses must be an integer in \[1, 2048\], got 0$/);
  });

  it('is null on a device created without timestamp-query, and so is medianGpuMs', async () => {
    const ctx = await init({ optionalFeatures: [] });
    const sched = new Scheduler(ctx);
    try {
      expect(ctx.features.has('timestamp-query')).toBe(false);
      expect(gpuTimer(sched)).toBeNull();
      expect(await medianGpuMs(sched, () => {})).toBeNull();
    } finally {
      sched.dispose();
      ctx.dispose();
    }
  });

  it('times every compute pass between begin and end with a positive duration, leaving results intact', async (t) => {
    const timer = gpuTimer(gpu.sched);
    if (!timer) return t.skip(`${gpu.ctx.adapterName} has no timestamp-query (the null path is tested above)`);
    await gpu.sched.prepare(axpyKernel);
    const n = 1 << 16;
    const xs = randomF32(n, 1);
    const ys = randomF32(n, 2);
    const x = gpu.sched.createTensor([n], 'f32', 'x', xs);
    const y = gpu.sched.createTensor([n], 'f32', 'y', ys);
    const spare = gpu.sched.createTensor([n], 'f32', 'spare');
    try {
      timer.begin();
      for (let i = 0; i < 10; i++) axpy(gpu.sched, 0.5, x, y); // pass 1
      gpu.sched.copy(y, spare); // ends the pass
      axpy(gpu.sched, 0.5, x, y); // pass 2
      timer.end();
      const time = await timer.read();
      expect(time.passes).toBe(2);
      expect(time.untimed).toBe(0);
      expect(time.ns).toBeGreaterThan(0);
      expect(Number.isFinite(time.ns)).toBe(true);

      // The timed work computed what it should (11 × y += 0.5 x), and recording after end() is untimed.
      let want: Float64Array = Float64Array.from(ys);
      for (let i = 0; i < 11; i++) want = axpyReference(0.5, xs, want);
      const got = await gpu.sched.read(y);
      for (let i = 0; i < n; i += 997) expect(got[i]!).toBeCloseTo(want[i]!, 4);
      expect(gpu.sched.passTimestamps).toBeNull();

      // Reusable; medianGpuMs gives milliseconds.
      timer.begin();
      axpy(gpu.sched, 0.5, x, y);
      timer.end();
      expect((await timer.read()).passes).toBe(1);
      const ms = await medianGpuMs(gpu.sched, () => axpy(gpu.sched, 0.5, x, y));
      expect(ms).toBeGreaterThan(0);
    } finally {
      timer.destroy();
      for (const b of [x, y, spare]) gpu.sched.destroyBuffer(b.buffer);
    }
  });

  it('checks its arguments first, naming them, whether or not the device has timestamp-query', () => {
    expect(() => gpuTimer(undefined as never)).toThrow(/^gpuTimer\(\): sched \(a Scheduler\) must be an object, got undefined$/);
    expect(() => gpuTimer(gpu.sched, 2049)).toThrow(/^gpuTimer\(\): maxPasses must be an integer in \[1, 2048\], got 2049$/);
    expect(() => gpuTimer(gpu.sched, '8' as never)).toThrow(/maxPasses must be an integer in \[1, 2048\], got '8' \(a string\)/);
    const gone = new Scheduler(gpu.ctx);
    gone.dispose();
    expect(() => gpuTimer(gone)).toThrow(/^gpuTimer\(\) after dispose\(\) of its Scheduler$/);
  });

  it('rejects misuse by name', async (t) => {
    const timer = gpuTimer(gpu.sched);
    if (!timer) return t.skip('no timestamp-query');
    try {
      expect(() => timer.end()).toThrow(/not recording/);
      await expect(timer.read()).rejects.toThrow(/begin\(\) and end\(\)/);
      timer.begin();
      expect(() => timer.begin()).toThrow(/already recording/);
      const other = gpuTimer(gpu.sched)!;
      expect(() => other.begin()).toThrow(/another timer/);
      other.destroy();
      timer.end();
      expect(() => gpuTimer(gpu.sched, 0)).toThrow(/maxPasses .* got 0/);
    } finally {
      timer.destroy();
    }
  });
});
