// physics-rnn.ts — the exercise's hand-designed 2-unit linear RNN that *is* explicit Euler for
// the driven damped spring  x' = v,  v' = u − k·x − c·v  (m = 1):
//   h = [x, v],  h_t = W_hh h_{t-1} + W_ih u_t,  out_t = [1, 0] · h_t
//   W on [h; u] = [[1, dt, 0], [−k·dt, 1 − c·dt, dt]]
// i.e. weight_hh = [[1, dt], [−k·dt, 1 − c·dt]], weight_ih = [[0], [dt]], biases 0, so step t
// computes x += v·dt; v += (u_t − k·x − c·v)·dt from the old state, as the `euler` integrator.
// The model runs on the ordinary recurrent kernels (cell 'rnn_identity').
import type { Scheduler } from './gpu/scheduler';
import { RecurrentModel, type ModelConfig, type RecurrentModelOptions } from './model';
import { classifyEigenvalues, type Stability } from './analysis/stability';
import { describeValue } from './util/check';

/** The oscillator a physicsRnn() reproduces: x'' = -k x - c x' + u(t), Euler steps of dt. */
export interface PhysicsRnnOptions {
  /** Spring constant k (finite). */
  k: number;
  /** Damping c (finite). */
  c: number;
  /** Time step dt (finite, > 0). */
  dt: number;
}

/** Identity RNN, 1 input (u), 2 hidden units (x, v), head reading x on every step. */
export const PHYSICS_RNN_CONFIG: Readonly<ModelConfig> = /* @__PURE__ */ Object.freeze({
  cell: 'rnn_identity',
  inputSize: 1,
  hiddenSize: 2,
  numLayers: 1,
  outputSize: 1,
  head: 'every-step',
});

function checkOptions(o: PhysicsRnnOptions): void {
  for (const key of ['k', 'c', 'dt'] as const) {
    if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) throw new Error(`physicsRnn: ${key} must be a finite number, got ${String(o[key])}`);
  }
  if (!(o.dt > 0)) throw new Error(`physicsRnn: dt must be > 0, got ${o.dt}`);
}

/** The designed parameters by state_dict name (row-major). */
export function physicsRnnParameters(o: PhysicsRnnOptions): Record<string, Float32Array> {
  checkOptions(o);
  const { k, c, dt } = o;
  return {
    weight_ih_l0: Float32Array.of(0, dt), // [2, 1]
    weight_hh_l0: Float32Array.of(1, dt, -k * dt, 1 - c * dt), // [2, 2]
    bias_ih_l0: new Float32Array(2),
    bias_hh_l0: new Float32Array(2),
    'head.weight': Float32Array.of(1, 0), // [1, 2]
    'head.bias': new Float32Array(1),
  };
}

/**
 * Builds the physics RNN on the GPU. Feed u as x [B, T, 1] and h0 = [x0, v0] as [1, B, 2]:
 * out[b, t] = x after step t, rnnOut[b, t] = (x, v) after step t.
 */
export async function physicsRnn(sched: Scheduler, o: PhysicsRnnOptions, opts: RecurrentModelOptions = {}): Promise<RecurrentModel> {
  const values = physicsRnnParameters(o);
  const model = await RecurrentModel.create(sched, PHYSICS_RNN_CONFIG, opts);
  model.setParameters(values);
  return model;
}

/** Damping regime of the continuous spring x'' + c x' + k x = u (c² against 4k; k < 0: no spring, a saddle). */
export type DampingRegime = 'under-damped' | 'critically damped' | 'over-damped' | 'negative damping' | 'undamped' | 'unstable spring';

/** What the exercise's RNN does, in closed form (see physicsRnnTheory). */
export interface PhysicsRnnTheory {
  /** Eigenvalues of W_hh = [[1, dt], [−k·dt, 1 − c·dt]]: 1 − c·dt/2 ± dt·√(c²/4 − k), larger |λ| first. */
  eigenvalues: [[number, number], [number, number]];
  /** max |λ|: above 1 the RNN's state (and its gradients) grow like ρ^t, below 1 they decay. */
  spectralRadius: number;
  /** The fixed point h* = (u/k, 0) for constant input u, or null when k = 0 (a line of them for u = 0, none otherwise). */
  fixedPoint: [number, number] | null;
  /** Damping regime of the continuous spring. */
  regime: DampingRegime;
  /** Of the fixed point (and the whole linear map): stable, saddle or unstable. */
  stability: Stability;
  /** One sentence for a person: explodes, decays or stays, and why. */
  verdict: string;
}

/**
 * Closed form of the physics RNN's dynamics for constant input u (default 0): the Euler
 * matrix's eigenvalues λ = 1 + dt·s with s = −c/2 ± √(c²/4 − k) the spring's poles, the fixed
 * point, the damping regime and whether the design explodes (ρ > 1) or decays. For complex λ,
 * |λ|² = 1 − c·dt + k·dt², so Euler adds energy (explodes) whenever c < k·dt, even for c ≥ 0.
 */
export function physicsRnnTheory(o: PhysicsRnnOptions, u = 0): PhysicsRnnTheory {
  checkOptions(o);
  if (typeof u !== 'number' || !Number.isFinite(u)) throw new Error(`physicsRnnTheory: u must be a finite number, got ${describeValue(u)}`);
  const { k, c, dt } = o;
  const disc = (c * c) / 4 - k;
  const re = 1 - (c * dt) / 2;
  const root = dt * Math.sqrt(Math.abs(disc));
  const eigenvalues: [[number, number], [number, number]] = disc >= 0 ? [[re + root, 0], [re - root, 0]] : [[re, root], [re, -root]];
  eigenvalues.sort((a, b) => Math.hypot(b[0], b[1]) - Math.hypot(a[0], a[1]));
  const { stability, spectralRadius } = classifyEigenvalues(eigenvalues);
  const regime: DampingRegime = k < 0 ? 'unstable spring' : c < 0 ? 'negative damping' : c === 0 ? 'undamped' : disc < 0 ? 'under-damped' : disc === 0 ? 'critically damped' : 'over-damped';
  const fixedPoint: [number, number] | null = k !== 0 ? [u / k, 0] : null;
  const rate = `|λ| = ${spectralRadius.toFixed(6)}`;
  const verdict = spectralRadius > 1
    ? `${rate} > 1: the state grows like ${spectralRadius.toFixed(4)}^t — the design explodes${c >= 0 && k > 0 ? ` (Euler adds energy when c < k·dt = ${(k * dt).toPrecision(3)})` : ''}`
    : spectralRadius < 1
      ? `${rate} < 1: the state decays to the fixed point like ${spectralRadius.toFixed(4)}^t`
      : `${rate}: the state neither grows nor decays`;
  return { eigenvalues, spectralRadius, fixedPoint, regime, stability, verdict };
}
