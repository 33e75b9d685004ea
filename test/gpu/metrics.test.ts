// metrics.test.ts — GPU evaluation (model + baselines), accumulators and rollout steps
// against src/reference/metrics.ts and src/reference/losses.ts.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import {
  createEvalBuffers, metricsKernel, readEvaluation, recordEvaluation, recordLabelAccumulate,
  recordRolloutAppend, recordRolloutInit, recordRolloutWindow, recordSqErrAccumulate,
} from '../../src/kernels/metrics';
import { evaluateReference, toTrajectoryUnits, type Metrics } from '../../src/reference/metrics';
import { crossEntropyLoss } from '../../src/reference/losses';
import { planWindows } from '../../src/data/windows';
import { termMask } from '../../src/data/targets';
import { Random } from '../../src/util/random';

const gpu = useGpu();

function expectMetrics(got: Metrics, want: Metrics): void {
  expect(Math.abs(got.mse - want.mse)).toBeLessThanOrEqual(1e-4 * want.mse);
  expect(Math.abs(got.mae - want.mae)).toBeLessThanOrEqual(1e-4 * want.mae);
  expect(Math.abs(got.r2 - want.r2)).toBeLessThanOrEqual(1e-4 * (1 - want.r2) + 1e-7);
}

describe('evaluation', () => {
  it.each([
    [0, 1, 0],
    [1, 3, 2],
    [2, 1, 0],
  ] as const)('target kind %i, out stride %i: model, persistence and linear metrics match the reference', async (kind, stride, offset) => {
    await gpu.sched.prepare(metricsKernel);
    const rows = 2;
    const samples = 700; // 2 × (700 − 20) windows: test windows span several workgroups
    const seq = 20;
    const rng = new Random(9);
    const series = new Float32Array(rows * samples);
    for (let i = 0; i < series.length; i++) series[i] = Math.sin(0.01 * i) + 0.5 + 1e-3 * rng.normal();
    const plan = planWindows({ rows, samples, seq, kind: 'next' });
    const n = plan.testStarts.length;
    const stats = [0.4, 0.8, 0.001, 0.01, 2e-6, 3e-5];
    const out = new Float32Array(n * stride);
    for (let i = 0; i < n; i++) out[i * stride + offset] = 0.3 * rng.normal();
    const src = gpu.sched.createTensor([rows, samples, 1], 'f32', 'src', series);
    const statsT = gpu.sched.createTensor([6], 'f32', 'stats', stats);
    const starts = gpu.sched.createTensor([n], 'u32', 'starts', plan.testStarts);
    const outT = gpu.sched.createTensor([n * stride], 'f32', 'out', out);
    const bufs = createEvalBuffers(gpu.sched, n);
    const view = { src, rows, samples, channels: 1, channel: 0 };
    recordEvaluation(gpu.sched, view, statsT, starts, seq, { out: outT, stride, offset }, kind, bufs);
    const { evaluation, pred } = await readEvaluation(gpu.sched, bufs);
    const picked = Float32Array.from({ length: n }, (_, i) => out[i * stride + offset]!);
    const want = evaluateReference(Float64Array.from(series), plan.testStarts, seq, picked, stats.map(Math.fround), kind);
    for (let i = 0; i < n; i++) expect(Math.abs(pred[i]! - want.pred[i]!)).toBeLessThanOrEqual(1e-6);
    expectMetrics(evaluation.model, want.model);
    expectMetrics(evaluation.persistence, want.persistence);
    expectMetrics(evaluation.linear, want.linear);
  });
});

