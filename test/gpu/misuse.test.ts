// misuse.test.ts — the misuse table (misuse-cases.ts) on one context in Node: every misuse
// throws its message before recording or allocating anything, and afterwards simulate() and
// one training step still work on the same context (nothing is poisoned).
import { describe, expect, it } from 'vitest';
import * as L from '../../src/index';
import { lstmForward, lstmKernels, type LstmForwardArgs } from '../../src/kernels/lstm';
import { useGpu } from './gpu-context';
import { MISUSE_CASES, runMisuse, type MisuseEnv } from './misuse-cases';

const gpu = useGpu();

function env(): MisuseEnv {
  return {
    L,
    ctx: gpu.ctx,
    sched: gpu.sched,
    lstmForward: async (sched, args) => {
      await sched.prepare(...lstmKernels);
      lstmForward(sched, args as unknown as LstmForwardArgs);
    },
  };
}

describe('misuse on one context', () => {
  it.each(MISUSE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const out = await runMisuse(c, env());
    if (out.skipped) return;
    if (c.expect) {
      expect(out.message).toMatch(c.expect);
      if (!c.recordsFirst) {
        expect(out.recorded, 'dispatches recorded by the misuse').toBe(0);
        expect(out.allocated, 'buffers created by the misuse').toBe(0);
      }
    } else {
      expect(out.message).toBeNull();
    }
    expect(out.survived).toBe('yes');
    // Nothing was left half-recorded either: the next submit finds an empty encoder.
    const submits = gpu.sched.counters.submits;
    gpu.sched.submit();
    expect(gpu.sched.counters.submits).toBe(submits);
  });

  it('use after destroy throws a UseAfterDestroyError; device loss a DeviceLostError (typed, exported)', async () => {
    const m = await L.RecurrentModel.create(gpu.sched, { cell: 'gru', inputSize: 1, hiddenSize: 2, numLayers: 1, outputSize: 1, head: 'last-step' });
    m.destroy();
    const caught = await m.getParameters().catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(L.UseAfterDestroyError);
    expect((caught as Error).name).toBe('UseAfterDestroyError');
    expect(new L.DeviceLostError('unknown', 'gone', 'adapter')).toBeInstanceOf(Error);
  });
});
