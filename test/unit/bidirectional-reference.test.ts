// bidirectional-reference.test.ts — the float64 reference's bidirectional layers, heads and
// dropout: PyTorch's own float64 numbers (every public bidirectional case), central finite
// differences (every cell and head, masks fixed), what "last step" and "final states" read,
// and the dropout masks' statistics. No GPU.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConformanceVectors, type ConformanceCase } from '../../src/conformance/vectors';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import { recurrentForward, type RecurrentConfig, type ReferenceHead } from '../../src/reference/recurrent';
import { dropoutMask, joinReference } from '../../src/reference/dropout';
import { expectGradsMatchFiniteDifferences, expectMatchesTorch, makeProblem, relErr } from './recurrent-gradcheck';

const VECTORS_PATH = fileURLToPath(new URL('../../../shared/conformance/torch_vectors.bidirectional.public.json', import.meta.url));
const cases = parseConformanceVectors(readFileSync(VECTORS_PATH, 'utf8')).cases;

describe('PyTorch float64 bidirectional vectors (public set)', () => {
  it('holds 48 cases, 12 per cell, all bidirectional', () => {
    expect(cases.length).toBe(48);
    for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) expect(cases.filter((c) => c.cell === cell).length).toBe(12);
    expect(cases.every((c) => c.config.bidirectional)).toBe(true);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c: ConformanceCase) => expectMatchesTorch(c));
});

describe('bidirectional gradients match central finite differences', () => {
  const heads: ReferenceHead[] = ['every-step', 'last-step', 'final-states'];
  const combos = CELL_KINDS.flatMap((cell) => heads.map((head) => [cell, head] as [CellKind, ReferenceHead]));
  it.each(combos.map((c, i) => [...c, i] as const))('%s, head %s', (cell, head, i) => {
    const config: RecurrentConfig = { cell, inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 2, bidirectional: true, head };
    expectGradsMatchFiniteDifferences(makeProblem(config, 2, 3, i % 2 === 0 ? 'mse' : 'cross_entropy', 300 + i));
  });

  it.each(CELL_KINDS.map((c) => [c]))('%s with prime sizes B=3 T=5 I=7 H=2 L=3', (cell) => {
    const config: RecurrentConfig = { cell, inputSize: 7, hiddenSize: 2, numLayers: 3, outputSize: 2, bidirectional: true, head: 'final-states' };
    expectGradsMatchFiniteDifferences(makeProblem(config, 3, 5, 'mse', 11));
  });
});

describe('dropout through fixed masks', () => {
  it.each([false, true].map((b) => [b]))('bidirectional %s: gradients through the masks of x and between layers match finite differences', (bidirectional) => {
    const config: RecurrentConfig = { cell: 'lstm', inputSize: 3, hiddenSize: 2, numLayers: 3, outputSize: 2, bidirectional, head: 'last-step' };
    const p = makeProblem(config, 2, 4, 'cross_entropy', 21);
    const D = bidirectional ? 2 : 1;
    p.inputs.masks = [0, 1, 2].map((site) => dropoutMask({ seed: 5, step: 9, site, p: 0.4 }, 2, 4, site === 0 ? 3 : D * 2));
    expect(p.inputs.masks.some((m) => m!.includes(0))).toBe(true);
    expectGradsMatchFiniteDifferences(p);
  });

  it('a mask multiplies the layer input: all-ones masks change nothing, a zero mask on x cuts x off', () => {
    const config: RecurrentConfig = { cell: 'gru', inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 1, bidirectional: true };
    const p = makeProblem(config, 2, 3, 'mse', 4);
    const plain = recurrentForward(config, p.params, p.inputs);
    const ones = recurrentForward(config, p.params, { ...p.inputs, masks: [new Float64Array(12).fill(1), new Float64Array(36).fill(1)] });
    expect(ones.out).toEqual(plain.out);
    const cut = recurrentForward(config, p.params, { ...p.inputs, masks: [new Float64Array(12), null] });
    const zeroX = recurrentForward(config, p.params, { ...p.inputs, x: new Float64Array(12) });
    expect(cut.out).toEqual(zeroX.out);
  });
});

