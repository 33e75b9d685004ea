// windows.test.ts — normalisation, features and minibatch gathering on the GPU against
// src/reference/windows.ts, on trajectories with 2 channels and odd sizes.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { recordFeatures, recordGather, recordGatherLabels, recordNormStats, windowsKernel, type SeriesView } from '../../src/kernels/windows';
import { featuresReference, gatherReference, normStatsReference } from '../../src/reference/windows';
import { planWindows, epochOrder } from '../../src/data/windows';
import { NORM_STATS, termMask } from '../../src/data/targets';
import { Random } from '../../src/util/random';

const gpu = useGpu();

/** R rows of S samples of a smooth random-phase wave, as [R, S, 2] (x, v). */
function trajectory(rows: number, samples: number): { xv: Float32Array; x: Float32Array } {
  const rng = new Random(rows * 31 + samples);
  const xv = new Float32Array(rows * samples * 2);
  const x = new Float32Array(rows * samples);
  for (let r = 0; r < rows; r++) {
    const phase = rng.uniform(0, 6);
    for (let s = 0; s < samples; s++) {
      x[r * samples + s] = 0.3 + Math.sin(0.05 * s + phase);
      xv[(r * samples + s) * 2] = x[r * samples + s]!;
      xv[(r * samples + s) * 2 + 1] = Math.cos(0.05 * s + phase);
    }
  }
  return { xv, x };
}

function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i]! - want[i]!) <= tol)) expect.fail(`[${i}] got ${got[i]}, want ${want[i]}`);
}

describe('windows kernels', () => {
  it.each([
    [1, 301, 17, [0, 1], 1],
    [3, 97, 10, [0], 0],
    [2, 263, 13, [0, 2], 2], // the residual target: x̃, r̃ in, r̃ out
    [1, 50, 7, [0, 1, 2], 2],
  ] as const)('R=%i S=%i T=%i input terms %j, target kind %i: stats, features and a shuffled batch match the reference', async (rows, samples, seq, inputs, kind) => {
    const features = inputs.length;
    await gpu.sched.prepare(windowsKernel);
    const { xv, x } = trajectory(rows, samples);
    const src = gpu.sched.createTensor([rows, samples, 2], 'f32', 'src', xv);
    const series: SeriesView = { src, rows, samples, channels: 2, channel: 0 };
    const plan = planWindows({ rows, samples, seq, kind: 'next' });
    const stats = gpu.sched.createTensor([NORM_STATS], 'f32', 'stats');
    const feat = gpu.sched.createTensor([rows * samples * features], 'f32', 'feat');
    const tgt = gpu.sched.createTensor([rows * samples], 'f32', 'tgt');
    recordNormStats(gpu.sched, series, plan.statRows, plan.statEnd, stats);
    recordFeatures(gpu.sched, series, stats, { feat, tgt }, { features, terms: termMask(inputs), kind });
    const wantStats = normStatsReference(x, samples, plan.statRows, plan.statEnd);
    const [gotStats, gotFeat, gotTgt] = await gpu.sched.readMany([stats, feat, tgt]);
    // Means relative to their std (a mean may be ~0), stds relative to themselves.
    for (let k = 0; k < NORM_STATS; k++) expect(Math.abs(gotStats![k]! - wantStats[k]!)).toBeLessThanOrEqual(1e-4 * wantStats[k | 1]!);
    const ref = featuresReference(x, samples, [...gotStats!], inputs, kind);
    expectNear(gotFeat!, ref.feat, 1e-4);
    expectNear(gotTgt!, ref.tgt, 1e-4);

    const batch = 7;
    const order = epochOrder(plan.trainStarts, 3, 0);
    const starts = gpu.sched.createTensor([order.length], 'u32', 'starts', order);
    const xb = gpu.sched.createTensor([batch, seq, features], 'f32', 'x');
    const yb = gpu.sched.createTensor([batch], 'f32', 'y');
    const offset = order.length - 5; // a partial last batch: rows 5, 6 are zero
    recordGather(gpu.sched, { feat, tgt, starts, offset, count: 5, batch, seq, features, samples, x: xb, y: yb, sequenceTargets: false });
    const [gx, gy, fAll, tAll] = await gpu.sched.readMany([xb, yb, feat, tgt]);
    const want = gatherReference(fAll!, tAll!, order.subarray(offset), batch, seq, features, false);
    expect([...gx!]).toEqual([...want.x]);
    expect([...gy!]).toEqual([...want.y]);
  });

  it('gathers shifted-sequence targets and row labels', async () => {
    await gpu.sched.prepare(windowsKernel);
    const rows = 4;
    const samples = 12;
    const seq = 5;
    const feat = gpu.sched.createTensor([rows * samples], 'f32', 'feat', Float32Array.from({ length: rows * samples }, (_, i) => i));
    const tgt = gpu.sched.createTensor([rows * samples], 'f32', 'tgt', Float32Array.from({ length: rows * samples }, (_, i) => 1000 + i));
    const starts = gpu.sched.createTensor([3], 'u32', 'starts', [13, 36, 2]);
    const x = gpu.sched.createTensor([3, seq, 1], 'f32', 'x');
    const y = gpu.sched.createTensor([3, seq], 'f32', 'y');
    const base = { feat, tgt, starts, offset: 0, count: 3, batch: 3, seq, features: 1, samples, x };
    recordGather(gpu.sched, { ...base, y, sequenceTargets: true });
    const [gy] = await gpu.sched.readMany([y]);
    expect([...gy!.subarray(0, 5)]).toEqual([1014, 1015, 1016, 1017, 1018]);
    const rowLabels = gpu.sched.createTensor([rows], 'u32', 'rowLabels', [2, 0, 1, 2]);
    const labels = gpu.sched.createTensor([3], 'u32', 'labels');
    recordGatherLabels(gpu.sched, { ...base, rowLabels, labels });
    const [gl, gx] = await gpu.sched.readMany([labels, x]);
    expect([...gl!]).toEqual([0, 2, 2]); // p = 13 → row 1, 36 → row 3, 2 → row 0
    expect([...gx!.subarray(5, 10)]).toEqual([36, 37, 38, 39, 40]);
  });
});
