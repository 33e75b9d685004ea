// bidirectional.test.ts — bidirectional GPU models (every cell and head, both time-loop
// variants) against the float64 reference on awkward shapes (1, primes, hidden sizes above
// one workgroup, 3 layers), with the conformance criterion; their state_dict names and
// safetensors round trip; and the errors a bidirectional model gives.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { expectConforms, runCase, type RandomCase } from './recurrent-helpers';
import { CELL_TYPES, RecurrentModel, type CellType, type HeadMode } from '../../src/model';
import { decodeSafetensors } from '../../src/io/safetensors';

const gpu = useGpu();

const HEADS: HeadMode[] = ['every-step', 'last-step', 'final-states'];

function bidirectionalCase(cell: CellType, head: HeadMode, i: number): RandomCase {
  const sizes = [[1, 1, 1, 1], [3, 7, 2, 5], [17, 13, 3, 4], [5, 67, 2, 3]][i % 4]!;
  const [batch, hiddenSize, numLayers, seqLen] = sizes as [number, number, number, number];
  return {
    config: { cell, inputSize: 2 + (i % 3), hiddenSize, numLayers, outputSize: 3, head, bidirectional: true },
    batch, seqLen, withState: i % 2 === 0, loss: i % 3 === 0 ? 'cross_entropy' : 'mse', seed: 500 + i,
  };
}

const combos = CELL_TYPES.flatMap((cell) => HEADS.map((head) => [cell, head] as const));

describe('bidirectional GPU model vs float64 reference', () => {
  it.each(combos.map((c, i) => [...c, i] as const))('%s, head %s (case %i), step and persistent kernels', async (cell, head, i) => {
    const c = bidirectionalCase(cell, head, i);
    for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant }));
  });

  it.each(['lstm', 'gru'] as const)('%s: hidden 130 (two lane passes), batch 19, 3 layers', async (cell) => {
    const c: RandomCase = { config: { cell, inputSize: 3, hiddenSize: 130, numLayers: 3, outputSize: 2, head: 'final-states', bidirectional: true }, batch: 19, seqLen: 4, withState: true, loss: 'mse', seed: 9 };
    for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant }));
  });
});

describe('bidirectional model API', () => {
  const config = { cell: 'gru' as const, inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 1, head: 'last-step' as const, bidirectional: true };

  it("names the reverse direction's tensors with _reverse, layer 1 reads 2H, and round-trips safetensors", async () => {
    const model = await RecurrentModel.create(gpu.sched, config, { seed: 4 });
    const params = await model.getParameters();
    expect(Object.keys(params)).toEqual([
      'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1', 'weight_ih_l1_reverse', 'weight_hh_l1_reverse', 'bias_ih_l1_reverse', 'bias_hh_l1_reverse',
      'head.weight', 'head.bias',
    ]);
    const file = await model.toSafetensors();
    const decoded = decodeSafetensors(file);
    expect(decoded.tensors['weight_ih_l1_reverse']!.shape).toEqual([9, 6]);
    expect(decoded.tensors['head.weight']!.shape).toEqual([1, 6]);
    const other = await RecurrentModel.create(gpu.sched, config, { seed: 5 });
    other.loadSafetensors(file);
    expect(await other.getParameters()).toEqual(params);
    const { weight_hh_l0_reverse: _, ...missing } = params;
    expect(() => other.setParameters(missing)).toThrow(/weight_hh_l0_reverse/);
    model.destroy();
    other.destroy();
  });

  it('takes h0 [2L, B, H] and refuses [L, B, H] and truncated BPTT, before any GPU work', async () => {
    const model = await RecurrentModel.create(gpu.sched, config, { seed: 1 });
    const x = gpu.sched.createTensor([4, 5, 2], 'f32', 'x');
    const small = gpu.sched.createTensor([2, 4, 3], 'f32', 'h0');
    expect(() => model.forward(x, { h0: small })).toThrow(/h0 has shape \[2, 4, 3\], expected \[4, 4, 3\]/);
    model.forward(x);
    const labels = gpu.sched.createTensor([4], 'u32', 'labels');
    expect(() => model.lossAndBackward({ kind: 'cross_entropy', labels }, { truncate: 2 })).toThrow(/truncate 2 is not supported by a bidirectional model/);
    gpu.sched.discard();
    model.destroy();
    for (const t of [x, small, labels]) gpu.sched.destroyBuffer(t.buffer);
  });
});
