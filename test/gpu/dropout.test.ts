// dropout.test.ts — shaders/dropout.wgsl (join and split against src/reference/dropout.ts:
// the same mask bit for bit, its statistics, p = 0 an exact copy) and dropout in the model:
// training forwards and BPTT through the fixed masks against the float64 reference (both
// variants, one and two directions, input dropout), evaluation and p = 0 bit-identical to
// no dropout, the same step the same run.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { elementwiseRatio, runCase, tensorRelError, type CaseResult, type RandomCase } from './recurrent-helpers';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { dropoutJoin, dropoutKernel, dropoutMaskOf, dropoutSplit } from '../../src/kernels/dropout';
import { dropoutMask, joinReference } from '../../src/reference/dropout';
import { Random } from '../../src/util/random';
import type { GpuTensor } from '../../src/gpu/tensor';

const gpu = useGpu();

/** Batch-first [B, T, W] from time-major rows [T·B, W] (and back with inverse). */
function batchFirst(rows: ArrayLike<number>, B: number, T: number, W: number, inverse = false): Float64Array {
  const out = new Float64Array(B * T * W);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < W; j++) {
        const [tm, bf] = [(t * B + b) * W + j, (b * T + t) * W + j];
        if (inverse) out[tm] = rows[bf]!;
        else out[bf] = rows[tm]!;
      }
    }
  }
  return out;
}

describe('dropout kernel', () => {
  const [B, T, W] = [5, 7, 13]; // N = 35 rows, not a multiple of the workgroup
  const rng = new Random(2);

  it.each([[0.37, 1], [0.5, 2]] as const)('p = %f, %i part(s): join and split equal the reference, the same mask both ways', async (p, P) => {
    await gpu.sched.prepare(dropoutKernel);
    const parts = Array.from({ length: P }, () => Float32Array.from({ length: T * B * W }, () => rng.normal()));
    const gParts = parts.map((d, k) => gpu.sched.createTensor([T * B, W], 'f32', `part ${k}`, d));
    const joined = gpu.sched.createTensor([T * B, P * W], 'f32', 'joined');
    const mask = dropoutMaskOf(p, 11, 3, 2);
    dropoutJoin(gpu.sched, { steps: T, batch: B, width: W, parts: parts.map((_, k) => ({ tensor: gParts[k]!, offset: 0 })), joined, mask });
    const outs = parts.map((_, k) => gpu.sched.createTensor([T * B, W], 'f32', `split ${k}`));
    dropoutSplit(gpu.sched, { steps: T, batch: B, width: W, parts: outs.map((tensor) => ({ tensor, offset: 0 })), joined, mask });
    const [got, ...split] = (await gpu.sched.readMany([joined, ...outs])) as Float32Array[];
    const refMask = dropoutMask({ seed: 11, step: 3, site: 2, p }, B, T, P * W);
    const want = joinReference(parts.map((d) => batchFirst(d, B, T, W)), W, refMask);
    const gotBf = batchFirst(got!, B, T, P * W);
    for (let e = 0; e < want.length; e++) expect(gotBf[e] === 0, `element ${e}`).toBe(refMask[e] === 0);
    expect(elementwiseRatio(gotBf, want, 1e-30, 1e-6)).toBeLessThanOrEqual(1);
    // split(join(x)) = x · mask²: the same elements drop.
    split.forEach((s, k) => {
      for (let i = 0; i < s.length; i++) expect(s[i] === 0).toBe(got![Math.floor(i / W) * P * W + k * W + (i % W)] === 0 || parts[k]![i] === 0);
    });
    for (const t of [...gParts, joined, ...outs]) gpu.sched.destroyBuffer(t.buffer);
  });

  it('drops p of 200 000 elements (within binomial bounds) and p = 0 copies exactly', async () => {
    const [b, t, w] = [64, 50, 62];
    const ones = gpu.sched.createTensor([t * b, w], 'f32', 'ones', new Float32Array(t * b * w).fill(1));
    const joined = gpu.sched.createTensor([t * b, w], 'f32', 'joined');
    const n = b * t * w;
    for (const p of [0.2, 0.7]) {
      dropoutJoin(gpu.sched, { steps: t, batch: b, width: w, parts: [{ tensor: ones, offset: 0 }], joined, mask: dropoutMaskOf(p, 1, 9, 1) });
      const got = (await gpu.sched.read(joined)) as Float32Array;
      const dropped = got.filter((v) => v === 0).length;
      expect(Math.abs(dropped - n * p)).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
      expect(got.every((v) => v === 0 || v === Math.fround(1 / (1 - p)))).toBe(true);
    }
    const data = Float32Array.from({ length: n }, () => rng.normal());
    gpu.sched.upload(ones, data);
    dropoutJoin(gpu.sched, { steps: t, batch: b, width: w, parts: [{ tensor: ones, offset: 0 }], joined, mask: dropoutMaskOf(0, 1, 9, 1) });
    expect(new Uint32Array(((await gpu.sched.read(joined)) as Float32Array).buffer)).toEqual(new Uint32Array(data.buffer));
    for (const x of [ones, joined]) gpu.sched.destroyBuffer(x.buffer);
  });

  it('refuses a bad p, step or part size before recording', () => {
    expect(() => dropoutMaskOf(1, 0, 0, 1)).toThrow(/p must be in \[0, 1\), got 1/);
    expect(() => dropoutMaskOf(0.5, 0, -1, 1)).toThrow(/step must be an integer >= 0, got -1/);
    const small = gpu.sched.createTensor([4], 'f32', 'small');
    const joined = gpu.sched.createTensor([8], 'f32', 'joined');
    expect(() => dropoutJoin(gpu.sched, { steps: 2, batch: 2, width: 2, parts: [{ tensor: small, offset: 0 }], joined, mask: null })).toThrow(/part 0 \(small \[4\]\) has no 4 × 2 values at offset 0/);
    expect(() => dropoutJoin(gpu.sched, { steps: 2, batch: 2, width: 2, parts: [{ tensor: joined, offset: 0 }], joined: small, mask: null })).toThrow(/small \[4\] holds fewer than 4 × 2 values/);
    for (const t of [small, joined]) gpu.sched.destroyBuffer(t.buffer);
  });
});

