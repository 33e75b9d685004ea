// recurrent-reference.test.ts — the float64 recurrent reference against PyTorch's own
// float64 numbers (all public conformance cases), central finite differences, awkward
// shapes, a hand-built linear RNN, the vectors loader's errors, and default init.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConformanceVectors, type ConformanceCase } from '../../src/conformance/vectors';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import { initRecurrentParams } from '../../src/model/init';
import { modelParamShapes as paramShapes } from '../../src/model/params';
import { mseLoss, crossEntropyLoss } from '../../src/reference/losses';
import {
  paramsToFloat64,
  recurrentBackward,
  recurrentForward,
  type Params,
  type RecurrentConfig,
} from '../../src/reference/recurrent';
import { Random } from '../../src/util/random';
import { fileURLToPath } from 'node:url';
import { expectGradsMatchFiniteDifferences, expectMatchesTorch, makeProblem, randomArray } from './recurrent-gradcheck';

// shared/ lies beside the repository (as in CI's clean clones).
const VECTORS_PATH = fileURLToPath(new URL('../../../shared/conformance/torch_vectors.public.json', import.meta.url));
const rawVectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { cases: Record<string, any>[] };

describe('PyTorch float64 conformance vectors (public set)', () => {
  const cases = parseConformanceVectors(rawVectors).cases;

  it('holds 96 cases, 24 per cell', () => {
    expect(cases.length).toBe(96);
    for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) expect(cases.filter((c) => c.cell === cell).length).toBe(24);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c: ConformanceCase) => expectMatchesTorch(c));
});

describe('conformance vectors loader errors name the case', () => {
  const lstmCase = rawVectors.cases.find((c) => c.cell === 'lstm' && c.config.initial_state)!;
  const load = (mutate: (c: Record<string, any>) => void): (() => unknown) => {
    const c = structuredClone(lstmCase);
    mutate(c);
    return () => parseConformanceVectors({ meta: {}, cases: [c] });
  };

  it('parses an untouched case', () => {
    const parsed = load(() => {})() as { cases: ConformanceCase[] };
    expect(parsed.cases[0]!.inputs.c0).not.toBeNull();
  });
  it('missing output key', () => {
    expect(load((c) => delete c.outputs.c_n)).toThrow(new RegExp(`${lstmCase.id}.*missing key "outputs.c_n"`));
  });
  it('missing parameter', () => {
    expect(load((c) => delete c.params.bias_hh_l0)).toThrow(/missing key "params.bias_hh_l0"/);
  });
  it('wrong shape length (rank)', () => {
    expect(load((c) => c.inputs.x.shape.pop())).toThrow(new RegExp(`${lstmCase.id}.*"inputs.x" has shape .* expected length 3`));
  });
  it('wrong shape', () => {
    expect(load((c) => (c.params.weight_hh_l0.shape[0] += 1))).toThrow(/"params.weight_hh_l0" has shape/);
  });
  it('wrong data length', () => {
    expect(load((c) => c.param_grads['head.bias'].data.push(0))).toThrow(/"param_grads.head.bias.data" has \d+ values/);
  });
  it('unexpected initial state', () => {
    expect(load((c) => (c.config.initial_state = false))).toThrow(/unexpected key "inputs.h0"/);
  });
  it('bad cell, bad gate order, duplicate ids, num_cases', () => {
    expect(load((c) => (c.cell = 'lstmx'))).toThrow(/"cell" must be one of/);
    expect(load((c) => (c.config.gate_order = 'f,i,g,o'))).toThrow(/gate_order/);
    const c = structuredClone(lstmCase);
    expect(() => parseConformanceVectors({ cases: [c, c] })).toThrow(new RegExp(`"${lstmCase.id}" \\(#1\\): duplicate id`));
    expect(() => parseConformanceVectors({ meta: { num_cases: 2 }, cases: [c] })).toThrow(/num_cases/);
    expect(() => parseConformanceVectors('{oops')).toThrow(/not valid JSON/);
  });
});

// ---- finite differences (helpers in recurrent-gradcheck.ts) ------------------------

