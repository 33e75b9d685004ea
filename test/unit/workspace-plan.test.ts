// workspace-plan.test.ts — the workspace's size table (src/model/workspace-plan.ts): what
// each cell adds, the shapes, and that an entry listed twice is one tensor. No GPU.
import { describe, expect, it } from 'vitest';
import { planWorkspace, plannedTensors, realize } from '../../src/model/workspace-plan';
import { CELL_TYPES, type ModelConfig } from '../../src/model/config';

const config = (cell: ModelConfig['cell'], head: ModelConfig['head'] = 'every-step'): ModelConfig =>
  ({ cell, inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2, head });

describe('planWorkspace', () => {
  it.each(CELL_TYPES.map((c) => [c]))('%s: every tensor once, with a distinct label', (cell) => {
    const labels = plannedTensors(planWorkspace(config(cell), 7, 11)).map((t) => t.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('x (time-major)');
  });

  it('adds what the cell needs: cell states (lstm), kept gates (lstm, gru), hidden-side gradients (gru)', () => {
    const labels = (cell: ModelConfig['cell']) => plannedTensors(planWorkspace(config(cell), 7, 11)).map((t) => t.label);
    expect(labels('lstm')).toEqual(expect.arrayContaining(['cseq_l1', 'c_n', 'gates_l0', 'dc_carry_l1', 'dc0']));
    expect(labels('gru')).toEqual(expect.arrayContaining(['gates_l1', 'dgates_hid_l0']));
    expect(labels('gru').some((l) => l.startsWith('cseq') || l === 'c_n')).toBe(false);
    expect(labels('rnn_tanh').some((l) => l.startsWith('gates') || l.startsWith('dgates_hid'))).toBe(false);
  });

  it('gives the shapes of the layouts (time-major inside, G·H gate rows)', () => {
    const p = planWorkspace(config('lstm'), 7, 11);
    expect(p.forward.layers[1]!.gx.shape).toEqual([11, 7, 20]);
    expect(p.forward.layers[0]!.hseq.shape).toEqual([12, 7, 5]);
    expect(p.forward.layers[0]!.gates!.shape).toEqual([11, 7, 20]);
    expect(p.backward.layers[0]!.dIn.shape).toEqual([11, 7, 3]);
    expect(p.backward.layers[1]!.dIn.shape).toEqual([11, 7, 5]);
    expect(planWorkspace(config('gru', 'last-step'), 7, 11).forward.out.shape).toEqual([7, 2]);
    expect(planWorkspace(config('gru', 'last-step'), 7, 11).backward.dRnnOut).toBeNull();
  });

  it('realizes an entry listed twice (dgHid that is dgIn) as one tensor', () => {
    const p = planWorkspace(config('lstm'), 2, 3);
    let made = 0;
    const grads = realize(p.backward, (t) => ({ id: made++, label: t.label }));
    expect(grads.layers[0]!.dgHid).toBe(grads.layers[0]!.dgIn);
    // per layer dgIn (= dgHid), dIn, dhCarry, dcCarry; then dOut, dRnnOut, dyTop, dx, dh0, dc0, loss
    expect(made).toBe(2 * 4 + 7);
  });
});
