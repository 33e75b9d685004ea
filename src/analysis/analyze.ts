// analyze.ts — the whole dynamics analysis of one model on one batch of input sequences, on the
// GPU with the host's float64 linear algebra: gradient norms through time (one backward with
// gradNorms), the Jacobians along the first sequence's trajectory (spectral radius, σ_max,
// finite-time Lyapunov exponents), and the fixed points for a constant input from starts drawn
// among the visited states plus noise, with the top two principal axes of the visited states
// for plotting. `springloop analyze` (src/cli/analyze.ts) writes it as analysis.json / .svg.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { LossTarget, RecurrentModel } from '../model/recurrent-model';
import { stateMultiplier } from '../reference/jacobian';
import { Random } from '../util/random';
import { findFixedPoints, type FixedPoint } from './fixed-points';
import { eigenvalues, principalAxes, type Complex } from './linalg';
import { fromModelStates, fullStateSize } from './state-layout';
import { trajectoryDynamics, trajectoryJacobians } from './trajectory';

/** What to analyse: inputs x [B, T, I] (and states) with the loss of the gradient norms. */
export interface AnalysisInputs {
  /** Input sequences [B, T, I]. */
  x: GpuTensor;
  /** Initial hidden state [L, B, H] (zeros when absent). */
  h0?: GpuTensor | null;
  /** Initial cell state [L, B, H] (LSTM; zeros when absent). */
  c0?: GpuTensor | null;
  /** The loss whose gradients are measured (the model's training loss on these sequences). */
  target: LossTarget;
  /** Constant input u* [I] of the fixed-point search [zeros]. */
  input?: ArrayLike<number>;
  /** Fixed-point starts [64], their noise σ relative to the visited states' spread [0.1], Adam iterations [1500], seed [0]. */
  starts?: number;
  /** Noise of the starts relative to the visited states' spread per coordinate [0.1]. */
  noise?: number;
  /** Adam iterations of the fixed-point search [1500]. */
  iterations?: number;
  /** Seed of the starts [0]. */
  seed?: number;
  /** Lyapunov exponents kept [min(D, 8)]. */
  lyapunovCount?: number;
  /** Progress of the long parts: (phase, done, total). */
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** Everything the analysis found (arrays are plain, for JSON). */
export interface AnalysisResult {
  /** [L][T]: batch-mean ‖∂L/∂h_t‖ per layer; cellGradientNorms likewise for c_t (LSTM, else null). */
  gradientNorms: number[][];
  /** [L][T]: batch-mean ‖∂L/∂c_t‖ with h_t held fixed (LSTM), else null. */
  cellGradientNorms: number[][] | null;
  /** Along the first sequence: per step max |λ(J_t)| and σ_max(J_t); Lyapunov exponents per step. */
  spectralRadius: number[];
  /** Per step along the first sequence: σ_max(J_t). */
  largestSingularValue: number[];
  /** Finite-time Lyapunov exponents of the first sequence, per step, largest first. */
  lyapunov: number[];
  /** Eigenvalues of J at the last step of the first sequence (largest |λ| first). */
  lastStepEigenvalues: Complex[];
  /** The fixed points kept (most starts first). */
  fixedPoints: FixedPoint[];
  /** The constant input of the fixed points. */
  input: number[];
  /** Visited full states of the first sequence [T+1][D] and the top two principal axes of all visited states. */
  trajectory: number[][];
  /** Mean [D] and the top two principal axes [2][D] of all visited states. */
  pca: { mean: number[]; axes: number[][] };
}

/** Visited full states of every sequence and step, [B·(T+1), D] (row (b, t)). */
async function visitedStates(sched: Scheduler, model: RecurrentModel): Promise<{ states: Float64Array; count: number }> {
  const tape = model.forwardTape();
  const B = tape.batch;
  const rows = B * (tape.seqLen + 1);
  const reads = tape.layers.flatMap((l) => (l.cseq ? [l.hseq, l.cseq] : [l.hseq]));
  const got = (await sched.readMany(reads)) as Float32Array[];
  const lstm = stateMultiplier(model.config.cell) === 2;
  const { hiddenSize: H, numLayers: L } = model.config;
  // hseq is [T+1, B, H] time-major: as [L, rows, H] with row (t, b) it is the model-state layout.
  const h = new Float32Array(L * rows * H);
  const c = lstm ? new Float32Array(L * rows * H) : null;
  for (let l = 0; l < L; l++) {
    h.set(got[lstm ? 2 * l : l]!, l * rows * H);
    if (c) c.set(got[2 * l + 1]!, l * rows * H);
  }
  const timeMajor = fromModelStates(model.config, h, c, rows);
  const D = fullStateSize(model.config);
  const states = new Float64Array(rows * D);
  for (let t = 0; t <= tape.seqLen; t++) for (let b = 0; b < B; b++) states.set(timeMajor.subarray((t * B + b) * D, (t * B + b + 1) * D), (b * (tape.seqLen + 1) + t) * D);
  return { states, count: rows };
}

/** Starts: `count` visited states picked at random, each plus N(0, (noise·spread_d)²) per coordinate. */
export function sampleStarts(states: Float64Array, rows: number, D: number, count: number, noise: number, seed: number): Float64Array {
  const rng = new Random(seed);
  const mean = new Float64Array(D);
  const spread = new Float64Array(D);
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) mean[d]! += states[r * D + d]! / rows;
  for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) spread[d]! += (states[r * D + d]! - mean[d]!) ** 2 / rows;
  const out = new Float64Array(count * D);
  for (let k = 0; k < count; k++) {
    const r = rng.int(rows);
    for (let d = 0; d < D; d++) out[k * D + d] = states[r * D + d]! + noise * Math.max(Math.sqrt(spread[d]!), 1e-3) * rng.normal();
  }
  return out;
}

