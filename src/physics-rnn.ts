// physics-rnn.ts — the exercise's hand-designed 2-unit linear RNN that *is* explicit Euler for
// the driven damped spring  x' = v,  v' = u − k·x − c·v  (m = 1):
//   h = [x, v],  h_t = W_hh h_{t-1} + W_ih u_t,  out_t = [1, 0] · h_t
//   W on [h; u] = [[1, dt, 0], [−k·dt, 1 − c·dt, dt]]
// i.e. weight_hh = [[1, dt], [−k·dt, 1 − c·dt]], weight_ih = [[0], [dt]], biases 0, so step t
// computes x += v·dt; v += (u_t − k·x − c·v)·dt from the old state, as the `euler` integrator.
// The model runs on the ordinary recurrent kernels (cell 'rnn_identity').
import type { Scheduler } from './gpu/scheduler';
import { RecurrentModel, type ModelConfig, type RecurrentModelOptions } from './model';

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
