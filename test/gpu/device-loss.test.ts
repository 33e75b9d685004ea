// device-loss.test.ts — the device destroyed in the middle of Forecaster.fit(): the pending call
// and every later one throw the typed DeviceLostError (ctx.lost resolves with it), releasing
// everything still works, and a new init() + Forecaster.load of the last save() recovers: it
// forecasts exactly as the lost model did and trains on.
import { describe, expect, it } from 'vitest';
import { init, type GpuContext } from '../../src/gpu/device';
import { DeviceLostError } from '../../src/gpu/errors';
import { Scheduler } from '../../src/gpu/scheduler';
import { Forecaster } from '../../src/train/forecaster';
import { RecurrentModel } from '../../src/model';
import { simulate } from '../../src/physics/simulate';

const OPTIONS = { cell: 'gru', hidden: 6, layers: 1, seq: 10, batch: 16 } as const;
const series = Float32Array.from({ length: 260 }, (_, i) => Math.exp(-i / 500) * Math.sin(i / 6));

async function start(): Promise<{ ctx: GpuContext; sched: Scheduler; f: Forecaster }> {
  const ctx = await init();
  const sched = new Scheduler(ctx);
  return { ctx, sched, f: await Forecaster.create(sched, series, OPTIONS) };
}

/** Every later call on the lost context's objects throws the same DeviceLostError. */
async function expectAllLost(ctx: GpuContext, sched: Scheduler, f: Forecaster, lost: DeviceLostError): Promise<void> {
  await expect(f.fit(1)).rejects.toBe(lost);
  await expect(f.evaluate()).rejects.toBe(lost);
  await expect(f.forecast(series, 2)).rejects.toBe(lost);
  expect(() => sched.createTensor([4])).toThrow(lost);
  await expect(sched.flush()).rejects.toBe(lost);
  await expect(simulate(sched, { params: [{ m: 1, c: 0, k: 1, F: 0, omega: 1, phi: 0, x0: 1, v0: 0 }], dt: 0.1, steps: 3, recordEvery: 1, integrator: 'rk4' })).rejects.toBe(lost);
  await expect(RecurrentModel.create(sched, { cell: 'rnn_tanh', inputSize: 1, hiddenSize: 2, numLayers: 1, outputSize: 1, head: 'last-step' })).rejects.toBe(lost);
  expect(() => new Scheduler(ctx)).toThrow(lost);
  expect(() => ctx.throwIfFailed()).toThrow(lost);
  expect(ctx.lostError).toBe(lost);
}

describe('device loss', () => {
  it('destroyed between epochs of fit(): DeviceLostError, then recovery with init() + Forecaster.load', async () => {
    const { ctx, sched, f } = await start();
    let saved: Uint8Array | null = null;
    let forecastAtSave: Float32Array | null = null;
    const fit = f.fit(5, async (r) => {
      if (r.epoch !== 2) return;
      saved = await f.save();
      forecastAtSave = await f.forecast(series, 5);
      ctx.device.destroy(); // the browser or driver taking the device away
    });
    const caught = await fit.catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(DeviceLostError);
    const lost = caught as DeviceLostError;
    expect(lost.name).toBe('DeviceLostError');
    expect(lost.reason).toBe('destroyed');
    expect(lost.message).toContain(ctx.adapterName);
    expect(lost.message).toMatch(/call init\(\) again/);
    expect(await ctx.lost).toBe(lost);
    expect(f.epoch).toBe(2);
    await expectAllLost(ctx, sched, f, lost);
    // Releasing after the loss never throws, in any order, twice.
    f.destroy();
    sched.dispose();
    ctx.dispose();
    f.destroy();
    ctx.dispose();

    const ctx2 = await init();
    const sched2 = new Scheduler(ctx2);
    try {
      const g = await Forecaster.load(sched2, saved!, series);
      expect(await g.forecast(series, 5)).toEqual(forecastAtSave);
      const [report] = await g.fit(1);
      expect(Number.isFinite(report!.trainLoss)).toBe(true);
      g.destroy();
    } finally {
      sched2.dispose();
      ctx2.dispose();
    }
  });

  it('destroyed while fit() waits on the GPU: the pending call rejects with DeviceLostError, not an empty AbortError', async () => {
    const { ctx, sched, f } = await start();
    const fit = f.fit(3); // the first epoch is recorded and submitted; fit() now waits for its losses
    ctx.device.destroy();
    const caught = await fit.catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(DeviceLostError);
    expect((caught as DeviceLostError).reason).toBe('destroyed');
    expect(await ctx.lost).toBe(caught);
    await expectAllLost(ctx, sched, f, caught as DeviceLostError);
    f.destroy();
    sched.dispose();
    ctx.dispose();
  });

  it('dispose() is not a loss: ctx.lost resolves, but calls say "after dispose()"', async () => {
    const { ctx, sched, f } = await start();
    ctx.dispose();
    const lost = await ctx.lost;
    expect(lost).toBeInstanceOf(DeviceLostError);
    expect(ctx.lostError).toBeNull();
    await expect(f.fit(1)).rejects.toThrow(/^Forecaster\.fit\(\) after dispose\(\) of its GpuContext$/);
    expect(() => sched.createTensor([1])).toThrow(/^Scheduler\.createTensor\(\) after dispose\(\) of its GpuContext$/);
    f.destroy();
    sched.dispose();
  });
});