function expectConforms(r: CaseResult): void {
  const f = r.ref.fwd;
  for (const [name, a, b] of [['out', r.gpu.out, f.out], ['h_n', r.gpu.hN, f.hN], ['loss', [r.gpu.loss], [r.ref.loss]]] as const) {
    expect(elementwiseRatio(a, b, 1e-5, 1e-4), name).toBeLessThanOrEqual(1);
  }
  expect(tensorRelError(r.gpu.dx, r.ref.grads.x), 'grad x').toBeLessThanOrEqual(1e-4);
  for (const [name, g] of Object.entries(r.ref.grads.params)) expect(tensorRelError(r.gpu.grads[name]!, g), `grad ${name}`).toBeLessThanOrEqual(1e-4);
}

describe('dropout in the model', () => {
  const configs: [string, ModelConfig][] = [
    ['lstm, 3 layers, dropout 0.3', { cell: 'lstm', inputSize: 3, hiddenSize: 7, numLayers: 3, outputSize: 2, head: 'last-step', dropout: 0.3 }],
    ['bidirectional gru, dropout 0.5 and input dropout 0.2', { cell: 'gru', inputSize: 5, hiddenSize: 13, numLayers: 2, outputSize: 3, head: 'every-step', bidirectional: true, dropout: 0.5, inputDropout: 0.2 }],
    ['rnn_tanh, input dropout only', { cell: 'rnn_tanh', inputSize: 4, hiddenSize: 5, numLayers: 2, outputSize: 1, head: 'final-states', inputDropout: 0.4 }],
  ];

  it.each(configs)('%s: a training step equals the float64 reference with the same masks (step and persistent)', async (_name, config) => {
    const c: RandomCase = { config, batch: 6, seqLen: 5, withState: true, loss: 'mse', seed: 31, trainingStep: 12 };
    for (const variant of ['step', 'persistent'] as const) expectConforms(await runCase(gpu.sched, c, { variant }));
  });

  /** out and the gradients of one forward + backward, as bits. */
  async function run(config: ModelConfig, training: { step: number } | null): Promise<Uint32Array[]> {
    const model = await RecurrentModel.create(gpu.sched, config, { seed: 8 });
    const rng = new Random(4);
    const x = gpu.sched.createTensor([4, 6, config.inputSize], 'f32', 'x', Float32Array.from({ length: 24 * config.inputSize }, () => rng.normal()));
    const y = gpu.sched.createTensor([4, config.outputSize], 'f32', 'y', Float32Array.from({ length: 4 * config.outputSize }, () => rng.normal()));
    const { out } = model.forward(x, { training });
    const { dx } = model.lossAndBackward({ kind: 'mse', target: y });
    const got = (await gpu.sched.readMany([out, dx])) as Float32Array[];
    const grads = Object.values(await model.getGradients());
    model.destroy();
    for (const t of [x, y] as GpuTensor[]) gpu.sched.destroyBuffer(t.buffer);
    return [...got, ...grads].map((a) => new Uint32Array(a.buffer.slice(0)));
  }

  it('p = 0 in training, and any p in evaluation, are bit-identical to no dropout; steps draw different masks, the same step the same', async () => {
    const plain: ModelConfig = { cell: 'lstm', inputSize: 3, hiddenSize: 9, numLayers: 3, outputSize: 2, head: 'last-step', bidirectional: true };
    const none = await run(plain, null);
    expect(await run({ ...plain, dropout: 0, inputDropout: 0 }, { step: 3 })).toEqual(none);
    expect(await run({ ...plain, dropout: 0.5, inputDropout: 0.5 }, null)).toEqual(none);
    const dropped = { ...plain, dropout: 0.5 };
    const a = await run(dropped, { step: 3 });
    expect(a).not.toEqual(none);
    expect(await run(dropped, { step: 3 })).toEqual(a);
    expect(await run(dropped, { step: 4 })).not.toEqual(a);
  });

  it('rejects a bad dropout or training step, naming it', async () => {
    const base: ModelConfig = { cell: 'gru', inputSize: 1, hiddenSize: 2, numLayers: 2, outputSize: 1, head: 'last-step' };
    await expect(RecurrentModel.create(gpu.sched, { ...base, dropout: 1 })).rejects.toThrow(/config.dropout must be a finite number >= 0 and < 1, got 1/);
    await expect(RecurrentModel.create(gpu.sched, { ...base, inputDropout: '0.1' as unknown as number })).rejects.toThrow(/config.inputDropout must be a finite number >= 0 and < 1, got '0.1' \(a string\)/);
    const model = await RecurrentModel.create(gpu.sched, { ...base, dropout: 0.2 });
    const x = gpu.sched.createTensor([2, 3, 1], 'f32', 'x');
    expect(() => model.forward(x, { training: { step: -1 } })).toThrow(/training.step must be an integer >= 0, got -1/);
    model.destroy();
    gpu.sched.destroyBuffer(x.buffer);
  });
});
