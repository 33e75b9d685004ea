// recurrent-gradcheck.ts — shared by the reference tests: random problems for the float64
// recurrent reference (any cell, head, direction count, dropout masks) and the check of its
// gradients against central finite differences.
import { expect } from 'vitest';
import { modelParamShapes as paramShapes } from '../../src/model/params';
import { evaluateLoss, mseLoss, type LossTarget } from '../../src/reference/losses';
import { conformanceInputs, type ConformanceCase } from '../../src/conformance/vectors';
import { recurrentBackward, recurrentForward, type Params, type RecurrentConfig, type RecurrentInputs } from '../../src/reference/recurrent';
import { headKind } from '../../src/reference/recurrent-params';
import { Random } from '../../src/util/random';

/** Max |a−b| over max |b| (per tensor), the check used for every conformance tensor. */
export function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-9): void {
  const err = relErr(actual, expected);
  expect(err, `${label}: rel err ${err}`).toBeLessThanOrEqual(tol);
}

/** The reference's forward, loss and every gradient of a PyTorch case equal PyTorch's float64 numbers (1e-9 relative). */
export function expectMatchesTorch(c: ConformanceCase): void {
  const fwd = recurrentForward(c.config, c.params, conformanceInputs(c));
  expectClose('out', fwd.out, c.outputs.out);
  expectClose('rnn_out', fwd.rnnOut, c.outputs.rnnOut);
  expectClose('h_n', fwd.hN, c.outputs.hN);
  if (c.outputs.cN) expectClose('c_n', fwd.cN!, c.outputs.cN);
  const { loss, dOut } = mseLoss(fwd.out, c.inputs.y);
  expect(Math.abs(loss - c.outputs.loss) / c.outputs.loss).toBeLessThan(1e-12);
  const grads = recurrentBackward(c.config, c.params, fwd, dOut);
  for (const name of c.paramOrder) expectClose(`grad ${name}`, grads.params[name]!, c.paramGrads[name]!);
  expectClose('grad x', grads.x, c.inputGrads.x);
  if (c.inputGrads.h0) expectClose('grad h0', grads.h0, c.inputGrads.h0);
  if (c.inputGrads.c0) expectClose('grad c0', grads.c0!, c.inputGrads.c0);
}

/** A loss over the reference model with every input it differentiates. */
export interface Problem {
  config: RecurrentConfig;
  params: Params;
  inputs: Required<Pick<RecurrentInputs, 'x' | 'batch' | 'seqLen'>> & { h0: Float64Array; c0: Float64Array | null; masks?: (Float64Array | null)[] };
  target: LossTarget;
}

export function randomArray(rng: Random, n: number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** Random parameters (larger than default init), inputs, states and targets of a config. */
export function makeProblem(config: RecurrentConfig, B: number, T: number, loss: 'mse' | 'cross_entropy', seed: number): Problem {
  const rng = new Random(seed);
  const params: Params = {};
  // Larger than default init so that every nonlinearity works away from its linear regime.
  for (const [name, shape] of Object.entries(paramShapes(config))) params[name] = randomArray(rng, shape.reduce((a, d) => a * d, 1), 0.6);
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const state = (config.bidirectional ? 2 : 1) * L * B * H;
  const inputs = {
    x: randomArray(rng, B * T * I, 1),
    batch: B,
    seqLen: T,
    h0: randomArray(rng, state, 0.5),
    c0: config.cell === 'lstm' ? randomArray(rng, state, 0.5) : null,
  };
  const rows = headKind(config) !== 'every-step' ? B : B * T;
  const target: LossTarget =
    loss === 'mse'
      ? { kind: 'mse', target: randomArray(rng, rows * O, 1) }
      : { kind: 'cross_entropy', labels: Array.from({ length: rows }, () => rng.int(O)) };
  return { config, params, inputs, target };
}

const lossOf = (p: Problem): number =>
  evaluateLoss(recurrentForward(p.config, p.params, p.inputs).out, p.config.outputSize, p.target).loss;

/** Central differences of the loss w.r.t. every element of `arr` (perturbed in place). */
function numericGrad(p: Problem, arr: Float64Array, eps = 1e-6): Float64Array {
  const g = new Float64Array(arr.length);
  for (let k = 0; k < arr.length; k++) {
    const keep = arr[k]!;
    arr[k] = keep + eps;
    const up = lossOf(p);
    arr[k] = keep - eps;
    const down = lossOf(p);
    arr[k] = keep;
    g[k] = (up - down) / (2 * eps);
  }
  return g;
}

/** Every parameter's, x's and the initial states' analytic gradient equals central differences. */
export function expectGradsMatchFiniteDifferences(p: Problem): void {
  const fwd = recurrentForward(p.config, p.params, p.inputs);
  const { dOut } = evaluateLoss(fwd.out, p.config.outputSize, p.target);
  const grads = recurrentBackward(p.config, p.params, fwd, dOut);
  const check = (label: string, analytic: Float64Array, arr: Float64Array): void => {
    const numeric = numericGrad(p, arr);
    for (let k = 0; k < arr.length; k++) {
      const tol = 1e-7 + 1e-5 * Math.abs(numeric[k]!);
      expect(Math.abs(analytic[k]! - numeric[k]!), `${label}[${k}] ${analytic[k]} vs ${numeric[k]}`).toBeLessThanOrEqual(tol);
    }
  };
  for (const name of Object.keys(paramShapes(p.config))) check(name, grads.params[name]!, p.params[name]!);
  check('x', grads.x, p.inputs.x);
  check('h0', grads.h0, p.inputs.h0);
  if (p.inputs.c0) check('c0', grads.c0!, p.inputs.c0);
  // The gradient is not trivially zero anywhere it should not be.
  expect(Math.max(...Object.values(grads.params).map((g) => relErr(g, new Float64Array(g.length))))).toBeGreaterThan(0);
}
