// metrics.ts — float64 reference of shaders/metrics.wgsl's evaluation: model predictions
// mapped back to trajectory units, and MSE / RMSE / MAE / R² for the model and for the
// persistence (x̂_{t+1} = x_t) and linear-extrapolation (x̂_{t+1} = 2x_t − x_{t−1}) baselines,
// all on the same test windows. series: one channel [R·S]; starts: window starts p.

/** Forecast error metrics over a test set. */
export interface Metrics {
  /** Mean squared error. */
  mse: number;
  /** Root mean squared error (same units as the series). */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
  /** Coefficient of determination R² (1 is perfect, 0 is the mean's). */
  r2: number;
}

export interface EvalResult {
  /** Model predictions in trajectory units, one per window. */
  pred: Float64Array;
  model: Metrics;
  persistence: Metrics;
  linear: Metrics;
}

/** Metrics of predictions against the truth (R² = 1 − SS_res / SS_tot). */
export function metricsOf(pred: ArrayLike<number>, truth: ArrayLike<number>): Metrics {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]! / n;
  let se = 0;
  let ae = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const e = pred[i]! - truth[i]!;
    se += e * e;
    ae += Math.abs(e);
    tot += (truth[i]! - mean) ** 2;
  }
  return { mse: se / n, rmse: Math.sqrt(se / n), mae: ae / n, r2: 1 - se / tot };
}

/**
 * Model output ŷ (target units) → x̂ given the window's last two samples; targetKind 0 (values):
 * σx·ŷ + μx; 1 (increments): last + σΔ·ŷ + μΔ; 2 (residuals of linear extrapolation):
 * 2·last − prev + σr·ŷ + μr. stats [6] = (μx, σx, μΔ, σΔ, μr, σr).
 */
export function toTrajectoryUnits(yHat: number, last: number, prev: number, stats: readonly number[], targetKind: 0 | 1 | 2): number {
  if (targetKind === 1) return last + stats[3]! * yHat + stats[2]!;
  if (targetKind === 2) return 2 * last - prev + stats[5]! * yHat + stats[4]!;
  return stats[1]! * yHat + stats[0]!;
}

/** Evaluates one prediction per window (out[i]) against x_{p+T}. */
export function evaluateReference(
  series: ArrayLike<number>,
  starts: ArrayLike<number>,
  seq: number,
  out: ArrayLike<number>,
  stats: readonly number[],
  targetKind: 0 | 1 | 2,
): EvalResult {
  const n = starts.length;
  const truth = new Float64Array(n);
  const pred = new Float64Array(n);
  const persist = new Float64Array(n);
  const linear = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = starts[i]!;
    const last = series[p + seq - 1]!;
    const prev = seq >= 2 ? series[p + seq - 2]! : last;
    truth[i] = series[p + seq]!;
    pred[i] = toTrajectoryUnits(out[i]!, last, prev, stats, targetKind);
    persist[i] = last;
    linear[i] = 2 * last - prev;
  }
  return { pred, model: metricsOf(pred, truth), persistence: metricsOf(persist, truth), linear: metricsOf(linear, truth) };
}
