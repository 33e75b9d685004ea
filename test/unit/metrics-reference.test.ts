import { describe, expect, it } from 'vitest';
import { evaluateReference, metricsOf, toTrajectoryUnits } from '../../src/reference/metrics';
import { metricsFromSums } from '../../src/kernels/metrics';

describe('metrics reference', () => {
  it('MSE, RMSE, MAE and R² by hand', () => {
    const m = metricsOf([1, 2, 5], [1, 3, 3]); // errors 0, −1, 2; truth mean 7/3
    expect(m.mse).toBeCloseTo(5 / 3, 14);
    expect(m.rmse).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(m.mae).toBeCloseTo(1, 14);
    expect(m.r2).toBeCloseTo(1 - 5 / (16 / 9 + 4 / 9 + 4 / 9), 14);
  });

  it('baselines on a parabola: persistence misses by the step, linear by the curvature', () => {
    const series = Array.from({ length: 10 }, (_, i) => i * i);
    const r = evaluateReference(series, [0, 1, 2], 3, [0, 0, 0], [0, 1, 0, 1, 0, 1], 0);
    expect(r.persistence.mse).toBeCloseTo((25 + 49 + 81) / 3, 12); // x_{p+3} − x_{p+2} = 2p + 5
    expect(r.linear.mse).toBeCloseTo(4, 12); // second difference 2
    expect(toTrajectoryUnits(0.5, 3, 0, [0, 1, 0.1, 2, 0, 1], 1)).toBeCloseTo(4.1, 14);
    expect(toTrajectoryUnits(0.5, 3, 0, [1, 2, 0, 1, 0, 1], 0)).toBe(2);
    // Residual: linear extrapolation 2·3 − 1 = 5, plus σr·ŷ + μr = 0.25·0.5 + 0.5.
    expect(toTrajectoryUnits(0.5, 3, 1, [1, 2, 0, 1, 0.5, 0.25], 2)).toBe(5.625);
    // A residual model that predicts the true residual scores zero error on the parabola.
    const exact = evaluateReference(series, [0, 1, 2], 3, [2, 2, 2], [0, 1, 0, 1, 0, 1], 2);
    expect(exact.model.mse).toBe(0);
  });

  it('metricsFromSums recovers R² from shifted sums', () => {
    const truth = [2, 4, 9];
    const k = truth[0]!;
    const sums = [3, 3, 0, 0, 0, 0, truth.reduce((a, t) => a + t - k, 0), truth.reduce((a, t) => a + (t - k) ** 2, 0)];
    const m = metricsFromSums(sums, 3).model;
    expect(m.r2).toBeCloseTo(1 - 3 / (Math.pow(2 - 5, 2) + 1 + 16), 12);
    expect(m.mae).toBe(1);
  });
});