describe('gradients match central finite differences', () => {
  const combos: [CellKind, boolean, 'mse' | 'cross_entropy'][] = [];
  for (const cell of CELL_KINDS) for (const last of [false, true]) for (const loss of ['mse', 'cross_entropy'] as const) combos.push([cell, last, loss]);

  it.each(combos.map((c, i) => [...c, i] as const))('%s, headOnLastStepOnly=%s, %s', (cell, last, loss, index) => {
    const config: RecurrentConfig = { cell, inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 3, headOnLastStepOnly: last };
    expectGradsMatchFiniteDifferences(makeProblem(config, 2, 3, loss, 100 + index));
  });

  it.each(CELL_KINDS.map((c) => [c]))('%s with every size 1', (cell) => {
    const config: RecurrentConfig = { cell, inputSize: 1, hiddenSize: 1, numLayers: 1, outputSize: 1 };
    expectGradsMatchFiniteDifferences(makeProblem(config, 1, 1, 'mse', 5));
  });

  it.each(CELL_KINDS.map((c) => [c]))('%s with prime sizes B=3 T=5 I=7 H=2 L=3 O=2', (cell) => {
    const config: RecurrentConfig = { cell, inputSize: 7, hiddenSize: 2, numLayers: 3, outputSize: 2, headOnLastStepOnly: cell === 'gru' };
    expectGradsMatchFiniteDifferences(makeProblem(config, 3, 5, 'mse', 7));
  });

  it.each(CELL_KINDS.map((c) => [c]))('%s: gradients arriving at h_n / c_n (truncated-BPTT hook)', (cell) => {
    const config: RecurrentConfig = { cell, inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 1 };
    const p = makeProblem(config, 2, 4, 'mse', 3);
    const rng = new Random(99);
    const u = randomArray(rng, p.inputs.h0.length, 1);
    const v = randomArray(rng, p.inputs.h0.length, 1);
    const dot = (a: Float64Array, b: Float64Array | null): number => (b ? a.reduce((s, ak, k) => s + ak * b[k]!, 0) : 0);
    // loss = u·h_n + v·c_n, no head term: dOut = 0.
    const f = (): number => {
      const fwd = recurrentForward(config, p.params, p.inputs);
      return dot(u, fwd.hN) + dot(v, fwd.cN);
    };
    const fwd = recurrentForward(config, p.params, p.inputs);
    const grads = recurrentBackward(config, p.params, fwd, new Float64Array(fwd.out.length), { hN: u, cN: fwd.cN ? v : null });
    expect(grads.params['head.weight']!.every((g) => g === 0)).toBe(true);
    for (const [label, arr, an] of [['weight_hh_l0', p.params.weight_hh_l0!, grads.params.weight_hh_l0!], ['x', p.inputs.x, grads.x]] as const) {
      for (let k = 0; k < arr.length; k++) {
        const keep = arr[k]!;
        arr[k] = keep + 1e-6;
        const up = f();
        arr[k] = keep - 1e-6;
        const down = f();
        arr[k] = keep;
        expect(Math.abs(an[k]! - (up - down) / 2e-6), `${label}[${k}]`).toBeLessThan(1e-7 + 1e-5 * Math.abs(an[k]!));
      }
    }
  });
});

