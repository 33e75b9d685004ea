// esn.test.ts — the echo state network on the GPU against src/reference/esn.ts: reservoir
// steps (dense and sparse W, awkward sizes, several rows at once), spectral-radius scaling
// (the QR algorithm's eigenvalues of the W read back), the readout fitted from the GPU's
// compensated Gram matrix against the normal equations in float64, and a sine generated
// closed-loop for 500 steps.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { EchoStateNetwork, type EsnSpec } from '../../src/esn/esn';
import { ESN_DEFAULTS } from '../../src/esn/config';
import { designRowReference, esnDriveReference, esnGenerateReference, relativeDifference, ridgeReference, spectralRadiusReference } from '../../src/reference/esn';
import type { GpuTensor } from '../../src/gpu/tensor';
import { Random } from '../../src/util/random';
import { esnKernel, recordGramChunk } from '../../src/kernels/esn';
import { EsnForecast } from '../../src/esn/esn-forecast';
import { createWindows } from '../../src/train/session';
import { planWindows } from '../../src/data/windows';
import { describeSeries, gpuSeries } from '../../src/train/forecaster-input';
import { forecastFeatures } from '../../src/train/plan';

const gpu = useGpu();

function spec(over: Partial<EsnSpec>): EsnSpec {
  return { ...ESN_DEFAULTS, features: 1, seed: 3, ...over };
}

function randomInputs(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1.5, 1.5));
}

describe('reservoir steps', () => {
  it.each([
    [1, 1, 1, 1],
    [37, 2, 1, 0.1],
    [130, 3, 0.4, 1],
    [130, 1, 0.7, 0.05],
  ])('N=%i F=%i leak %f density %f: two rows driven at once match the float64 reference', async (units, features, leak, density) => {
    const rows = 2;
    const samples = 23;
    const esn = await EchoStateNetwork.create(gpu.sched, spec({ reservoir: units, features, leak, density, spectralRadius: 0.9, inputScaling: 0.8 }));
    try {
      const inputs = randomInputs(rows * samples * features, units);
      const feat = gpu.sched.createTensor([rows * samples * features], 'f32', 'feat', inputs);
      const z = esn.createDesign(rows * samples);
      esn.recordDrive(feat, z, rows, samples);
      const got = (await gpu.sched.read(z)) as Float32Array;
      const res = await esn.exportReservoir();
      const width = 4 * esn.dz4;
      let worst = 0;
      for (let r = 0; r < rows; r++) {
        const want = esnDriveReference(res, Float64Array.from(inputs.subarray(r * samples * features, (r + 1) * samples * features)), samples);
        for (let t = 0; t < samples; t++) {
          const row = got.subarray((r * samples + t) * width);
          expect(row[0]).toBe(1);
          for (let f = 0; f < features; f++) expect(row[1 + f]).toBe(inputs[(r * samples + t) * features + f]);
          for (let i = 0; i < units; i++) worst = Math.max(worst, Math.abs(row[4 + i]! - want[t * units + i]!));
          for (let i = units; i < 4 * Math.ceil(units / 4); i++) expect(row[4 + i]).toBe(0);
        }
      }
      expect(worst).toBeLessThan(2e-6);
      gpu.sched.destroyBuffer(feat.buffer);
      gpu.sched.destroyBuffer(z.buffer);
    } finally {
      esn.destroy();
    }
  });
});

describe('spectral radius', () => {
  it.each([
    [7, 1, 0.9],
    [61, 1, 1.2],
    [200, 1, 0.95],
    [200, 0.05, 0.8],
    [333, 0.02, 0.9],
  ])('N=%i density %f: W scaled to rho %f within 1e-3 (QR eigenvalues of the W read back)', async (units, density, rho) => {
    const esn = await EchoStateNetwork.create(gpu.sched, spec({ reservoir: units, density, spectralRadius: rho, seed: units }));
    try {
      const { w } = await esn.exportReservoir();
      expect(Math.abs(spectralRadiusReference(w, units) / rho - 1)).toBeLessThan(1e-3);
    } finally {
      esn.destroy();
    }
  });
});

