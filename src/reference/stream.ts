// stream.ts — float64 reference of streaming inference (src/train/stream.ts): the model run
// from zero state over every sample pushed so far, the Linear head on every step, each output
// turned into the next sample. Per sample t, the terms x_t, Δ_t = x_t − x_{t−1} and the residual
// r_t = Δ_t − Δ_{t−1}, where the samples before the first are `previous` (the last one or two,
// oldest first) or, where not given, repeat the first; the model reads the normalised terms its
// target lists (value: x̃; delta: x̃, Δ̃; residual: x̃, r̃ — src/data/targets.ts). Predictions:
// value σx·y + μx; delta x_t + σΔ·y + μΔ; residual 2x_t − x_{t−1} + σr·y + μr.
import { recurrentForward } from './recurrent';
import type { Params, RecurrentConfig } from './recurrent';

/** The model, its normalisation and the samples streamReference runs. */
export interface StreamReferenceInput {
  /** The model with a head on every step (headOnLastStepOnly is ignored); inputSize: the target's inputs. */
  config: RecurrentConfig;
  params: Params;
  /** [μx, σx, μΔ, σΔ, μr, σr]. */
  stats: readonly number[];
  target: 'value' | 'delta' | 'residual';
  samples: ArrayLike<number>;
  /** The sample (or two, oldest first) before samples[0], if any. */
  previous?: number | readonly number[] | null;
}

const INPUTS = { value: [0], delta: [0, 1], residual: [0, 2] } as const;

/** x̂ of the sample after each of `samples`, in the series' units. */
export function streamReference(a: StreamReferenceInput): Float64Array {
  const before = a.previous === undefined || a.previous === null ? [] : typeof a.previous === 'number' ? [a.previous] : [...a.previous];
  const all = [...before, ...Array.from(a.samples)];
  const at = (i: number) => all[Math.max(0, i)]!;
  const inputs = INPUTS[a.target];
  const n = a.samples.length;
  const x = new Float64Array(n * inputs.length);
  const terms = (i: number) => [at(i), at(i) - at(i - 1), at(i) - 2 * at(i - 1) + at(i - 2)];
  for (let t = 0; t < n; t++) {
    const v = terms(before.length + t);
    inputs.forEach((k, f) => (x[t * inputs.length + f] = (v[k]! - a.stats[2 * k]!) / a.stats[2 * k + 1]!));
  }
  const out = recurrentForward({ ...a.config, headOnLastStepOnly: false }, a.params, { x, batch: 1, seqLen: n }).out;
  return Float64Array.from(out, (y, t) => {
    const last = at(before.length + t);
    const prev = at(before.length + t - 1);
    if (a.target === 'delta') return last + a.stats[3]! * y + a.stats[2]!;
    if (a.target === 'residual') return 2 * last - prev + a.stats[5]! * y + a.stats[4]!;
    return a.stats[1]! * y + a.stats[0]!;
  });
}