describe('what the heads read', () => {
  const base = { cell: 'lstm' as const, inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 2 };
  it('one direction: the last step and the final state are the same head', () => {
    const p = makeProblem({ ...base, head: 'last-step' }, 3, 4, 'mse', 8);
    const a = recurrentForward({ ...base, head: 'last-step' }, p.params, p.inputs);
    const b = recurrentForward({ ...base, head: 'final-states' }, p.params, p.inputs);
    expect(b.out).toEqual(a.out);
  });

  it('two directions: last-step reads rnn_out[:, T-1], final-states reads h_n[-2], h_n[-1]', () => {
    const config: RecurrentConfig = { ...base, bidirectional: true, head: 'every-step' };
    const p = makeProblem(config, 3, 4, 'mse', 9);
    const [B, T, H] = [3, 4, 3];
    const every = recurrentForward(config, p.params, p.inputs);
    const last = recurrentForward({ ...config, head: 'last-step' }, p.params, p.inputs);
    const final = recurrentForward({ ...config, head: 'final-states' }, p.params, p.inputs);
    for (let b = 0; b < B; b++) expect(Array.from(last.out.subarray(2 * b, 2 * b + 2))).toEqual(Array.from(every.out.subarray(2 * (b * T + T - 1), 2 * (b * T + T))));
    // h_n rows 2 and 3 (top layer, forward and reverse) = rnn_out's forward half at T−1 and reverse half at 0.
    for (let b = 0; b < B; b++) {
      expect(Array.from(every.hN.subarray((2 * B + b) * H, (2 * B + b + 1) * H))).toEqual(Array.from(every.rnnOut.subarray((b * T + T - 1) * 2 * H, (b * T + T - 1) * 2 * H + H)));
      expect(Array.from(every.hN.subarray((3 * B + b) * H, (3 * B + b + 1) * H))).toEqual(Array.from(every.rnnOut.subarray(b * T * 2 * H + H, b * T * 2 * H + 2 * H)));
    }
    expect(relErr(final.out, last.out)).toBeGreaterThan(1e-3);
  });

  it('the reverse direction reads x_T … x_1: reversing time swaps the directions', () => {
    const config: RecurrentConfig = { cell: 'gru', inputSize: 2, hiddenSize: 2, numLayers: 1, outputSize: 1, bidirectional: true };
    const p = makeProblem(config, 1, 5, 'mse', 12);
    const swapped = { ...p.params };
    for (const k of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) [swapped[`${k}_l0`], swapped[`${k}_l0_reverse`]] = [p.params[`${k}_l0_reverse`]!, p.params[`${k}_l0`]!];
    const x = p.inputs.x;
    const reversed = Float64Array.from({ length: x.length }, (_, e) => x[(4 - Math.floor(e / 2)) * 2 + (e % 2)]!);
    const a = recurrentForward(config, p.params, { x, batch: 1, seqLen: 5 });
    const b = recurrentForward(config, swapped, { x: reversed, batch: 1, seqLen: 5 });
    for (let t = 0; t < 5; t++) {
      expect(b.rnnOut[(4 - t) * 4 + 2]).toBeCloseTo(a.rnnOut[t * 4]!, 14);
      expect(b.rnnOut[(4 - t) * 4]).toBeCloseTo(a.rnnOut[t * 4 + 2]!, 14);
    }
  });
});

describe('dropout masks (counter-based)', () => {
  it.each([0.1, 0.5, 0.9].map((p) => [p]))('p = %f: the drop rate is within 5 binomial standard deviations; kept values are 1/(1-p)', (p) => {
    const n = 40 * 50 * 30;
    const mask = dropoutMask({ seed: 3, step: 17, site: 1, p }, 40, 50, 30);
    const dropped = mask.filter((v) => v === 0).length;
    expect(Math.abs(dropped - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    expect(mask.every((v) => v === 0 || v === 1 / (1 - p))).toBe(true);
  });

  it('drops are not correlated along rows or between neighbours', () => {
    const [B, T, C] = [16, 28, 64];
    const mask = dropoutMask({ seed: 1, step: 0, site: 2, p: 0.5 }, B, T, C);
    const keep = Array.from(mask, (v) => (v > 0 ? 1 : 0));
    let agree = 0;
    for (let e = 0; e + 1 < keep.length; e++) agree += keep[e] === keep[e + 1] ? 1 : 0;
    const n = keep.length - 1;
    expect(Math.abs(agree - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });

  it('the same (seed, step, site) gives the same mask; another seed, step or site another one', () => {
    const m = (seed: number, step: number, site: number) => dropoutMask({ seed, step, site, p: 0.3 }, 4, 5, 6);
    expect(m(7, 2, 1)).toEqual(m(7, 2, 1));
    for (const other of [m(8, 2, 1), m(7, 3, 1), m(7, 2, 2), m(7 + 2 ** 32, 2, 1)]) expect(other).not.toEqual(m(7, 2, 1));
    expect(dropoutMask({ seed: 7, step: 2, site: 1, p: 0 }, 4, 5, 6).every((v) => v === 1)).toBe(true);
  });

  it('joinReference puts the parts side by side and applies the mask', () => {
    const joined = joinReference([Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8)], 2, Float64Array.of(1, 0, 2, 2, 0, 1, 1, 1));
    expect(Array.from(joined)).toEqual([1, 0, 10, 12, 0, 4, 7, 8]);
  });
});
