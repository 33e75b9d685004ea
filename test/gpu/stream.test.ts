// stream.test.ts — Forecaster.stream() (src/train/stream.ts) on the adapter Node finds: the
// predictions of pushes of 1 and of several samples equal the float64 reference run over the
// whole pushed series with the state carried (RNN, LSTM, GRU; targets 'delta' and 'value');
// after seq samples a fresh stream predicts what the windowed paths do (evaluate() on the
// first window, forecast() with `previous`); reset() starts afresh; bad input fails naming
// the argument before any GPU work; destroy() (its own or the Forecaster's) frees the
// stream's buffers and every later call says why it cannot run.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { Forecaster, type ForecasterOptions } from '../../src/train/forecaster';
import type { ForecastStream } from '../../src/train/stream';
import { forecasterStreamReference } from '../../bench/stream.bench';

const gpu = useGpu();
const SMALL: ForecasterOptions = { hidden: 8, layers: 2, seq: 12, batch: 16, lr: 0.01, seed: 5 };

/** A damped sine of n samples. */
function series(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.exp(-i / 400) * Math.sin(i / 7));
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(want[i]!));
  }
}

describe('Forecaster.stream', () => {
  it.each([
    ['lstm', 'delta'], ['gru', 'delta'], ['rnn', 'delta'], ['lstm', 'value'], ['gru', 'residual'],
  ] as const)('%s (%s): pushes of 1, 7 and 13 samples match the float64 reference over the whole stream', async (cell, target) => {
    const x = series(220);
    const f = await Forecaster.create(gpu.sched, x, { ...SMALL, cell, target });
    try {
      await f.fit(1);
      const s = await f.stream();
      const got: number[] = [];
      for (const k of [0, 1, 2]) got.push(await s.push(x[k]!));
      got.push(...(await s.push(x.subarray(3, 10))));
      got.push(await s.push(x[10]!));
      got.push(...(await s.push(Array.from(x.subarray(11, 24)))));
      expect(s.samplesSeen).toBe(24);
      expectClose(got, await forecasterStreamReference(f, x.subarray(0, 24)), `${cell} stream`);
      s.reset();
      expect(s.samplesSeen).toBe(0);
      expectClose(await s.push(x.subarray(0, 5)), got.slice(0, 5), 'after reset()');
      s.destroy();
    } finally {
      f.destroy();
    }
  });

  it('after seq samples predicts what the windowed paths predict: evaluate() on the first window, forecast() given the previous sample', async () => {
    const x = series(200);
    const f = await Forecaster.create(gpu.sched, x, { ...SMALL, cell: 'lstm' });
    try {
      await f.fit(1);
      const seq = f.options.seq;
      expect(f.plan.trainStarts[0]).toBe(0);
      const fresh = await f.stream();
      const fromStart = await fresh.push(x.subarray(0, seq));
      const { predictions } = await f.evaluate('train');
      expect(Math.abs(fromStart[seq - 1]! - predictions[0]!)).toBeLessThanOrEqual(1e-5);
      const recent = x.subarray(0, 150);
      const withPrevious = await f.stream({ previous: recent[recent.length - seq - 1] });
      const streamed = await withPrevious.push(recent.subarray(recent.length - seq));
      const [windowed] = await f.forecast(recent, 1);
      expect(Math.abs(streamed[seq - 1]! - windowed!)).toBeLessThanOrEqual(1e-5);
    } finally {
      f.destroy();
    }
  });

  it("target 'residual': given the two samples before the window, a stream predicts what forecast() does", async () => {
    const x = series(200);
    const f = await Forecaster.create(gpu.sched, x, { ...SMALL, cell: 'gru', target: 'residual' });
    try {
      await f.fit(1);
      const seq = f.options.seq;
      const recent = x.subarray(0, 150);
      const n = recent.length;
      const s = await f.stream({ previous: [recent[n - seq - 2]!, recent[n - seq - 1]!] });
      const streamed = await s.push(recent.subarray(n - seq));
      const [windowed] = await f.forecast(recent, 1);
      expect(Math.abs(streamed[seq - 1]! - windowed!)).toBeLessThanOrEqual(1e-5);
      expectClose(streamed, await forecasterStreamReference(f, recent.subarray(n - seq), [recent[n - seq - 2]!, recent[n - seq - 1]!]), 'residual with previous');
      await expect(f.stream({ previous: [1, 2, 3] })).rejects.toThrow(/previous must be a finite number or 1 or 2 of them, got \[1, 2, 3\] \(an array of 3\)/);
    } finally {
      f.destroy();
    }
  });

  it('refuses bad input naming it before any GPU work, and every call after destroy()', async () => {
    const f = await Forecaster.create(gpu.sched, series(120), { ...SMALL, cell: 'gru' });
    let s: ForecastStream | null = null;
    try {
      await expect(f.stream({ previous: 'x' as unknown as number })).rejects.toThrow(/stream options\.previous must be a finite number, got 'x' \(a string\)/);
      await expect(f.stream(null as never)).rejects.toThrow(/stream options must be an object, got null/);
      s = await f.stream();
      const before = { ...gpu.sched.counters };
      await expect(s.push(NaN)).rejects.toThrow(/push: sample must be a finite number, got NaN/);
      await expect(s.push('1' as unknown as number)).rejects.toThrow(/push: samples must be a number or an array of numbers, got '1' \(a string\)/);
      await expect(s.push([])).rejects.toThrow(/at least 1 sample, got an empty array/);
      await expect(s.push([0.5, Infinity])).rejects.toThrow(/push: samples\[1\] must be a finite number, got Infinity/);
      expect(gpu.sched.counters.dispatches).toBe(before.dispatches);
      expect(gpu.sched.counters.buffersCreated).toBe(before.buffersCreated);
      expect(typeof (await s.push(0.1))).toBe('number'); // the misuse broke nothing
      s.destroy();
      s.destroy(); // idempotent
      expect(s.destroyed).toBe(true);
      await expect(s.push(0.2)).rejects.toThrow(/^ForecastStream\.push\(\) after destroy\(\)$/);
      expect(() => s!.reset()).toThrow(/^ForecastStream\.reset\(\) after destroy\(\)$/);
    } finally {
      f.destroy();
    }
  });

  it('is destroyed with its Forecaster, freeing its buffers', async () => {
    const live = gpu.sched.counters.liveBuffers;
    const f = await Forecaster.create(gpu.sched, series(120), { ...SMALL, cell: 'lstm' });
    const s = await f.stream();
    await s.push(series(60));
    f.destroy();
    expect(s.destroyed).toBe(true);
    await expect(s.push(0.1)).rejects.toThrow(/^ForecastStream\.push\(\) after destroy\(\) of its Forecaster$/);
    await expect(f.stream()).rejects.toThrow(/^Forecaster\.stream\(\) after destroy\(\)$/);
    expect(gpu.sched.counters.liveBuffers).toBe(live);
  });
});
