// windows.ts — float64 plain-loop reference of shaders/windows.wgsl: normalisation statistics
// over a training span, the per-sample feature and target series, and minibatch gathering.
// series: [R, S] (one channel of a trajectory), row-major; a window starts at p = r·S + s.

/** (μx, σx, μΔ, σΔ) over rows [0, rows) and samples s < trainEnd (Δ: 1 ≤ s < trainEnd); σ = 0 → 1. */
export function normStatsReference(series: ArrayLike<number>, samples: number, rows: number, trainEnd: number): [number, number, number, number] {
  let sx = 0;
  let sd = 0;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < trainEnd; s++) {
      sx += series[r * samples + s]!;
      if (s > 0) sd += series[r * samples + s]! - series[r * samples + s - 1]!;
    }
  }
  const nx = rows * trainEnd;
  const nd = Math.max(rows * (trainEnd - 1), 1);
  const mx = sx / nx;
  const md = sd / nd;
  let vx = 0;
  let vd = 0;
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < trainEnd; s++) {
      vx += (series[r * samples + s]! - mx) ** 2;
      if (s > 0) vd += (series[r * samples + s]! - series[r * samples + s - 1]! - md) ** 2;
    }
  }
  const sdx = Math.sqrt(vx / nx);
  const sdd = Math.sqrt(vd / nd);
  return [mx, sdx === 0 ? 1 : sdx, md, sdd === 0 ? 1 : sdd];
}

/** feat [R·S, F] (F = 1: x̃; F = 2: x̃, Δ̃ with Δ_0 = 0) and tgt [R·S] (x̃, or Δ̃ when targetDelta). */
export function featuresReference(
  series: ArrayLike<number>,
  samples: number,
  stats: readonly number[],
  features: 1 | 2,
  targetDelta: boolean,
): { feat: Float64Array; tgt: Float64Array } {
  const n = series.length;
  const feat = new Float64Array(n * features);
  const tgt = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = i % samples;
    const d = s > 0 ? series[i]! - series[i - 1]! : 0;
    const xn = (series[i]! - stats[0]!) / stats[1]!;
    const dn = (d - stats[2]!) / stats[3]!;
    feat[i * features] = xn;
    if (features === 2) feat[i * 2 + 1] = dn;
    tgt[i] = targetDelta ? dn : xn;
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