describe('accumulators', () => {
  it('sum squared errors and counts over several calls', async () => {
    await gpu.sched.prepare(metricsKernel);
    const out = gpu.sched.createTensor([6], 'f32', 'out', [1, 2, 3, 4, 5, 6]);
    const y = gpu.sched.createTensor([3], 'f32', 'y', [0, 0, 1]);
    const acc = gpu.sched.createTensor([4], 'f32', 'acc', [0, 0, 0, 0]);
    recordSqErrAccumulate(gpu.sched, { out, stride: 2, offset: 1 }, y, 3, acc, 2); // (2, 4, 6) vs (0, 0, 1): 4 + 16 + 25
    recordSqErrAccumulate(gpu.sched, { out, stride: 1, offset: 0 }, y, 2, acc, 2); // (1, 2) vs (0, 0): 1 + 4
    expect([...(await gpu.sched.read(acc))]).toEqual([0, 0, 50, 5]);
  });

  it('cross-entropy and accuracy of logits match the reference', async () => {
    await gpu.sched.prepare(metricsKernel);
    const rng = new Random(4);
    const rows = 301;
    const logits = Float32Array.from({ length: rows * 3 }, () => 2 * rng.normal());
    const labels = Uint32Array.from({ length: rows }, () => rng.int(3));
    const acc = gpu.sched.createTensor([3], 'f32', 'acc', [0, 0, 0]);
    recordLabelAccumulate(gpu.sched, gpu.sched.createTensor([rows * 3], 'f32', 'l', logits), gpu.sched.createTensor([rows], 'u32', 'lab', labels), rows, 3, acc, 0);
    const [ce, correct, count] = await gpu.sched.read(acc);
    const want = crossEntropyLoss(Float64Array.from(logits), labels, 3).loss;
    let right = 0;
    for (let i = 0; i < rows; i++) {
      const row = [...logits.subarray(3 * i, 3 * i + 3)];
      if (row.indexOf(Math.max(...row)) === labels[i]) right++;
    }
    expect(ce! / rows).toBeCloseTo(want, 5);
    expect(correct).toBe(right);
    expect(count).toBe(rows);
  });
});

describe('rollout steps', () => {
  it.each([
    [[0, 1], 1, [0.5, 2, 0.1, 0.05, 0, 1]],
    [[0, 1, 2], 2, [0.5, 2, 0.1, 0.05, 0.01, 0.02]],
    [[0, 2], 2, [0.5, 2, 0.1, 0.05, 0.01, 0.02]],
  ] as const)('input terms %j, target kind %i: seed, window and append follow the closed loop', async (inputs, kind, stats) => {
    const features = inputs.length;
    await gpu.sched.prepare(metricsKernel);
    const samples = 40;
    const seq = 4;
    const series = Float32Array.from({ length: 2 * samples }, (_, i) => 0.1 * i + 0.01 * (i % 3));
    const src = gpu.sched.createTensor([2, samples, 1], 'f32', 'src', series);
    const statsT = gpu.sched.createTensor([6], 'f32', 'stats', stats);
    const hist = gpu.sched.createTensor([seq + 4], 'f32', 'hist');
    const xIn = gpu.sched.createTensor([1, seq, features], 'f32', 'xIn');
    const out = gpu.sched.createTensor([2], 'f32', 'out', [7, 0.5]);
    const args = { series: { src, rows: 2, samples, channels: 1, channel: 0 }, stats: statsT, hist, xIn, seq, features, terms: termMask(inputs), start: 10, targetKind: kind };
    recordRolloutInit(gpu.sched, args); // hist[0..5] = x_8 .. x_13
    recordRolloutAppend(gpu.sched, args, 0, out, 1); // hist[6] from out[1] and hist[4], hist[5]
    recordRolloutWindow(gpu.sched, args, 1); // window hist[3..6]; Δ against hist[2..5], r against hist[1..4]
    const [h, x] = await gpu.sched.readMany([hist, xIn]);
    const h64 = Array.from(series.subarray(8, 14));
    h64.push(toTrajectoryUnits(0.5, h64[5]!, h64[4]!, stats, kind));
    for (let j = 0; j < 7; j++) expect(h[j]).toBeCloseTo(h64[j]!, 6);
    for (let t = 0; t < seq; t++) {
      const [x0, x1, x2] = [h64[t + 3]!, h64[t + 2]!, h64[t + 1]!];
      const want = [(x0 - stats[0]) / stats[1], (x0 - x1 - stats[2]) / stats[3], (x0 - 2 * x1 + x2 - stats[4]) / stats[5]];
      for (let f = 0; f < features; f++) {
        const w = want[inputs[f]!]!;
        expect(Math.abs(x![t * features + f]! - w)).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(w)));
      }
    }
    // At a row's first samples there is no earlier x: the seed repeats the row's first.
    recordRolloutInit(gpu.sched, { ...args, start: samples });
    const h2 = await gpu.sched.read(hist);
    expect([h2[0], h2[1]]).toEqual([h2[2], h2[2]]);
    recordRolloutInit(gpu.sched, { ...args, start: samples + 1 });
    const h3 = await gpu.sched.read(hist);
    expect([h3[0], h3[1], h3[2]]).toEqual([series[samples], series[samples], series[samples + 1]]);
  });
});
