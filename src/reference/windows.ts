// windows.ts — float64 plain-loop reference of shaders/windows.wgsl: normalisation statistics
// over a training span, the per-sample feature and target series, and minibatch gathering.
// series: [R, S] (one channel of a trajectory), row-major; a window starts at p = r·S + s.
// Per sample s of a row: x_s, the increment Δ_s = x_s − x_{s−1} and the residual of linear
// extrapolation r_s = x_s − (2x_{s−1} − x_{s−2}) = Δ_s − Δ_{s−1}, where the samples before a
// row's start repeat its first (Δ_0 = 0, r_0 = 0, r_1 = Δ_1).

/** [x_s, Δ_s, r_s] of flat sample i (s = i mod samples). */
export function sampleTermsReference(series: ArrayLike<number>, samples: number, i: number): [number, number, number] {
  const s = i % samples;
  const at = (k: number) => series[i - Math.min(k, s)]!;
  const d = at(0) - at(1);
  return [at(0), d, d - (at(1) - at(2))];
}

/**
 * (μx, σx, μΔ, σΔ, μr, σr) over rows [0, rows) and samples s < trainEnd (Δ: s ≥ 1; r: s ≥ 2);
 * population std, σ = 0 → 1.
 */
export function normStatsReference(series: ArrayLike<number>, samples: number, rows: number, trainEnd: number): number[] {
  const stats: number[] = [];
  for (let which = 0; which < 3; which++) {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) for (let s = which; s < trainEnd; s++) values.push(sampleTermsReference(series, samples, r * samples + s)[which]!);
    const n = Math.max(values.length, 1);
    const mean = values.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    stats.push(mean, sd === 0 ? 1 : sd);
  }
  return stats;
}

/**
 * feat [R·S, F] (the normalised terms listed in `inputs`, 0 x̃, 1 Δ̃, 2 r̃, in that order) and
 * tgt [R·S] (term `targetKind`); stats [6] as normStatsReference returns them.
 */
export function featuresReference(
  series: ArrayLike<number>,
  samples: number,
  stats: readonly number[],
  inputs: readonly number[],
  targetKind: number,
): { feat: Float64Array; tgt: Float64Array } {
  const n = series.length;
  const features = inputs.length;
  const feat = new Float64Array(n * features);
  const tgt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const scaled = sampleTermsReference(series, samples, i).map((v, k) => (v - stats[2 * k]!) / stats[2 * k + 1]!);
    for (let f = 0; f < features; f++) feat[i * features + f] = scaled[inputs[f]!]!;
    tgt[i] = scaled[targetKind]!;
  }
  return { feat, tgt };
}

/** One minibatch: x [B, T, F]; y [B] (next value) or [B, T] (shifted sequence); rows b ≥ starts.length are 0. */
export function gatherReference(
  feat: ArrayLike<number>,
  tgt: ArrayLike<number>,
  starts: ArrayLike<number>,
  batch: number,
  seq: number,
  features: number,
  sequenceTargets: boolean,
): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(batch * seq * features);
  const y = new Float64Array(sequenceTargets ? batch * seq : batch);
  for (let b = 0; b < Math.min(batch, starts.length); b++) {
    const p = starts[b]!;
    for (let k = 0; k < seq * features; k++) x[b * seq * features + k] = feat[p * features + k]!;
    if (sequenceTargets) for (let t = 0; t < seq; t++) y[b * seq + t] = tgt[p + t + 1]!;
    else y[b] = tgt[p + seq]!;
  }
  return { x, y };
}
