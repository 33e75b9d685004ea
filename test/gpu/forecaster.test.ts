// forecaster.test.ts — the high-level Forecaster API (src/train/forecaster.ts) on the adapter
// Node finds: bad options fail naming the option before any GPU work; a host series trains
// (the loss falls) and its evaluation agrees with the metrics recomputed on the host from the
// returned predictions, and forecast() from host samples equals the closed loop from the same
// window; a multi-oscillator trajectory trains and rolls out; destroy() frees
// everything the Forecaster made and nothing it was lent.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { Forecaster, type ForecasterOptions } from '../../src/train/forecaster';
import { simulate } from '../../src/physics/simulate';
import { esn, type EsnForecast } from '../../src/echo-state';

const gpu = useGpu();
const SMALL: ForecasterOptions = { cell: 'gru', hidden: 8, layers: 1, seq: 12, batch: 16, lr: 0.01, seed: 3 };

/** Bytes with one ASCII string replaced by another of the same length (which must occur). */
function replaceAscii(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const text = Array.from(bytes, (c) => String.fromCharCode(c)).join('');
  const at = text.indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`replaceAscii: '${from}' not found`);
  const out = bytes.slice();
  for (let i = 0; i < to.length; i++) out[at + i] = to.charCodeAt(i);
  return out;
}

/** A damped sine of n samples. */
function series(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.exp(-i / 400) * Math.sin(i / 7));
}

