import { describe, expect, it } from 'vitest';
import { batchesPerEpoch, epochOrder, planWindows } from '../../src/data/windows';
import { featuresReference, gatherReference, normStatsReference } from '../../src/reference/windows';

describe('window plans', () => {
  it('the lecture ODE setup: 5000 samples, seq 50 → 4950 windows, 3712 train / 1238 test, chronological', () => {
    const p = planWindows({ rows: 1, samples: 5000, seq: 50, kind: 'next' });
    expect(p.trainStarts.length).toBe(3712);
    expect(p.testStarts.length).toBe(1238);
    expect(p.trainStarts[3711]).toBe(3711);
    expect(p.testStarts[0]).toBe(3712);
    expect(p.testStarts[1237]! + 50).toBe(4999); // the last target is the last sample
    expect(p.statEnd).toBe(3712 + 50); // normalisation never sees a test target
  });

  it('splits every row of an ensemble chronologically', () => {
    const p = planWindows({ rows: 3, samples: 20, seq: 4, kind: 'next' }); // 16 windows per row, 12 train
    expect(p.trainStarts.length).toBe(36);
    expect([...p.testStarts.slice(0, 4)]).toEqual([12, 13, 14, 15]);
    expect([...p.testStarts.slice(4, 6)]).toEqual([32, 33]);
  });

  it('sequence-to-label: one window per trajectory, split by trajectory', () => {
    const p = planWindows({ rows: 8, samples: 30, seq: 30, kind: 'label' });
    expect([...p.trainStarts]).toEqual([0, 30, 60, 90, 120, 150]);
    expect([...p.testStarts]).toEqual([180, 210]);
    expect(p.statRows).toBe(6);
  });

  it('names seq when the data cannot hold it', () => {
    expect(() => planWindows({ rows: 1, samples: 1000, seq: 999, kind: 'next' })).toThrow(/seq 999 is longer than the data allows: 1000 samples .* use seq <= 996/);
    expect(() => planWindows({ rows: 1, samples: 100, seq: 0, kind: 'next' })).toThrow(/seq must be an integer >= 1, got 0/);
    expect(() => planWindows({ rows: 4, samples: 10, seq: 11, kind: 'label' })).toThrow(/seq 11 is longer than the data: each trajectory has 10 samples/);
  });

  it('epoch orders are seeded permutations, different per epoch, identical on replay', () => {
    const starts = Uint32Array.from({ length: 50 }, (_, i) => 3 * i);
    const a = epochOrder(starts, 7, 0);
    expect([...a].sort((x, y) => x - y)).toEqual([...starts]);
    expect([...epochOrder(starts, 7, 0)]).toEqual([...a]);
    expect([...epochOrder(starts, 7, 1)]).not.toEqual([...a]);
    expect([...epochOrder(starts, 8, 0)]).not.toEqual([...a]);
    expect(batchesPerEpoch(3711, 32)).toBe(116);
  });
});

describe('window references', () => {
  it('statistics of a line: mean, population std, constant increments (σΔ = 0 → 1)', () => {
    const series = [0, 2, 4, 6, 8, 100]; // samples past trainEnd are ignored
    const [mx, sx, md, sd] = normStatsReference(series, 6, 1, 5);
    expect(mx).toBe(4);
    expect(sx).toBeCloseTo(Math.sqrt(8), 12);
    expect(md).toBe(2);
    expect(sd).toBe(1);
  });

  it('features, targets and a gathered batch by hand', () => {
    const { feat, tgt } = featuresReference([1, 3, 6, 10], 4, [1, 2, 0, 1, 0, 1], [0, 1], 1);
    expect([...feat]).toEqual([0, 0, 1, 2, 2.5, 3, 4.5, 4]);
    expect([...tgt]).toEqual([0, 2, 3, 4]);
    const g = gatherReference(feat, tgt, [1], 2, 2, 2, false);
    expect([...g.x]).toEqual([1, 2, 2.5, 3, 0, 0, 0, 0]);
    expect([...g.y]).toEqual([4, 0]);
  });

  it('residuals of linear extrapolation by hand: r_s = x_s − 2x_{s−1} + x_{s−2}, the row start repeating x_0', () => {
    // Two rows of a quadratic-plus-cubic series: Δ = 0, 2, 3, 4, 6; r = 0, 2, 1, 1, 2.
    const row = [1, 3, 6, 10, 16];
    const series = [...row, ...row.map((v) => 2 * v)];
    const { feat, tgt } = featuresReference(series, 5, [0, 1, 0, 1, 0, 1], [0, 1, 2], 2);
    expect([...feat.subarray(0, 15)]).toEqual([1, 0, 0, 3, 2, 2, 6, 3, 1, 10, 4, 1, 16, 6, 2]);
    const residualInputs = featuresReference(series, 5, [0, 1, 0, 1, 0, 1], [0, 2], 2).feat;
    expect([...residualInputs.subarray(0, 10)]).toEqual([1, 0, 3, 2, 6, 1, 10, 1, 16, 2]);
    expect([...tgt]).toEqual([0, 2, 1, 1, 2, 0, 4, 2, 2, 4]);
    // Stats over s < 4 of both rows; r over s ≥ 2 only: (1, 1, 2, 2) → mean 1.5, sd 0.5.
    const stats = normStatsReference(series, 5, 2, 4);
    expect(stats[4]).toBe(1.5);
    expect(stats[5]).toBe(0.5);
  });
});
