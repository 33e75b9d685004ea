// model-api.test.ts — RecurrentModel options and boundaries: truncated BPTT, gradients arriving
// at the final states, accumulation, safetensors round trips, and bad input (each a clear error
// naming the tensor or parameter, thrown before anything is recorded or allocated).
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { referenceConfig } from '../../src/model/config';
import { modelParamShapes } from '../../src/model/params';
import { paramsToFloat64, recurrentBackward, recurrentForward } from '../../src/reference/recurrent';
import { mseLoss } from '../../src/reference/losses';
import { encodeSafetensors, type Float32Tensor } from '../../src/io/safetensors';
import { Random } from '../../src/util/random';
import type { GpuTensor } from '../../src/gpu/tensor';
import { tensorRelError } from './recurrent-helpers';

const gpu = useGpu();
const normals = (n: number, rng: Random, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());

async function lstmModel(config: Partial<ModelConfig> = {}) {
  return RecurrentModel.create(gpu.sched, { cell: 'lstm', inputSize: 3, hiddenSize: 6, numLayers: 2, outputSize: 2, head: 'last-step', ...config }, { seed: 5 });
}

describe('backward options', () => {
  it.each(['lstm', 'gru', 'rnn_tanh'] as const)('%s: truncated BPTT equals full BPTT of the last k steps from the detached state', async (cell) => {
    const { sched } = gpu;
    const B = 3, T = 7, k = 3, I = 2, H = 5, L = 2, O = 2;
    const config: ModelConfig = { cell, inputSize: I, hiddenSize: H, numLayers: L, outputSize: O, head: 'last-step' };
    const model = await RecurrentModel.create(sched, config, { seed: 11 });
    const rng = new Random(3);
    const x = normals(B * T * I, rng);
    const y = normals(B * O, rng);
    const xt = sched.createTensor([B, T, I], 'f32', 'x', x);
    const yt = sched.createTensor([B, O], 'f32', 'y', y);
    model.forward(xt);
    const g = model.lossAndBackward({ kind: 'mse', target: yt }, { truncate: k });
    const [dx, dh0] = (await sched.readMany([g.dx, g.dh0])) as Float32Array[];
    const grads = await model.getGradients();
    // Reference: the full forward gives the states at step T−k−1; the last k steps from there.
    const rc = referenceConfig(config);
    const p64 = paramsToFloat64(await model.getParameters());
    const full = recurrentForward(rc, p64, { x: Float64Array.from(x), batch: B, seqLen: T });
    const h0 = new Float64Array(L * B * H);
    const c0 = cell === 'lstm' ? new Float64Array(L * B * H) : null;
    for (let l = 0; l < L; l++) {
      h0.set(full.layers[l]!.steps[T - k - 1]!.h, l * B * H);
      if (c0) c0.set(full.layers[l]!.steps[T - k - 1]!.c!, l * B * H);
    }
    const xs = new Float64Array(B * k * I);
    for (let b = 0; b < B; b++) xs.set(x.subarray((b * T + T - k) * I, (b + 1) * T * I), b * k * I);
    const part = recurrentForward(rc, p64, { x: xs, batch: B, seqLen: k, h0, c0 });
    const want = recurrentBackward(rc, p64, part, mseLoss(part.out, Float64Array.from(y)).dOut);
    for (const [name, w] of Object.entries(want.params)) expect(tensorRelError(grads[name]!, w), name).toBeLessThan(1e-4);
    expect(tensorRelError(dh0!, want.h0)).toBeLessThan(1e-4);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < I; i++) {
          const got = dx![(b * T + t) * I + i]!;
          if (t < T - k) expect(got).toBe(0);
          else expect(Math.abs(got - want.x[(b * k + t - (T - k)) * I + i]!)).toBeLessThan(1e-5);
        }
      }
    }
    model.destroy();
    sched.destroyBuffer(xt.buffer);
    sched.destroyBuffer(yt.buffer);
  });

  it('takes gradients arriving at h_n and c_n, and accumulates when asked', async () => {
    const { sched } = gpu;
    const model = await lstmModel({ head: 'every-step' });
    const B = 2, T = 4, L = 2, H = 6;
    const rng = new Random(9);
    const x = normals(B * T * 3, rng);
    const dOut = normals(B * T * 2, rng);
    const dhN = normals(L * B * H, rng);
    const dcN = normals(L * B * H, rng);
    const t = (shape: number[], d: Float32Array) => sched.createTensor(shape, 'f32', 't', d);
    const [xt, dt, dht, dct] = [t([B, T, 3], x), t([B, T, 2], dOut), t([L, B, H], dhN), t([L, B, H], dcN)];
    model.forward(xt!);
    const g = model.backward(dt!, { dhN: dht, dcN: dct });
    const [dh0, dc0] = (await sched.readMany([g.dh0, g.dc0!])) as Float32Array[];
    const once = await model.getGradients();
    const rc = referenceConfig(model.config);
    const p64 = paramsToFloat64(await model.getParameters());
    const fwd = recurrentForward(rc, p64, { x: Float64Array.from(x), batch: B, seqLen: T });
    const want = recurrentBackward(rc, p64, fwd, Float64Array.from(dOut), { hN: Float64Array.from(dhN), cN: Float64Array.from(dcN) });
    for (const [name, w] of Object.entries(want.params)) expect(tensorRelError(once[name]!, w), name).toBeLessThan(1e-4);
    expect(tensorRelError(dh0!, want.h0)).toBeLessThan(1e-4);
    expect(tensorRelError(dc0!, want.c0!)).toBeLessThan(1e-4);
    model.backward(dt!, { dhN: dht, dcN: dct, accumulate: true });
    const twice = await model.getGradients();
    for (const name of Object.keys(once)) expect(tensorRelError(twice[name]!, once[name]!.map((v) => 2 * v)), name).toBeLessThan(1e-6);
    model.destroy();
    for (const b of [xt, dt, dht, dct]) sched.destroyBuffer(b!.buffer);
  });

  it.each([
    ['lstm, 2 layers', { cell: 'lstm', numLayers: 2 }],
    ['gru, bidirectional, input dropout', { cell: 'gru', numLayers: 2, bidirectional: true, inputDropout: 0.3, dropout: 0.2 }],
  ] as const)('%s: inputGradient false gives the same parameter gradients and state gradients, dx null, its dispatches not recorded', async (_, over) => {
    const { sched } = gpu;
    const model = await lstmModel({ ...over, head: 'last-step' });
    const B = 3, T = 5, I = 3;
    const rng = new Random(4);
    const xt = sched.createTensor([B, T, I], 'f32', 'x', normals(B * T * I, rng));
    const yt = sched.createTensor([B, 2], 'f32', 'y', normals(B * 2, rng));
    const run = async (inputGradient: boolean) => {
      model.forward(xt, { training: { step: 3, seed: 8 } });
      const d0 = sched.counters.dispatches;
      const g = model.lossAndBackward({ kind: 'mse', target: yt }, { inputGradient });
      const dispatches = sched.counters.dispatches - d0;
      const [dh0] = (await sched.readMany([g.dh0])) as Float32Array[];
      return { g, dispatches, dh0: [...dh0!], grads: await model.getGradients() };
    };
    const withDx = await run(true);
    const without = await run(false);
    expect(withDx.g.dx).not.toBeNull();
    expect(without.g.dx).toBeNull();
    // Not recorded: the first layer's input-gradient product (one per direction), the permute to [B, T, I], the input dropout's.
    const directions = 'bidirectional' in over ? 2 : 1;
    expect(withDx.dispatches - without.dispatches).toBe(directions + 1 + ('inputDropout' in over ? 1 : 0));
    for (const name of Object.keys(withDx.grads)) expect([...without.grads[name]!], name).toEqual([...withDx.grads[name]!]);
    expect(without.dh0).toEqual(withDx.dh0);
    expect(() => model.lossAndBackward({ kind: 'mse', target: yt }, { inputGradient: 'no' as unknown as boolean })).toThrow(/inputGradient must be true or false, got 'no'/);
    model.destroy();
    for (const b of [xt, yt]) sched.destroyBuffer(b.buffer);
  });
});