describe('forward semantics', () => {
  it('rnn_identity with hand-set weights is Euler integration of a driven damped spring', () => {
    const [k, c, dt, T] = [0.7, 0.3, 0.01, 200];
    // h = [position, velocity]; h_t = A h_{t−1} + b u_t with A = I + dt·[[0, 1], [−k, −c]].
    const config: RecurrentConfig = { cell: 'rnn_identity', inputSize: 1, hiddenSize: 2, numLayers: 1, outputSize: 1 };
    const params: Params = {
      weight_ih_l0: Float64Array.of(0, dt),
      weight_hh_l0: Float64Array.of(1, dt, -k * dt, 1 - c * dt),
      bias_ih_l0: new Float64Array(2),
      bias_hh_l0: new Float64Array(2),
      'head.weight': Float64Array.of(1, 0),
      'head.bias': Float64Array.of(0),
    };
    const u = Float64Array.from({ length: T }, (_, t) => Math.sin(0.05 * t));
    const fwd = recurrentForward(config, params, { x: u, batch: 1, seqLen: T, h0: Float64Array.of(1, 0) });
    let [pos, vel] = [1, 0];
    for (let t = 0; t < T; t++) {
      [pos, vel] = [pos + dt * vel, vel + dt * (-k * pos - c * vel + u[t]!)];
      expect(fwd.out[t]).toBeCloseTo(pos, 12);
    }
    expect(fwd.hN[1]).toBeCloseTo(vel, 12);
  });

  it('zero weights: h is the activated bias sum; head on last step only gives [B, O]', () => {
    const config: RecurrentConfig = { cell: 'rnn_tanh', inputSize: 3, hiddenSize: 2, numLayers: 1, outputSize: 1, headOnLastStepOnly: true };
    const params: Params = {
      weight_ih_l0: new Float64Array(6),
      weight_hh_l0: new Float64Array(4),
      bias_ih_l0: Float64Array.of(0.2, -1),
      bias_hh_l0: Float64Array.of(0.1, 0.5),
      'head.weight': Float64Array.of(2, 3),
      'head.bias': Float64Array.of(-1),
    };
    const fwd = recurrentForward(config, params, { x: new Float64Array(2 * 4 * 3).fill(7), batch: 2, seqLen: 4 });
    expect(fwd.out.length).toBe(2);
    expect(fwd.out[1]).toBeCloseTo(2 * Math.tanh(0.3) + 3 * Math.tanh(-0.5) - 1, 14);
  });

  it('errors name the offending input', () => {
    const config: RecurrentConfig = { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 1, outputSize: 1 };
    const params = paramsToFloat64(initRecurrentParams(config, 1));
    expect(() => recurrentForward(config, params, { x: new Float64Array(5), batch: 1, seqLen: 3 })).toThrow(/inputs.x has 5 elements, expected 6/);
    expect(() => recurrentForward(config, params, { x: new Float64Array(6), batch: 1, seqLen: 3, c0: new Float64Array(3) })).toThrow(/c0 is only valid for lstm/);
    const { bias_hh_l0: _, ...missing } = params;
    expect(() => recurrentForward(config, missing, { x: new Float64Array(6), batch: 1, seqLen: 3 })).toThrow(/params.bias_hh_l0 is missing/);
    expect(() => paramShapes({ ...config, hiddenSize: 0 })).toThrow(/config.hiddenSize must be an integer >= 1, got 0/);
  });
});

describe('losses', () => {
  it('cross-entropy of equal logits is ln(O); gradient rows sum to 0; stable for huge logits', () => {
    const { loss, dOut } = crossEntropyLoss(new Float64Array(2 * 5), [4, 0], 5);
    expect(loss).toBeCloseTo(Math.log(5), 14);
    expect(dOut[4]).toBeCloseTo((1 / 5 - 1) / 2, 14);
    const big = crossEntropyLoss(Float64Array.of(1000, 0, -1000), [1], 3);
    expect(big.loss).toBeCloseTo(1000, 9);
    expect(big.dOut.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
    expect(() => crossEntropyLoss(new Float64Array(3), [3], 3)).toThrow(/labels\[0\] must be an integer in \[0, 3\), got 3/);
  });
  it('mse is the mean of squared differences', () => {
    expect(mseLoss(Float64Array.of(1, 2, 3, 4), Float64Array.of(0, 2, 5, 4)).loss).toBe(5 / 4);
    expect(() => mseLoss(new Float64Array(2), new Float64Array(3))).toThrow(/mse target has 3 elements, expected 2/);
  });
});

describe('default initialisation', () => {
  const config: RecurrentConfig = { cell: 'lstm', inputSize: 3, hiddenSize: 48, numLayers: 2, outputSize: 2 };
  it('fills every state_dict tensor, in order, from U(±1/√H), deterministically', () => {
    const a = initRecurrentParams(config, 42);
    const shapes = paramShapes(config);
    expect(Object.keys(a)).toEqual(Object.keys(shapes));
    const bound = Math.fround(1 / Math.sqrt(48));
    const all: number[] = [];
    for (const [name, shape] of Object.entries(shapes)) {
      expect(a[name]!.length).toBe(shape.reduce((x, d) => x * d, 1));
      for (const v of a[name]!) {
        expect(Math.abs(v)).toBeLessThanOrEqual(bound);
        all.push(v);
      }
    }
    // Drawn in state_dict order, row-major: the stream restarted from the seed gives the same values.
    const rng = new Random(42);
    expect(all.slice(0, 50).every((v) => v === Math.fround(rng.uniform(-1 / Math.sqrt(48), 1 / Math.sqrt(48))))).toBe(true);
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const variance = all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound * 3);
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.97);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.03);
    expect(initRecurrentParams(config, 42)['head.bias']).toEqual(a['head.bias']);
    expect(initRecurrentParams(config, 43)['weight_ih_l0']).not.toEqual(a['weight_ih_l0']);
  });
});
