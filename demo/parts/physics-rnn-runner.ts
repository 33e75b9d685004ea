// physics-rnn-runner.ts — runs the exercise's 2-unit identity RNN with the page's W and R
// on the GPU, through the library's recurrent kernels (physicsRnn's model, cell
// 'rnn_identity'): x = u [1, T, 1], h0 = [x0, v0] as [1, 1, 2]; reads out [1, T, 1] and
// rnnOut [1, T, 2] in one round trip. Also derives the solution from physicsRnnParameters.

import type { Scheduler } from '../../src/gpu/scheduler';
import { physicsRnn, physicsRnnParameters } from '../../src/physics-rnn';
import type { RecurrentModel } from '../../src/model';

export interface PhysicsRnnInput {
  /** W [2, 3] acting on [h1, h2, u]. */
  W: number[][];
  /** R [2], the readout. */
  R: number[];
  /** h(0) [2]. */
  h0: number[];
  /** u(n) for n = 0 … T − 1. */
  u: ArrayLike<number>;
}

export interface RnnTrace {
  /** y(n + 1) for n = 0 … T − 1, [T]. */
  y: Float32Array;
  /** h(n + 1), [T, 2]. */
  h: Float32Array;
  /** Where it ran, in words. */
  device: string;
}

/**
 * The exercise's answer for mass m: physicsRnn's weights for k/m, c/m (the m = 1 form of
 * x'' = (u − k x − c v)/m), with the input column divided by m.
 */
export function solutionMatrices(s: { k: number; c: number; m: number; dt: number }): { W: number[][]; R: number[] } {
  const p = physicsRnnParameters({ k: s.k / s.m, c: s.c / s.m, dt: s.dt });
  const hh = p.weight_hh_l0!; // [2, 2]
  const ih = p.weight_ih_l0!; // [2, 1]
  const head = p['head.weight']!; // [1, 2]
  return {
    W: [[hh[0]!, hh[1]!, ih[0]! / s.m], [hh[2]!, hh[3]!, ih[1]! / s.m]],
    R: [head[0]!, head[1]!],
  };
}

let model: RecurrentModel | null = null;

export async function runPhysicsRnn(sched: Scheduler, inp: PhysicsRnnInput): Promise<RnnTrace> {
  const T = inp.u.length;
  const { W, R } = inp;
  model ??= await physicsRnn(sched, { k: 0, c: 0, dt: 1 }, { maxWorkspaces: 2 });
  model.setParameters({
    weight_ih_l0: [W[0]![2]!, W[1]![2]!],
    weight_hh_l0: [W[0]![0]!, W[0]![1]!, W[1]![0]!, W[1]![1]!],
    bias_ih_l0: [0, 0],
    bias_hh_l0: [0, 0],
    'head.weight': R,
    'head.bias': [0],
  });
  const x = sched.createTensor([1, T, 1], 'f32', 'exercise u', Float32Array.from(inp.u));
  const h0 = sched.createTensor([1, 1, 2], 'f32', 'exercise h0', inp.h0);
  try {
    const { out, rnnOut } = model.forward(x, { h0 });
    const [y, h] = await sched.readMany([out, rnnOut]);
    return { y: y as Float32Array, h: h as Float32Array, device: 'the GPU' };
  } finally {
    sched.destroyBuffer(x.buffer);
    sched.destroyBuffer(h0.buffer);
  }
}
