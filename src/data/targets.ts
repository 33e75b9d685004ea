// targets.ts — what a forecasting model sees and predicts, one row per target (the only place
// that knows them): its input terms, its training target, whether the series is normalised,
// the shortest window it needs, and the code the windows / metrics shaders read (target_kind).
// The terms of a sample are x, the increment Δ = x_t − x_{t−1} and the residual of linear
// extrapolation r = x_t − (2x_{t−1} − x_{t−2}); x̃, Δ̃, r̃ are them normalised.
//   value     the lecture's plain setup: raw x in, the next raw x out. Right when the series'
//             scale is already O(1) and you want to reproduce the lecture.
//   delta     (x̃, Δ̃) in, the next increment Δ̃ out, x̂_{t+1} = x_t + σΔ·ŷ + μΔ. Right for
//             general series, noisy or coarsely sampled ones included, where the next value
//             is near the last but not near the straight line through the last two.
//   residual  (x̃, r̃) in, the next residual r̃ out, x̂_{t+1} = x_t + (x_t − x_{t−1}) + σr·ŷ + μr.
//             Right for smooth physical signals sampled finely (an ODE solution at small dt):
//             2x_t − x_{t−1} is already very close, and the network learns only what the
//             classical predictor gets wrong. Δ̃ is left out of the inputs: on a drifting
//             trajectory (a transient, a slow forcing) the velocity leaves the training range
//             first (the main job's test span lies entirely above it), and x̃ and r̃ carry the
//             physics x'' ≈ r/dt² needs.
// Normalisation statistics [6] = (μx, σx, μΔ, σΔ, μr, σr) over the training span (see
// shaders/windows.wgsl); 'value' uses identity statistics.

/** The forecasting targets, by name. */
export const TARGETS = ['delta', 'value', 'residual'] as const;
/** What a forecasting model predicts: 'value', 'delta' or 'residual' (see this file's head). */
export type TargetMode = (typeof TARGETS)[number];

/** A sample's terms: 0 x, 1 Δ, 2 r. */
export type Term = 0 | 1 | 2;

/** One target's row: its input terms, the term it predicts, its normalisation and shortest window. */
export interface TargetSpec {
  /** The terms a model reads per sample, in this order (normalised unless 'value'). */
  inputs: readonly Term[];
  /** shaders' target_kind: 0 x̃, 1 Δ̃, 2 r̃. */
  kind: 0 | 1 | 2;
  /** Normalise with training statistics (else identity statistics: raw data). */
  normalize: boolean;
  /** Shortest window: the residual's inverse needs the window's last two samples. */
  minSeq: number;
  /** What the training loss is measured in (the figure's axis label). */
  lossUnits: string;
}

/** Every target's row (the one table the windows, metrics, stream and esn code read). */
export const TARGET_SPECS: Readonly<Record<TargetMode, TargetSpec>> = {
  value: { inputs: [0], kind: 0, normalize: false, minSeq: 1, lossUnits: 'MSE' },
  delta: { inputs: [0, 1], kind: 1, normalize: true, minSeq: 1, lossUnits: 'MSE (normalised increments)' },
  residual: { inputs: [0, 2], kind: 2, normalize: true, minSeq: 2, lossUnits: 'MSE (normalised residuals of linear extrapolation)' },
};

/** The shaders' `terms` uniform: bit k set when term k is an input (in increasing k). */
export function termMask(inputs: readonly Term[]): number {
  for (let k = 1; k < inputs.length; k++) {
    if (inputs[k]! <= inputs[k - 1]!) throw new Error(`input terms must be increasing, got [${inputs.join(', ')}]`);
  }
  return inputs.reduce((m: number, k) => m | (1 << k), 0);
}

/** Length of the normalisation statistics vector (μ, σ of x, Δ and r). */
export const NORM_STATS = 6;

/** Identity statistics: raw values (target 'value'). */
export const IDENTITY_STATS: readonly number[] = [0, 1, 0, 1, 0, 1];

/**
 * Statistics as saved by a model file: six values, or the four (μx, σx, μΔ, σΔ) that files
 * written before the residual target carry (their models never read r̃).
 */
export function fullStats(stats: readonly number[]): number[] {
  return stats.length === 4 ? [...stats, 0, 1] : [...stats];
}

/** [x, Δ, r] of a sample from it and the two before it (host float64; the shaders' sample_terms). */
export function sampleTerms(now: number, before: number, before2: number): [number, number, number] {
  const d = now - before;
  return [now, d, d - (before - before2)];
}

/** The model inputs of a sample: its terms normalised with stats [6], those `inputs` lists, in order. */
export function inputFeatures(terms: readonly number[], stats: readonly number[], inputs: readonly Term[]): number[] {
  return inputs.map((k) => (terms[k]! - stats[2 * k]!) / stats[2 * k + 1]!);
}

/**
 * A model output ŷ in target units → the next sample, from the window's last two samples
 * (the shaders' target_to_x): kind 0 σx·ŷ + μx, 1 last + σΔ·ŷ + μΔ, 2 2·last − prev + σr·ŷ + μr.
 */
export function targetToSample(yHat: number, last: number, prev: number, stats: readonly number[], kind: 0 | 1 | 2): number {
  if (kind === 1) return last + (stats[3]! * yHat + stats[2]!);
  if (kind === 2) return last + ((last - prev) + (stats[5]! * yHat + stats[4]!));
  return stats[1]! * yHat + stats[0]!;
}