describe('gram chunks', () => {
  it.each([[1, 1], [37, 3], [512, 5]])('rows=%i w4=%i: the compensated (hi, lo) Gram of f32 data near 1 matches float64 far below f32 rounding', async (rows, w4) => {
    await gpu.sched.prepare(esnKernel);
    const width = 4 * w4;
    const rng = new Random(rows + w4);
    const data = Float32Array.from({ length: rows * width }, () => 1 + 1e-3 * rng.normal());
    const chunk = gpu.sched.createTensor([data.length], 'f32', 'chunk', data);
    const hi = gpu.sched.createTensor([width, width], 'f32', 'hi');
    const lo = gpu.sched.createTensor([width, width], 'f32', 'lo');
    const one = gpu.sched.createTensor([1], 'f32', 'one', [1]);
    gpu.sched.clear(hi);
    gpu.sched.clear(lo);
    recordGramChunk(gpu.sched, chunk, rows, w4, { hi, lo, one });
    recordGramChunk(gpu.sched, chunk, rows, w4, { hi, lo, one }); // accumulates a second time
    const [h, l] = await gpu.sched.readMany([hi, lo]);
    let worst = 0;
    for (let i = 0; i < width; i++) {
      for (let j = i; j < width; j++) {
        let want = 0;
        for (let k = 0; k < rows; k++) want += 2 * data[k * width + i]! * data[k * width + j]!;
        worst = Math.max(worst, Math.abs(h![i * width + j]! + l![i * width + j]! - want) / want);
      }
    }
    // Plain f32 sums of 512 such products are off by ~2e-7; the compensated pair by ~1e-8, 2e-8 at
    // 37 rows (lavapipe and SwiftShader alike; the products' own f32 rounding is ~6e-8 each).
    expect(worst).toBeLessThan(rows === 1 ? 1e-7 : 4e-8);
    for (const t of [chunk, hi, lo, one]) gpu.sched.destroyBuffer(t.buffer);
  });
});

describe('readout', () => {
  it.each([
    [29, 2, 1e-3],
    [130, 1, 1e-2],
    [130, 1, 1],
  ])('N=%i F=%i lambda %f: the GPU Gram + host Cholesky match the float64 normal equations', async (units, features, ridge) => {
    const rows = 2;
    const samples = 160;
    const washout = 20;
    const esn = await EchoStateNetwork.create(gpu.sched, spec({ reservoir: units, features, ridge, washout, density: 0.2 }));
    try {
      const inputs = randomInputs(rows * samples * features, 5);
      const targets = Float32Array.from({ length: rows * samples }, (_, i) => Math.sin(0.1 * i) + 0.3 * inputs[i * features]!);
      const feat = gpu.sched.createTensor([inputs.length], 'f32', 'feat', inputs);
      const tgt = gpu.sched.createTensor([targets.length], 'f32', 'tgt', targets);
      const z = esn.createDesign(rows * samples);
      esn.recordDrive(feat, z, rows, samples);
      const end = 140;
      const w = await esn.fit(z, tgt, { rows, samples, end });
      const zs = (await gpu.sched.read(z)) as Float32Array;
      // The reference fits the same design rows (the GPU's states) in float64.
      const d = 1 + features + units;
      const xs: number[] = [];
      const ys: number[] = [];
      const width = 4 * esn.dz4;
      for (let r = 0; r < rows; r++) {
        for (let s = washout; s < end - 1; s++) {
          const row = zs.subarray((r * samples + s) * width);
          xs.push(...designRowReference(row.subarray(1, 1 + features), row.subarray(4, 4 + units)));
          ys.push(targets[r * samples + s + 1]!);
        }
      }
      const want = ridgeReference(xs, ys, ys.length, d, ridge);
      const predGot = ys.map((_, k) => xs.slice(k * d, (k + 1) * d).reduce((a, v, j) => a + v * w[j]!, 0));
      const predWant = ys.map((_, k) => xs.slice(k * d, (k + 1) * d).reduce((a, v, j) => a + v * want[j]!, 0));
      // The Gram matrix of the f32 products, its sums compensated, the centring undone exactly:
      // the predictions of these ill-conditioned fits agree to 2e-6, their weights to 2e-4
      // (measured on lavapipe: at most 4.3e-7 and 3.9e-6; taking the centres for the exact column
      // means gave predictions 2.9e-6 away, plain f32 sums 5e-5 and weights 2.2e-3).
      expect(relativeDifference(predGot, predWant)).toBeLessThan(2e-6);
      expect(relativeDifference(w, want)).toBeLessThan(2e-4);
      for (const t of [feat, tgt, z]) gpu.sched.destroyBuffer(t.buffer);
    } finally {
      esn.destroy();
    }
  });
});