/** Runs the analysis (see the file comment). Overwrites the model's gradient arena. */
export async function analyzeModel(sched: Scheduler, model: RecurrentModel, a: AnalysisInputs): Promise<AnalysisResult> {
  const { numLayers: L } = model.config;
  const D = fullStateSize(model.config);
  const progress = a.onProgress;
  model.forward(a.x, { h0: a.h0 ?? null, c0: a.c0 ?? null });
  const { gradNorms } = model.lossAndBackward(a.target, { gradNorms: true });
  const norms = (await sched.read(gradNorms!)) as Float32Array;
  const T = model.forwardTape().seqLen;
  const S = stateMultiplier(model.config.cell);
  const slot = (s: number) => Array.from({ length: L }, (_, l) => [...norms.subarray((l * S + s) * T, (l * S + s + 1) * T)]);
  const visited = await visitedStates(sched, model);
  const jac = await trajectoryJacobians(sched, model, 1, (d, n) => progress?.('jacobians', d, n));
  const dyn = trajectoryDynamics(jac, D, a.lyapunovCount ?? Math.min(D, 8), (d, n) => progress?.('spectra', d, n));
  const lastStepEigenvalues = eigenvalues(jac[0]![T - 1]!, D);
  const input = a.input ? Array.from(a.input) : new Array<number>(model.config.inputSize).fill(0);
  const starts = sampleStarts(visited.states, visited.count, D, a.starts ?? 64, a.noise ?? 0.1, a.seed ?? 0);
  const fixed = await findFixedPoints(sched, model, { starts, input, iterations: a.iterations, onProgress: (d, n) => progress?.('fixed points', d, n) });
  const pca = principalAxes(visited.states, visited.count, D, 2);
  const trajectory = Array.from({ length: T + 1 }, (_, t) => [...visited.states.subarray(t * D, (t + 1) * D)]);
  return {
    gradientNorms: slot(0), cellGradientNorms: S === 2 ? slot(1) : null,
    spectralRadius: dyn.spectralRadius[0]!, largestSingularValue: dyn.largestSingularValue[0]!, lyapunov: dyn.lyapunov[0]!,
    lastStepEigenvalues, fixedPoints: fixed.points, input, trajectory,
    pca: { mean: [...pca.mean], axes: pca.axes.map((v) => [...v]) },
  };
}