describe('safetensors', () => {
  it('round-trips the parameters with PyTorch names and shapes', async () => {
    const a = await lstmModel();
    const bytes = await a.toSafetensors();
    const b = await RecurrentModel.create(gpu.sched, a.config, { seed: 99 });
    b.loadSafetensors(bytes);
    const [pa, pb] = [await a.getParameters(), await b.getParameters()];
    expect(Object.keys(pb)).toEqual(Object.keys(modelParamShapes(a.config)));
    for (const name of Object.keys(pa)) expect([...pb[name]!]).toEqual([...pa[name]!]);
    a.destroy();
    b.destroy();
  });

  function file(config: ModelConfig, edit: (t: Record<string, Float32Tensor>) => void): Uint8Array {
    const tensors: Record<string, Float32Tensor> = {};
    for (const [name, shape] of Object.entries(modelParamShapes(config))) tensors[name] = { shape, data: new Float32Array(shape.reduce((x, y) => x * y, 1)).fill(0.1) };
    edit(tensors);
    return encodeSafetensors(tensors);
  }

  it.each([
    ['a missing tensor', (t: Record<string, Float32Tensor>) => delete t['weight_hh_l1'], /tensor "weight_hh_l1" is missing/],
    ['an extra tensor', (t: Record<string, Float32Tensor>) => (t['weight_hh_l2'] = { shape: [1], data: new Float32Array(1) }), /unexpected tensor "weight_hh_l2"/],
    ['a wrong shape', (t: Record<string, Float32Tensor>) => (t['head.weight'] = { shape: [2, 5], data: new Float32Array(10) }), /tensor "head.weight" has shape \[2, 5\], expected \[2, 6\]/],
    ['a non-finite weight', (t: Record<string, Float32Tensor>) => (t['bias_ih_l0']!.data[3] = NaN), /tensor "bias_ih_l0" has 1 non-finite value/],
  ])('rejects %s, naming the tensor, and uploads nothing', async (_what, edit, message) => {
    const model = await lstmModel();
    const before = await model.getParameters();
    expect(() => model.loadSafetensors(file(model.config, edit as (t: Record<string, Float32Tensor>) => void))).toThrow(message);
    const after = await model.getParameters();
    for (const name of Object.keys(before)) expect([...after[name]!]).toEqual([...before[name]!]);
    model.destroy();
  });

  it('rejects a corrupt header and a wrong dtype', async () => {
    const model = await lstmModel();
    const good = file(model.config, () => {});
    const corrupt = good.slice();
    corrupt[9] = 0x7b; // '{{…' is not JSON
    expect(() => model.loadSafetensors(corrupt)).toThrow(/corrupt JSON header/);
    // Rewrite one tensor's dtype to F16 (same byte span as half the F32 data would need → offsets mismatch) or I64.
    const text = new TextDecoder().decode(good.subarray(8, 8 + new DataView(good.buffer).getUint32(0, true)));
    const i64 = text.replace('"dtype":"F32","shape":[2]', '"dtype":"I64","shape":[1]');
    const header = new TextEncoder().encode(i64);
    const bytes = new Uint8Array(good.length);
    bytes.set(good);
    bytes.set(header, 8);
    expect(() => model.loadSafetensors(bytes)).toThrow(/tensor "head.bias" has unknown dtype "I64"/);
    model.destroy();
  });
});