describe('closed loop', () => {
  it('fits a sine well enough to generate it closed-loop for 500 steps', async () => {
    const samples = 1200;
    const period = 37.3;
    const series = Float32Array.from({ length: samples }, (_, s) => Math.sin((2 * Math.PI * s) / period));
    const source = describeSeries(series);
    const traj = gpuSeries(gpu.sched, source);
    const windows = await createWindows(gpu.sched, traj, planWindows({ rows: 1, samples, seq: 10, kind: 'next' }), forecastFeatures('value'));
    const esn = await EsnForecast.create(gpu.sched, windows, { ...ESN_DEFAULTS, reservoir: 200, spectralRadius: 0.9, leak: 1, ridge: 1e-2, density: 0.1, washout: 100, inputScaling: 0.5 }, 5);
    try {
      await esn.fit();
      const { evaluation } = await esn.evaluate('test');
      expect(evaluation.model.mse).toBeLessThan(1e-5);
      const start = windows.plan.trainPerRow;
      const gen = await esn.rollout(500, start);
      let worst = 0;
      for (let k = 0; k < 500; k++) worst = Math.max(worst, Math.abs(gen[k]! - Math.sin((2 * Math.PI * (start + 10 + k)) / period)));
      expect(worst).toBeLessThan(0.02); // measured on lavapipe: 0.0027
    } finally {
      esn.destroy();
      windows.destroy();
      traj.destroy();
    }
  });
});

describe('readout and closed-loop generation', () => {
  it('N=37, target delta: the readout kernel and 25 generated steps match the float64 reference', async () => {
    const samples = 600;
    const series = Float32Array.from({ length: samples }, (_, s) => Math.sin(s / 9) + 0.3 * Math.sin(s / 23));
    const traj = gpuSeries(gpu.sched, describeSeries(series));
    const windows = await createWindows(gpu.sched, traj, planWindows({ rows: 1, samples, seq: 10, kind: 'next' }), forecastFeatures('delta'));
    const esn = await EsnForecast.create(gpu.sched, windows, { ...ESN_DEFAULTS, reservoir: 37, density: 0.3, leak: 0.5, ridge: 1e-2, washout: 40, inputScaling: 0.4 }, 11);
    try {
      await esn.fit();
      const res = await esn.esn.exportReservoir();
      const wout = Float64Array.from(esn.esn.readout!, Math.fround); // the GPU's float32 readout
      const z = (await gpu.sched.read((esn as unknown as { z: GpuTensor }).z)) as Float32Array;
      const width = 4 * esn.esn.dz4;
      const row = (p: number) => ({ inputs: z.subarray(p * width + 1, p * width + 1 + res.features), state: z.subarray(p * width + 4, p * width + 4 + res.units) });
      // The readout of three windows: design row start + seq − 1 against the host dot product.
      const starts = Uint32Array.of(0, 101, 577);
      const got = await esn.readoutAt(starts);
      starts.forEach((s, k) => {
        const r = row(s + 9);
        const want = designRowReference(r.inputs, r.state).reduce((a, v, d) => a + v * wout[d]!, 0);
        expect(Math.abs(got[k]! - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      });
      // Generation from the first test window (seed: design row trainPerRow + seq − 1).
      const seedRow = windows.plan.trainPerRow + 9;
      const stats = await windows.readStats();
      const gen = await esn.rollout(25);
      const want = esnGenerateReference(res, wout, { ...row(seedRow), last: series[seedRow]!, prev: series[seedRow - 1]! }, stats, 1, [0, 1], 25);
      for (let k = 0; k < 25; k++) expect(Math.abs(gen[k]! - want[k]!)).toBeLessThanOrEqual(1e-4);
    } finally {
      esn.destroy();
      windows.destroy();
      traj.destroy();
    }
  });
});
