// jaxjs-peer.test.ts — the jax-js peer's cells (bench/peers/jaxjs-model.ts) on jax-js's wasm
// device at the tiny shape: the first loss equals the float64 reference's for RNN, LSTM and
// GRU (PyTorch gate order), and the loss falls over the validation steps; and the check that
// refuses a wrong first loss or a loss that does not fall. No timing is asserted.
import { beforeAll, describe, expect, it } from 'vitest';
import * as jax from '@jax-js/jax';
import { timeJaxTrainStep, checkLosses } from '../../bench/peers/jaxjs-model';
import { PEER_CELLS, workload } from '../../bench/peers/peer';

beforeAll(async () => {
  expect(await jax.init('wasm')).toContain('wasm');
  jax.defaultDevice('wasm');
});

describe('jax-js peer', () => {
  it.each(PEER_CELLS)('trains the tiny %s like the float64 reference, and the loss falls', async (cell) => {
    const w = { ...workload(cell, 'tiny'), layers: 2 };
    const row = await timeJaxTrainStep(jax, 'jaxjs-wasm', w, { steps: 12, warmup: 1 });
    expect(row.name).toBe(`peer/jaxjs-wasm/train_step/${cell}/tiny`);
    expect(row.notes?.validated_steps).toBe(12);
    expect(Number(row.notes?.loss_last)).toBeLessThan(Number(row.notes?.loss_first));
    expect(row.median_ms).toBeGreaterThan(0);
  });

  it('refuses a first loss off the reference, and a loss that does not fall', () => {
    expect(() => checkLosses('x', [1.5, 1.2], 1.0)).toThrow(/first loss 1.5 but the float64 reference gives 1/);
    expect(() => checkLosses('x', [1.0, 1.0], 1.0)).toThrow(/did not fall over 2 steps/);
    expect(() => checkLosses('x', [1.0, 0.9], 1.0)).not.toThrow();
  });
});