describe('bad input is reported before any GPU work', () => {
  const fake = (shape: number[], dtype: 'f32' | 'u32' = 'f32'): GpuTensor => ({ buffer: {} as GPUBuffer, offset: 0, shape, dtype, label: 'fake' });

  it.each([
    ['x of rank 2', () => ({ x: fake([4, 3]) }), /x must have rank 3 \[batch, seqLen, inputSize=3\], got shape \[4, 3\]/],
    ['x with the wrong feature size', () => ({ x: fake([2, 5, 4]) }), /x has feature size 4 \(shape \[2, 5, 4\]\) but the model's inputSize is 3/],
    ['h0 of the wrong shape', () => ({ x: fake([2, 5, 3]), h0: fake([2, 3, 6]) }), /h0 has shape \[2, 3, 6\], expected \[2, 2, 6\]/],
    ['c0 of the wrong shape', () => ({ x: fake([2, 5, 3]), c0: fake([2, 2, 7]) }), /c0 has shape \[2, 2, 7\], expected \[2, 2, 6\]/],
    ['u32 x', () => ({ x: fake([2, 5, 3], 'u32') }), /x must be f32, got u32/],
    ['a batch beyond the device limits', () => ({ x: fake([100000000, 50, 3]) }), /x \(time-major\) needs \d+ bytes, more than this device's maxStorageBufferBindingSize/],
    ['more rows than a grid dimension allows', () => ({ x: fake([40000, 30, 3]) }), /batch 40000 × seqLen 30 = 1200000 rows is more than the \d+ this device's maxComputeWorkgroupsPerDimension/],
  ])('forward: %s', async (_what, make, message) => {
    const model = await lstmModel();
    const { x, h0, c0 } = make() as { x: GpuTensor; h0?: GpuTensor; c0?: GpuTensor };
    const before = { ...gpu.sched.counters };
    expect(() => model.forward(x, { h0, c0 })).toThrow(message);
    expect(gpu.sched.counters.dispatches).toBe(before.dispatches);
    expect(gpu.sched.counters.buffersCreated).toBe(before.buffersCreated);
    model.destroy();
  });

  it('rejects c0 for a GRU and backward before forward', async () => {
    const gru = await RecurrentModel.create(gpu.sched, { cell: 'gru', inputSize: 1, hiddenSize: 4, numLayers: 1, outputSize: 1, head: 'last-step' });
    expect(() => gru.forward(fake([1, 2, 1]), { c0: fake([1, 1, 4]) })).toThrow(/c0 is only used by lstm, but this model's cell is gru/);
    expect(() => gru.backward(fake([1, 1]))).toThrow(/backward\(\) needs a forward\(\) first/);
    gru.destroy();
  });

  it('checks dOut, targets, labels and truncate against the last forward', async () => {
    const model = await lstmModel();
    const x = gpu.sched.createTensor([2, 4, 3], 'f32', 'x');
    model.forward(x);
    expect(() => model.backward(fake([2, 4, 2]))).toThrow(/dOut has shape \[2, 4, 2\], expected \[2, 2\]/);
    expect(() => model.lossAndBackward({ kind: 'mse', target: fake([2, 3]) })).toThrow(/target has shape \[2, 3\], expected \[2, 2\]/);
    expect(() => model.lossAndBackward({ kind: 'cross_entropy', labels: fake([2]) })).toThrow(/labels must be u32 class indices, got f32/);
    expect(() => model.lossAndBackward({ kind: 'cross_entropy', labels: fake([3], 'u32') })).toThrow(/labels has shape \[3\], expected \[2\]/);
    expect(() => model.backward(fake([2, 2]), { truncate: 0 })).toThrow(/truncate must be a positive integer number of steps, got 0/);
    gpu.sched.discard();
    model.destroy();
    gpu.sched.destroyBuffer(x.buffer);
  });

  it.each([
    [{ hiddenSize: 0 }, /config.hiddenSize must be an integer >= 1, got 0/],
    [{ hiddenSize: '16' }, /config.hiddenSize must be an integer >= 1, got '16' \(a string\)/],
    [{ cell: 'tanh' }, /config.cell must be one of 'rnn_tanh', 'rnn_relu', 'rnn_identity', 'lstm', 'gru', got 'tanh' \(a string\)/],
    [{ head: 'first-step' }, /config.head must be one of 'every-step', 'last-step', 'final-states', got 'first-step' \(a string\)/],
  ])('rejects config %o', async (bad, message) => {
    const before = gpu.sched.counters.buffersCreated;
    await expect(RecurrentModel.create(gpu.sched, { cell: 'lstm', inputSize: 1, hiddenSize: 4, numLayers: 1, outputSize: 1, head: 'last-step', ...bad } as ModelConfig)).rejects.toThrow(message);
    expect(gpu.sched.counters.buffersCreated).toBe(before);
  });

  it('names a parameter with the wrong size or a non-finite value in setParameters', async () => {
    const model = await lstmModel();
    const values = await model.getParameters();
    expect(() => model.setParameters({ ...values, 'head.bias': new Float32Array(3) })).toThrow(/tensor "head.bias" has shape \[3\], expected \[2\]/);
    const bad = values['weight_ih_l1']!.slice();
    bad[4] = Infinity;
    expect(() => model.setParameters({ ...values, weight_ih_l1: bad })).toThrow(/tensor "weight_ih_l1" has 1 non-finite value\(s\), first at flat index 4/);
    model.destroy();
  });
});
