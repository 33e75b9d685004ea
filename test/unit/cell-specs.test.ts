// cell-specs.test.ts — the CellSpec table (src/model/cells.ts) against the shaders it reads and
// the float64 reference's own cell table: no GPU.
import { describe, expect, it } from 'vitest';
import { CELL_SPECS, CELL_TYPES, cellSpec } from '../../src/model/cells';
import { CELL_KINDS, carriesCellState, gateCount } from '../../src/reference/cells';
import { modelParamShapes } from '../../src/model/params';

describe('CellSpec table', () => {
  it('lists the same cells as the reference, in the same order', () => {
    expect(CELL_TYPES).toEqual(CELL_KINDS);
  });

  it.each(CELL_TYPES.map((c) => [c]))('%s: gates (from its WGSL) and cell state agree with the reference', (cell) => {
    const s = CELL_SPECS[cell];
    expect(s.name).toBe(cell);
    expect(s.gates).toBe(gateCount(cell));
    expect(s.cellState).toBe(carriesCellState(cell));
    expect(s.keptGates === 0).toBe(cell.startsWith('rnn_'));
    expect(s.initBound(16)).toBe(0.25);
  });

  it('gives G·H rows to every layer tensor', () => {
    const shapes = modelParamShapes({ cell: 'gru', inputSize: 5, hiddenSize: 7, numLayers: 2, outputSize: 3 });
    expect(shapes).toEqual({
      weight_ih_l0: [21, 5], weight_hh_l0: [21, 7], bias_ih_l0: [21], bias_hh_l0: [21],
      weight_ih_l1: [21, 7], weight_hh_l1: [21, 7], bias_ih_l1: [21], bias_hh_l1: [21],
      'head.weight': [3, 7], 'head.bias': [3],
    });
  });

  it('names the field for an unknown cell', () => {
    expect(() => cellSpec('lstm2' as never)).toThrow(/config\.cell must be one of rnn_tanh, rnn_relu, rnn_identity, lstm, gru, got lstm2/);
    expect(() => cellSpec('toString' as never)).toThrow(/config\.cell must be one of/);
  });
});
