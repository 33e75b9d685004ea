// rho-sweep.ts — experiment (a) of gradient norms through time: an Elman RNN (tanh, or the
// linear 'rnn_identity') whose W_hh is rescaled to spectral radius ρ, a loss on the last step
// only, and ‖∂L/∂h_t‖ against t from the backward kernels (one backward pass per ρ). For the
// linear RNN ∂L/∂h_{t-1} = W_hhᵀ ∂L/∂h_t, so the norm changes by a factor → ρ per step back in
// time: geometric decay for ρ < 1, growth for ρ > 1 (Pascanu et al. 2013); tanh' ≤ 1 makes the
// tanh RNN's factor smaller still.
import type { Scheduler } from '../gpu/scheduler';
import { RecurrentModel, type ModelConfig } from '../model';
import { geometricRate } from '../reference/grad-norms';
import { spectralRadius } from './linalg';
import { Random } from '../util/random';
import { requireInteger, requireNumber, requireOneOf } from '../util/check';

/** Settings of the sweep (defaults in brackets). */
export interface RhoSweepOptions {
  /** Spectral radii of W_hh [0.5, 0.9, 1, 1.1, 1.5]. */
  rhos?: readonly number[];
  /** 'rnn_tanh' or 'rnn_identity' (linear) ['rnn_tanh']. */
  cell?: 'rnn_tanh' | 'rnn_identity';
  /** H [32], T [60], B [16], input scale σ of x ~ N(0, σ²) [0.1], seed [1]. */
  hidden?: number;
  /** T: steps per sequence [60] (the loss is on step T). */
  steps?: number;
  /** B: sequences [16]. */
  batch?: number;
  /** σ of the inputs x ~ N(0, σ²) [0.1]. */
  inputScale?: number;
  /** Seed of W, x and the targets [1]. */
  seed?: number;
}

/** One ρ of the sweep. */
export interface RhoSweepRow {
  /** Spectral radius W_hh was scaled to. */
  rho: number;
  /** ‖∂L/∂h_t‖₂ (batch mean), t = 1..T. */
  norms: number[];
  /**
   * Per-step factor going back in time: exp(−slope) of ln ‖∂L/∂h_t‖ against t over the first
   * ¾ of the steps (away from the loss, where the top eigen-direction dominates; see
   * backwardRate). → ρ for the linear RNN.
   */
  rate: number;
}

/** W [H, H] row-major rescaled to spectral radius rho (float64 eigenvalues). */
export function scaleToSpectralRadius(w: ArrayLike<number>, hidden: number, rho: number): Float32Array {
  const current = spectralRadius(w, hidden);
  if (!(current > 0)) throw new Error('scaleToSpectralRadius: W has spectral radius 0');
  return Float32Array.from(w, (v) => (v * rho) / current);
}

/** Smallest norm the fit trusts: below it float32 flushes or loses the curve. */
const FIT_FLOOR = 1e-30;

/**
 * Per-step factor back in time over the first ¾ of the steps, starting where the curve is
 * above FIT_FLOOR (a strongly vanishing one underflows float32 near t = 1); NaN if < 2 steps.
 */
export function backwardRate(norms: readonly number[]): number {
  const to = Math.floor((3 * norms.length) / 4);
  let from = to;
  while (from > 0 && norms[from - 1]! > FIT_FLOOR && Number.isFinite(norms[from - 1]!)) from--;
  return to - from >= 2 ? 1 / geometricRate(norms, from, to) : Number.NaN;
}

/** Runs the sweep on the GPU; see the file comment. */
export async function rhoSweep(sched: Scheduler, o: RhoSweepOptions = {}): Promise<RhoSweepRow[]> {
  const rhos = o.rhos ?? [0.5, 0.9, 1, 1.1, 1.5];
  rhos.forEach((r, i) => requireNumber(`rhoSweep: rhos[${i}]`, r, { min: 0 }));
  const cell = requireOneOf('rhoSweep: cell', o.cell ?? 'rnn_tanh', ['rnn_tanh', 'rnn_identity'] as const);
  const H = requireInteger('rhoSweep: hidden', o.hidden ?? 32, { min: 1 });
  const T = requireInteger('rhoSweep: steps', o.steps ?? 60, { min: 4 });
  const B = requireInteger('rhoSweep: batch', o.batch ?? 16, { min: 1 });
  const sigma = requireNumber('rhoSweep: inputScale', o.inputScale ?? 0.1, { min: 0 });
  const seed = o.seed ?? 1;
  const config: ModelConfig = { cell, inputSize: 1, hiddenSize: H, numLayers: 1, outputSize: 1, head: 'last-step' };
  const model = await RecurrentModel.create(sched, config, { seed });
  const rng = new Random(seed + 17);
  // W_hh ~ N(0, 1/H): its eigenvalues fill the unit disc (circular law), then rescaled.
  const w = Float32Array.from({ length: H * H }, () => rng.normal() / Math.sqrt(H));
  const x = sched.createTensor([B, T, 1], 'f32', 'rho-sweep x', Float32Array.from({ length: B * T }, () => sigma * rng.normal()));
  const y = sched.createTensor([B, 1], 'f32', 'rho-sweep y', Float32Array.from({ length: B }, () => rng.normal()));
  const params = await model.getParameters();
  const rows: RhoSweepRow[] = [];
  try {
    for (const rho of rhos) {
      model.setParameters({ ...params, weight_hh_l0: scaleToSpectralRadius(w, H, rho), bias_ih_l0: new Float32Array(H), bias_hh_l0: new Float32Array(H) });
      model.forward(x);
      const { gradNorms } = model.lossAndBackward({ kind: 'mse', target: y }, { gradNorms: true });
      const norms = [...((await sched.read(gradNorms!)) as Float32Array)];
      rows.push({ rho, norms, rate: backwardRate(norms) });
    }
  } finally {
    model.destroy();
    sched.destroyBuffer(x.buffer);
    sched.destroyBuffer(y.buffer);
  }
  return rows;
}