describe('Forecaster', () => {
  it.each([
    [{ cell: 'tcn' }, /cell must be one of 'rnn', 'lstm', 'gru', 'esn', got 'tcn' \(a string\)/],
    [{ hidden: '16' }, /hidden must be an integer >= 1, got '16' \(a string\)/],
    [{ cell: 'esn', reservoir: 0 }, /Forecaster: reservoir must be an integer in \[1, 4096\], got 0/],
    [{ cell: 'esn', leak: 1.5 }, /Forecaster: leak must be a finite number > 0 and <= 1, got 1.5/],
    [{ hidden: 0 }, /hidden must be an integer >= 1, got 0/],
    [{ seq: 2.5 }, /seq must be an integer >= 1, got 2.5/],
    [{ lr: -1 }, /lr must be a finite number > 0, got -1/],
    [{ clip: 0 }, /clip must be a finite number > 0 or null, got 0/],
    [{ target: 'raw' }, /target must be one of 'delta', 'value', 'residual', got 'raw' \(a string\)/],
    [{ target: 'residual', seq: 1 }, /target 'residual' needs seq >= 2, got 1/],
    [{ trainFraction: 1 }, /trainFraction must be in \(0, 1\), got 1/],
    [{ epochs: 3 }, /unknown option 'epochs'/],
    [{ dropout: 1 }, /dropout must be a finite number >= 0 and < 1, got 1/],
    [null, /options must be an object, got null/],
    [{ seq: 199 }, /seq 199 is longer than the data allows: 200 samples/],
  ] as [Record<string, unknown>, RegExp][])('%j fails before any GPU work', async (options, message) => {
    const before = { ...gpu.sched.counters };
    await expect(Forecaster.create(gpu.sched, series(200), options as ForecasterOptions)).rejects.toThrow(message);
    expect(gpu.sched.counters.dispatches).toBe(before.dispatches);
    expect(gpu.sched.counters.buffersCreated).toBe(before.buffersCreated);
  });

  it('dropout trains with masks (another run than without) but evaluates without them', async () => {
    const x = series(400);
    const runs = await Promise.all([0, 0.5].map(async (dropout) => {
      const f = await Forecaster.create(gpu.sched, x, { ...SMALL, layers: 2, dropout });
      try {
        const [r] = await f.fit(1);
        const a = await f.evaluate('test');
        const b = await f.evaluate('test');
        expect(b.predictions).toEqual(a.predictions); // no dropout in evaluation: the same numbers twice
        return { loss: r!.trainLoss, options: f.options };
      } finally {
        f.destroy();
      }
    }));
    expect(runs[1]!.loss).not.toBe(runs[0]!.loss);
    expect(runs[1]!.options.dropout).toBe(0.5);
  });

  it('rejects a non-finite sample, naming its index', async () => {
    const s = series(100);
    s[41] = NaN;
    await expect(Forecaster.create(gpu.sched, s, SMALL)).rejects.toThrow(/series\[41\] is NaN/);
  });

  it('trains on a host series; evaluate() agrees with the metrics recomputed from its predictions', async () => {
    const x = series(260);
    const f = await Forecaster.create(gpu.sched, x, SMALL);
    try {
      const seen: number[] = [];
      const reports = await f.fit(6, (r) => void seen.push(r.epoch));
      expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
      expect(f.epoch).toBe(6);
      expect(reports[0]!.trainLoss / reports[5]!.trainLoss).toBeGreaterThan(5);
      const { evaluation, predictions } = await f.evaluate('test');
      const { testStarts, seq } = f.plan;
      expect(predictions).toHaveLength(testStarts.length);
      let se = 0;
      let sePersistence = 0;
      testStarts.forEach((start, k) => {
        se += (predictions[k]! - x[start + seq]!) ** 2;
        sePersistence += (x[start + seq - 1]! - x[start + seq]!) ** 2;
      });
      expect(evaluation.model.mse).toBeCloseTo(se / testStarts.length, 7);
      expect(evaluation.persistence.mse).toBeCloseTo(sePersistence / testStarts.length, 7);
      expect((await f.evaluate('train')).predictions).toHaveLength(f.plan.trainStarts.length);
      await expect(f.fit(0)).rejects.toThrow(/epochs must be an integer >= 1, got 0/);
      // forecast() from the samples up to the first test window's end is rollout() from that window.
      const { trainPerRow } = f.plan;
      const closed = await f.rollout(7);
      expect(await f.forecast(x.subarray(0, trainPerRow + seq), 7)).toEqual(closed);
      expect(await f.forecast(Array.from(x.subarray(0, trainPerRow + seq)))).toEqual(closed.subarray(0, 1));
      await expect(f.forecast(x.subarray(0, seq - 1))).rejects.toThrow(/recent must hold at least seq = 12 samples, got 11/);
      await expect(f.forecast(x, 0)).rejects.toThrow(/steps must be an integer >= 1, got 0/);
    } finally {
      f.destroy();
    }
  });

  it('save() then load() forecasts exactly as the original, with or without a series; load checks its input', async () => {
    const x = series(240);
    const f = await Forecaster.create(gpu.sched, x, { ...SMALL, cell: 'lstm' });
    try {
      await f.fit(2);
      const recent = x.subarray(0, 150);
      const want = await f.forecast(recent, 6);
      const file = await f.save();
      const bare = await Forecaster.load(gpu.sched, file);
      try {
        expect(await bare.forecast(recent, 6)).toEqual(want);
        await expect(bare.fit(1)).rejects.toThrow(/loaded without a series, so only forecast\(\) and save\(\) work/);
        await expect(bare.evaluate()).rejects.toThrow(/loaded without a series/);
      } finally {
        bare.destroy();
      }
      const withSeries = await Forecaster.load(gpu.sched, file, x, { lr: 0.001 });
      try {
        expect(await withSeries.forecast(recent, 6)).toEqual(want);
        expect((await withSeries.evaluate()).evaluation).toEqual((await f.evaluate()).evaluation);
        expect(withSeries.options.lr).toBe(0.001);
        await withSeries.fit(1); // trains on: Adam starts afresh
      } finally {
        withSeries.destroy();
      }
      await expect(Forecaster.load(gpu.sched, file, x, { hidden: 4 } as object)).rejects.toThrow(/'hidden' is fixed by the file/);
      const plain = await f.model.toSafetensors();
      await expect(Forecaster.load(gpu.sched, plain)).rejects.toThrow(/not a Forecaster file/);
      await expect(Forecaster.load(gpu.sched, new Uint8Array([1, 2, 3]))).rejects.toThrow(/safetensors/);
      // A file whose options claim H = 8 over weights of H = 5 fails on the tensors, before any GPU work.
      const other = await Forecaster.create(gpu.sched, x, { ...SMALL, cell: 'lstm', hidden: 5 });
      const claims8 = replaceAscii(await other.save(), 'hidden\\":5', 'hidden\\":8');
      other.destroy();
      const created = gpu.sched.counters.buffersCreated;
      await expect(Forecaster.load(gpu.sched, claims8)).rejects.toThrow(/weight_hh_l0/);
      expect(gpu.sched.counters.buffersCreated).toBe(created);
    } finally {
      f.destroy();
    }
  });

  it('destroy() frees what it made: a second train-evaluate-rollout cycle leaves no more live buffers than the first', async () => {
    const liveAfterCycle: number[] = [];
    for (let cycle = 0; cycle < 2; cycle++) {
      const f = await Forecaster.create(gpu.sched, series(200), SMALL);
      await f.fit(1);
      await f.evaluate();
      await f.rollout();
      f.destroy();
      liveAfterCycle.push(gpu.sched.counters.liveBuffers); // the first cycle may grow shared pools
    }
    expect(liveAfterCycle[1]).toBe(liveAfterCycle[0]);
  });

  it('trains on a simulate() trajectory of several oscillators and rolls out over the test span', async () => {
    const params = [1, 2, 3].map((k) => ({ m: 1, c: 0.2, k, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 }));
    const trajectory = await simulate(gpu.sched, { params, dt: 0.02, steps: 3000, recordEvery: 20, integrator: 'rk4', velocity: true });
    const live = gpu.sched.counters.liveBuffers;
    const f = await Forecaster.create(gpu.sched, trajectory, { ...SMALL, cell: 'lstm', maxEpochs: 3 });
    try {
      expect(f.plan.rows).toBe(3);
      const reports = await f.fit(3);
      expect(reports.every((r) => Number.isFinite(r.trainLoss) && Number.isFinite(r.testLoss))).toBe(true);
      await expect(f.fit(1)).rejects.toThrow(/past maxEpochs 3/);
      const span = f.plan.windowsPerRow - f.plan.trainPerRow;
      const closed = await f.rollout();
      expect(closed).toHaveLength(span);
      expect(closed.every(Number.isFinite)).toBe(true);
      expect(await f.rollout(5)).toEqual(closed.slice(0, 5));
      await expect(f.rollout(span + 1)).rejects.toThrow(new RegExp(`steps must be an integer in \\[1, ${span}\\]`));
    } finally {
      f.destroy();
    }
    expect(gpu.sched.counters.liveBuffers).toBe(live); // the lent trajectory is still there
    expect((await trajectory.read()).length).toBe(3 * trajectory.samples * 2);
    trajectory.destroy();
  });

  it("target 'residual': a short run on a finely sampled trajectory beats linear extrapolation; forecast() is the closed loop", async () => {
    const params = [{ m: 1, c: 0.4, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 }];
    const trajectory = await simulate(gpu.sched, { params, dt: 0.01, steps: 1600, recordEvery: 1, integrator: 'rk4' });
    const x = (await trajectory.read()) as Float32Array;
    const f = await Forecaster.create(gpu.sched, trajectory, { ...SMALL, target: 'residual', seq: 10, lr: 0.005 });
    try {
      await f.fit(3);
      const { evaluation } = await f.evaluate('test');
      expect(evaluation.model.mse).toBeLessThan(0.5 * evaluation.linear.mse);
      const { trainPerRow, seq } = f.plan;
      const closed = await f.rollout(5);
      expect(await f.forecast(x.subarray(0, trainPerRow + seq), 5)).toEqual(closed);
    } finally {
      f.destroy();
      trajectory.destroy();
    }
  });

  it("cell 'esn': fit once, evaluate, roll out, forecast; save() then load() forecasts exactly as the original", async () => {
    Forecaster.use(esn);
    const x = series(900);
    // density 0.15: K = 9 non-zeros per row in ELL rows of 12 entries (the file keeps the 9).
    const options: ForecasterOptions = { cell: 'esn', seq: 12, target: 'delta', reservoir: 60, density: 0.15, ridge: 1e-2, washout: 50, inputScaling: 0.3 };
    const f = await Forecaster.create(gpu.sched, x, options);
    try {
      await expect(f.evaluate()).rejects.toThrow(/fit\(\) first/);
      expect(() => f.model).toThrow(/cell 'esn' has no RecurrentModel/);
      const reports = await f.fit(1);
      expect(reports).toHaveLength(1);
      expect(f.epoch).toBe(1);
      expect((f.echoState as EsnForecast).esn.spec.reservoir).toBe(60);
      const { evaluation, predictions } = await f.evaluate('test');
      expect(predictions).toHaveLength(f.plan.testStarts.length);
      expect(evaluation.model.mse).toBeLessThan(evaluation.persistence.mse);
      const { trainPerRow, seq } = f.plan;
      const closed = await f.rollout(9);
      // Driven from sample 0 to the same sample, the reservoir is in the same state: the same closed loop.
      expect(await f.forecast(x.subarray(0, trainPerRow + seq), 9)).toEqual(closed);
      const file = await f.save();
      const bare = await Forecaster.load(gpu.sched, file);
      try {
        expect(bare.options).toMatchObject({ cell: 'esn', reservoir: 60, density: 0.15, target: 'delta' });
        expect(await bare.forecast(x.subarray(0, 400), 6)).toEqual(await f.forecast(x.subarray(0, 400), 6));
      } finally {
        bare.destroy();
      }
      const withSeries = await Forecaster.load(gpu.sched, file, x);
      try {
        expect((await withSeries.evaluate()).predictions).toEqual(predictions);
      } finally {
        withSeries.destroy();
      }
    } finally {
      f.destroy();
    }
  });

  it("cell 'esn' takes no minibatches: a batch larger than the training windows is no error", async () => {
    Forecaster.use(esn);
    const f = await Forecaster.create(gpu.sched, series(160), { cell: 'esn', seq: 12, reservoir: 30, washout: 20, batch: 5000 });
    try {
      expect(f.plan.trainStarts.length).toBeLessThan(5000);
      await f.fit(1);
      expect(Number.isFinite((await f.evaluate()).evaluation.model.mse)).toBe(true);
    } finally {
      f.destroy();
    }
  });
});
