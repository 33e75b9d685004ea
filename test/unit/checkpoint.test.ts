import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type CheckpointState } from '../../src/train/node/checkpoint';
import { decodeSafetensors } from '../../src/io/safetensors';

function state(epoch: number): CheckpointState {
  const w = { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, epoch]) };
  const b = { shape: [2], data: Float32Array.from([0.1, -0.2]) };
  return {
    config: { cells: ['lstm'], lr: 0.001 }, cell: 'lstm', epoch, step: 10 * epoch,
    params: { 'weight_ih_l0': w, 'head.bias': b },
    optimizer: { exp_avg: { 'weight_ih_l0': w, 'head.bias': b }, exp_avg_sq: { 'weight_ih_l0': w, 'head.bias': b } },
    history: { trainLoss: [1, 0.5] }, trainSeconds: 1.5, complete: false,
  };
}

describe('checkpoints', () => {
  it('round-trip every tensor bit for bit, and the weights file is a plain state dict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, state(3));
    const back = await loadCheckpoint(dir);
    expect(back).toEqual(state(3));
    const files = await readdir(dir);
    const weights = decodeSafetensors(new Uint8Array(await readFile(join(dir, files.find((f) => f.startsWith('model-'))!))));
    expect(Object.keys(weights.tensors).sort()).toEqual(['head.bias', 'weight_ih_l0']);
  });

  it('keeps only the newest weight files, and a stray temporary file does not matter', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, state(1));
    await writeFile(join(dir, 'checkpoint.json.tmp-1'), '{ interrupted');
    await saveCheckpoint(dir, state(2));
    const files = (await readdir(dir)).filter((f) => f.endsWith('.safetensors')).sort();
    expect(files).toEqual(['model-e00002.safetensors', 'optimizer-e00002.safetensors']);
    expect((await loadCheckpoint(dir))!.epoch).toBe(2);
  });

  it('is null where there is none, and names a foreign file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-'));
    expect(await loadCheckpoint(dir)).toBeNull();
    await writeFile(join(dir, 'checkpoint.json'), JSON.stringify({ format: 'other' }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/not a springloop checkpoint \(format 'other'\)/);
  });
});
