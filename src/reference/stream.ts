// stream.ts — float64 reference of streaming inference (src/train/stream.ts): the model run
// from zero state over every sample pushed so far, the Linear head on every step, each output
// turned into the next sample. Features per sample t: x̃ = (x_t − μx)/σx and, with two features,
// Δ̃ = (x_t − x_{t−1} − μΔ)/σΔ, where x_{−1} is `previous` or, without it, the raw Δ is 0.
// Predictions: delta target x̂_{t+1} = x_t + σΔ·y_t + μΔ; value target x̂_{t+1} = σx·y_t + μx.
import { recurrentForward } from './recurrent';
import type { Params, RecurrentConfig } from './recurrent';

/** The model, its normalisation and the samples streamReference runs. */
export interface StreamReferenceInput {
  /** The model with a head on every step (headOnLastStepOnly is ignored). inputSize: 1 or 2 features. */
  config: RecurrentConfig;
  params: Params;
  /** [μx, σx, μΔ, σΔ]. */
  stats: readonly number[];
  /** True: the model predicts normalised increments (inputSize 2); false: x̃ → x̃ (inputSize 1). */
  targetDelta: boolean;
  samples: ArrayLike<number>;
  /** The sample before samples[0], if any. */
  previous?: number | null;
}

/** x̂ of the sample after each of `samples`, in the series' units. */
export function streamReference(a: StreamReferenceInput): Float64Array {
  const [mx, sx, md, sd] = a.stats as [number, number, number, number];
  const F = a.config.inputSize;
  const n = a.samples.length;
  const x = new Float64Array(n * F);
  for (let t = 0; t < n; t++) {
    const xt = a.samples[t]!;
    x[t * F] = (xt - mx) / sx;
    const prev = t > 0 ? a.samples[t - 1]! : (a.previous ?? null);
    if (F === 2) x[t * F + 1] = ((prev === null ? 0 : xt - prev) - md) / sd;
  }
  const out = recurrentForward({ ...a.config, headOnLastStepOnly: false }, a.params, { x, batch: 1, seqLen: n }).out;
  return Float64Array.from(out, (y, t) => (a.targetDelta ? a.samples[t]! + sd * y + md : sx * y + mx));
}
