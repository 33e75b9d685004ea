// kernel-paths.test.ts — both kernel paths ('plain', and 'subgroups' where the adapter has
// subgroups: shaders/lib/rows_subgroups.wgsl, tile_vec4.wgsl, shaders/gemm_subgroups.wgsl) of the whole model
// against the float64 reference, on tiles where the subgroup path really broadcasts (batch 17:
// two full tiles of 8 and one of a single sequence; hidden 13 and 67: not multiples of 4 or of
// a workgroup), both time-loop variants, a bidirectional layer, and the path choice itself.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { expectConforms, runCase, tensorRelError, type RandomCase } from './recurrent-helpers';
import { RecurrentModel, type CellType } from '../../src/model';
import { AUTO_KERNEL_PATH, pickKernelPath } from '../../src/model/kernel-paths';
import { subgroupRowsKernel, subgroupWidth, KERNEL_PATHS } from '../../src/gpu/subgroups';
import { gemmKernel } from '../../src/kernels/gemm';
import { lstmKernel } from '../../src/kernels/lstm';
import { subgroupsKernelFor } from '../../src/kernels/weight-loads';

const gpu = useGpu();
const hasSubgroups = (): boolean => subgroupWidth(gpu.sched) !== null;

const CELLS: CellType[] = ['rnn_tanh', 'lstm', 'gru'];

describe.each(KERNEL_PATHS.map((p) => [p] as const))('kernel path %s vs float64 reference', (path) => {
  it.each(CELLS.map((c) => [c] as const))('%s: batch 17, hidden 13 and 12 (W_hh loads scalar and vec4), 2 layers, both time-loop variants', async (cell) => {
    if (path === 'subgroups' && !hasSubgroups()) return;
    for (const hiddenSize of [13, 12]) {
      const c: RandomCase = { config: { cell, inputSize: 3, hiddenSize, numLayers: 2, outputSize: 2, head: 'every-step' }, batch: 17, seqLen: 5, withState: true, loss: 'mse', seed: 11 };
      for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant, path }));
    }
  });

  it('lstm: hidden 67 (two lane passes forward), bidirectional, tile rows 16, last-step head', async () => {
    if (path === 'subgroups' && !hasSubgroups()) return;
    const c: RandomCase = { config: { cell: 'lstm', inputSize: 1, hiddenSize: 67, numLayers: 1, outputSize: 1, head: 'last-step', bidirectional: true }, batch: 19, seqLen: 3, withState: false, loss: 'mse', seed: 5 };
    expectConforms(await runCase(gpu.sched, c, { variant: 'persistent', path }));
    expectConforms(await runCase(gpu.sched, c, { variant: 'step', path, tile: { rows: 16, wg: 16 } }));
  });
});

describe('kernel path choice', () => {
  it("the paths agree to rounding (the same sums in the same order); 'auto' follows the adapter table", async () => {
    if (!hasSubgroups()) return;
    const c: RandomCase = { config: { cell: 'gru', inputSize: 2, hiddenSize: 9, numLayers: 1, outputSize: 1, head: 'every-step' }, batch: 16, seqLen: 4, withState: true, loss: 'mse', seed: 2 };
    const a = await runCase(gpu.sched, c, { variant: 'persistent', path: 'plain' });
    const b = await runCase(gpu.sched, c, { variant: 'persistent', path: 'subgroups' });
    expect(tensorRelError(a.gpu.out, b.gpu.out)).toBeLessThan(1e-6);
    for (const [name, g] of Object.entries(a.gpu.grads)) expect(tensorRelError(b.gpu.grads[name]!, g), name).toBeLessThan(1e-5);
    expect(pickKernelPath(gpu.sched, 'auto')).toBe(AUTO_KERNEL_PATH[gpu.ctx.adapterKind]);
  });

  it("rejects an unknown path, and 'subgroups' where the device has none, before any GPU work", async () => {
    const config = { cell: 'lstm' as const, inputSize: 1, hiddenSize: 4, numLayers: 1, outputSize: 1, head: 'last-step' as const };
    await expect(RecurrentModel.create(gpu.sched, config, { path: 'fast' as never })).rejects.toThrow(/path must be one of 'auto', 'plain', 'subgroups', got 'fast'/);
    if (!hasSubgroups()) await expect(RecurrentModel.create(gpu.sched, config, { path: 'subgroups' })).rejects.toThrow(/path 'subgroups' needs a device with the 'subgroups' feature/);
  });

  it('the subgroup kernel swaps only the row loads: same entry points, enable first, lines mapped to rows_subgroups', () => {
    const k = subgroupRowsKernel(lstmKernel);
    expect(subgroupRowsKernel(lstmKernel)).toBe(k);
    expect(k.code.split('\n')[0]).toBe('enable subgroups;');
    expect([...k.reflection.entryPoints.keys()]).toEqual([...lstmKernel.reflection.entryPoints.keys()]);
    expect(k.code).toContain('subgroupShuffle');
    expect(k.lineMap.some((l) => l.file === 'rows_direct')).toBe(false);
    expect(k.lineMap.filter((l) => l.file === 'rows_subgroups').length).toBeGreaterThan(3);
    expect(k.code.split('\n').length).toBe(k.lineMap.length);
    expect(() => subgroupRowsKernel(gemmKernel)).toThrow(/gemm.wgsl does not include "rows_direct"/);
  });

  it("the 'subgroups' path reads the workgroup tile as vec4 where H % 4 = 0 only, with the vec4 loads of W_hh", () => {
    const helpers = (hidden: number) => [...new Set(subgroupsKernelFor(lstmKernel, hidden).lineMap.map((l) => l.file))].filter((f) => /^(rows|tile|weights)_/.test(f)).sort();
    expect(helpers(12)).toEqual(['rows_subgroups', 'tile_vec4', 'weights_vec4']);
    expect(helpers(13)).toEqual(['rows_subgroups', 'tile_scalar', 'weights_scalar']);
    expect(subgroupsKernelFor(lstmKernel, 12)).toBe(subgroupsKernelFor(lstmKernel, 64));
    // The entries keep their overrides through the swapped helpers' functions (SG is only used there).
    expect(subgroupsKernelFor(lstmKernel, 12).reflection.entryPoints.get('backward_seq')!.overrides).toContain('SG');
  });
});
