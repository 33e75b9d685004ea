// adapters.test.ts — the same kernel end to end on each software adapter Node can reach
// (lavapipe and SwiftShader in CI); a forced adapter that is missing is a clear error.
import { describe, expect, it } from 'vitest';
import { init, isSupported, probe } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';
import { axpy, axpyKernel } from '../../src/kernels/axpy';
import { axpyReference } from '../../src/reference/axpy';

describe.each(['lavapipe', 'swiftshader'])('on %s', (adapter) => {
  it('runs axpy and matches the float64 reference', async () => {
    const ctx = await init({ adapter });
    const sched = new Scheduler(ctx);
    try {
      expect(ctx.adapterKind).toBe(adapter);
      await sched.prepare(axpyKernel);
      const n = 1237;
      const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
      const ys = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
      const x = sched.createTensor([n], 'f32', 'x', xs);
      const y = sched.createTensor([n], 'f32', 'y', ys);
      axpy(sched, -1.25, x, y);
      const got = await sched.read(y);
      const want = axpyReference(-1.25, xs, ys);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2 ** -23 * (1.25 * Math.abs(xs[i]!) + Math.abs(ys[i]!)));
    } finally {
      sched.dispose();
      ctx.dispose();
    }
  });
});

it('names the adapter it could not find', async () => {
  await expect(init({ adapter: 'no-such-gpu-xyz' })).rejects.toThrow(/no-such-gpu-xyz/);
});

it('probe() reports the adapter init() would use, without a device; a bad option is supported: false, not a throw', async () => {
  const found = await probe();
  expect(found).toMatchObject({ supported: true, runtime: 'node' });
  expect(found.adapterName!.length).toBeGreaterThan(0);
  expect(await isSupported({ adapter: 'lavapipe' })).toBe(true);
  const bad = await probe({ adapter: 42 as never });
  expect(bad.supported).toBe(false);
  expect(bad.reason).toMatch(/^init: adapter must be a string .*, got 42$/);
  expect((await probe({ adapter: 'no-such-gpu-xyz' })).reason).toMatch(/no-such-gpu-xyz/);
});
