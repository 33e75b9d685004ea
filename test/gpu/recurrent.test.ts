// recurrent.test.ts — the GPU model (all cells, both heads, both losses, both time-loop
// variants) against the float64 reference on random shapes including 1, primes, hidden sizes
// above one workgroup and batches above one tile; conformance criterion of issue 4:
// outputs |a − b| ≤ 1e-5 + 1e-4·|b|, every gradient max|a − b| ≤ 1e-4·max|b|.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { expectConforms, runCase, tensorRelError, type RandomCase } from './recurrent-helpers';
import { CELL_TYPES, type CellType, type HeadMode } from '../../src/model';
import { Random } from '../../src/util/random';

const gpu = useGpu();

/** A random case; sizes drawn from awkward values. */
function randomCase(cell: CellType, head: HeadMode, loss: RandomCase['loss'], seed: number): RandomCase {
  const rng = new Random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  return {
    config: { cell, inputSize: pick([1, 2, 5]), hiddenSize: pick([1, 7, 13, 67]), numLayers: pick([1, 2, 3]), outputSize: pick([1, 3]), head },
    batch: pick([1, 3, 17]),
    seqLen: pick([1, 5, 11]),
    withState: rng.next() < 0.5,
    loss,
    seed,
  };
}

const combos: [CellType, HeadMode, RandomCase['loss']][] = [];
for (const cell of CELL_TYPES) {
  for (const head of ['every-step', 'last-step'] as const) for (const loss of ['mse', 'cross_entropy'] as const) combos.push([cell, head, loss]);
}

describe('GPU model vs float64 reference', () => {
  it.each(combos.map((c, i) => [...c, i] as const))('%s, head %s, loss %s (case %i)', async (cell, head, loss, i) => {
    const c = randomCase(cell, head, loss, 1000 + i);
    expectConforms(await runCase(gpu.sched, c));
  });

  it.each(CELL_TYPES.map((c) => [c] as const))('%s: hidden 130 (two lane passes), batch 19 (three tiles), 3 layers', async (cell) => {
    const c: RandomCase = { config: { cell, inputSize: 3, hiddenSize: 130, numLayers: 3, outputSize: 2, head: 'every-step' }, batch: 19, seqLen: 4, withState: true, loss: 'mse', seed: 7 };
    for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant }));
  });

  // H % 4 = 0 reads W_hh as vec4 (src/kernels/weight-loads.ts; the sizes above take the scalar loads).
  it.each(CELL_TYPES.map((c) => [c] as const))('%s: hidden 4 and 68 (W_hh read as vec4), batch 17, 2 layers, both variants', async (cell) => {
    for (const hiddenSize of [4, 68]) {
      const c: RandomCase = { config: { cell, inputSize: 3, hiddenSize, numLayers: 2, outputSize: 2, head: 'every-step' }, batch: 17, seqLen: 5, withState: true, loss: 'mse', seed: hiddenSize };
      for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant }));
    }
  });
});

describe('time-loop variants', () => {
  it.each(CELL_TYPES.map((c) => [c] as const))('%s: persistent and stepwise kernels agree', async (cell) => {
    const c: RandomCase = { config: { cell, inputSize: 2, hiddenSize: 13, numLayers: 2, outputSize: 3, head: 'every-step' }, batch: 5, seqLen: 9, withState: true, loss: 'mse', seed: 3 };
    const a = await runCase(gpu.sched, c, { variant: 'step' });
    const b = await runCase(gpu.sched, c, { variant: 'persistent' });
    // Same per-step sums in the same order; only the last dh (a gemm vs in-kernel) differs.
    expect(tensorRelError(a.gpu.out, b.gpu.out)).toBeLessThan(1e-6);
    expect(tensorRelError(a.gpu.hN, b.gpu.hN)).toBeLessThan(1e-6);
    for (const [name, g] of Object.entries(a.gpu.grads)) expect(tensorRelError(b.gpu.grads[name]!, g), name).toBeLessThan(1e-5);
    expect(tensorRelError(b.gpu.dh0, a.gpu.dh0)).toBeLessThan(1e-5);
  });

  it.each([1, 2, 3, 8].map((rows) => [rows] as const))('explicit tile rows=%i gives the reference results', async (rows) => {
    const c: RandomCase = { config: { cell: 'lstm', inputSize: 2, hiddenSize: 9, numLayers: 1, outputSize: 1, head: 'last-step' }, batch: 11, seqLen: 3, withState: false, loss: 'mse', seed: rows };
    for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant, tile: { rows, wg: 8 } }));
  });
});
