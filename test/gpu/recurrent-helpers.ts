// recurrent-helpers.ts — shared by the recurrent GPU tests: run the GPU model and the float64
// reference on the same random case and measure their differences.
import { expect } from 'vitest';
import type { Scheduler } from '../../src/gpu/scheduler';
import type { GpuTensor } from '../../src/gpu/tensor';
import { RecurrentModel, type ModelConfig, type RecurrentModelOptions } from '../../src/model';
import { referenceConfig } from '../../src/model/config';
import { paramsToFloat64, recurrentForward, recurrentBackward, type RecurrentGradients, type RecurrentForward } from '../../src/reference/recurrent';
import { evaluateLoss } from '../../src/reference/losses';
import { dropoutMask } from '../../src/reference/dropout';
import { Random } from '../../src/util/random';

export interface RandomCase {
  config: ModelConfig;
  batch: number;
  seqLen: number;
  withState: boolean;
  loss: 'mse' | 'cross_entropy';
  seed: number;
  /** A training forward at this step (dropout applies; the reference gets the same masks), else evaluation. */
  trainingStep?: number;
}

/** The masks a training forward of the model draws (by site), as the reference takes them. */
export function referenceMasks(c: RandomCase, step: number): (Float64Array | null)[] {
  const { inputSize: I, hiddenSize: H, numLayers: L } = c.config;
  const D = c.config.bidirectional ? 2 : 1;
  return Array.from({ length: L }, (_, site) => {
    const p = site === 0 ? c.config.inputDropout ?? 0 : c.config.dropout ?? 0;
    return p > 0 ? dropoutMask({ seed: c.seed, step, site, p }, c.batch, c.seqLen, site === 0 ? I : D * H) : null;
  });
}

export interface CaseResult {
  gpu: { out: Float32Array; rnnOut: Float32Array; hN: Float32Array; cN: Float32Array | null; loss: number; grads: Record<string, Float32Array>; dx: Float32Array; dh0: Float32Array; dc0: Float32Array | null };
  ref: { fwd: RecurrentForward; loss: number; grads: RecurrentGradients };
}

const normals = (n: number, rng: Random, scale = 1): Float32Array => Float32Array.from({ length: n }, () => scale * rng.normal());

/** Runs one case on the GPU (forward + loss + backward, one read) and on the reference. */
export async function runCase(sched: Scheduler, c: RandomCase, opts: RecurrentModelOptions = {}): Promise<CaseResult> {
  const { config, batch: B, seqLen: T } = c;
  const { inputSize: I, hiddenSize: H, outputSize: O } = config;
  const L = (config.bidirectional ? 2 : 1) * config.numLayers; // state rows
  const rng = new Random(c.seed);
  const model = await RecurrentModel.create(sched, config, { seed: c.seed, ...opts });
  const params = await model.getParameters();
  const x = normals(B * T * I, rng);
  const h0 = c.withState ? normals(L * B * H, rng, 0.5) : null;
  const c0 = c.withState && config.cell === 'lstm' ? normals(L * B * H, rng, 0.5) : null;
  const outRows = config.head === 'every-step' ? B * T : B;
  const y = normals(outRows * O, rng);
  const labels = Uint32Array.from({ length: outRows }, () => rng.int(O));
  const owned: GpuTensor[] = [];
  const tensor = (shape: number[], data: Float32Array | Uint32Array, label: string, dtype: 'f32' | 'u32' = 'f32') => {
    const t = sched.createTensor(shape, dtype, label, data);
    owned.push(t);
    return t;
  };
  const xs = tensor([B, T, I], x, 'x');
  const training = c.trainingStep === undefined ? null : { step: c.trainingStep };
  const fwd = model.forward(xs, { h0: h0 && tensor([L, B, H], h0, 'h0'), c0: c0 && tensor([L, B, H], c0, 'c0'), training });
  const outShape = config.head === 'every-step' ? [B, T, O] : [B, O];
  const target = c.loss === 'mse'
    ? { kind: 'mse' as const, target: tensor(outShape, y, 'y') }
    : { kind: 'cross_entropy' as const, labels: tensor(config.head === 'every-step' ? [B, T] : [B], labels, 'labels', 'u32') };
  const bwd = model.lossAndBackward(target);
  const reads = [fwd.out, fwd.rnnOut, fwd.hN, bwd.loss, bwd.dx, bwd.dh0, ...(fwd.cN ? [fwd.cN, bwd.dc0!] : [])];
  const got = (await sched.readMany(reads)) as Float32Array[];
  const grads = await model.getGradients();
  model.destroy();
  for (const t of owned) sched.destroyBuffer(t.buffer);

  const rc = referenceConfig(config);
  const p64 = paramsToFloat64(params);
  const masks = c.trainingStep === undefined ? [] : referenceMasks(c, c.trainingStep);
  const rf = recurrentForward(rc, p64, { x: Float64Array.from(x), batch: B, seqLen: T, h0: h0 && Float64Array.from(h0), c0: c0 && Float64Array.from(c0), masks });
  const lossTarget = c.loss === 'mse' ? { kind: 'mse' as const, target: Float64Array.from(y) } : { kind: 'cross_entropy' as const, labels };
  const { loss, dOut } = evaluateLoss(rf.out, O, lossTarget);
  const rg = recurrentBackward(rc, p64, rf, dOut);
  return {
    gpu: { out: got[0]!, rnnOut: got[1]!, hN: got[2]!, loss: got[3]![0]!, dx: got[4]!, dh0: got[5]!, cN: got[6] ?? null, dc0: got[7] ?? null, grads },
    ref: { fwd: rf, loss, grads: rg },
  };
}

/** max |a − b| / (atol + rtol·|b|) over elements (≤ 1 passes). */
export function elementwiseRatio(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  return Number.isNaN(worst) ? Infinity : worst;
}

/** max |a − b| / max |b| (0 when both are all zero). */
export function tensorRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  if (Number.isNaN(diff)) return Infinity;
  return scale === 0 ? (diff === 0 ? 0 : Infinity) : diff / scale;
}

/**
 * The conformance criterion of issue 4 between the GPU and the reference: outputs
 * |a − b| ≤ 1e-5 + 1e-4·|b|, every gradient max|a − b| ≤ 1e-4·max|b|.
 */
export function expectConforms(r: CaseResult): void {
  const f = r.ref.fwd;
  const outputs: [string, ArrayLike<number>, ArrayLike<number>][] = [['out', r.gpu.out, f.out], ['rnn_out', r.gpu.rnnOut, f.rnnOut], ['h_n', r.gpu.hN, f.hN], ['loss', [r.gpu.loss], [r.ref.loss]]];
  if (f.cN) outputs.push(['c_n', r.gpu.cN!, f.cN]);
  for (const [name, a, b] of outputs) expect(elementwiseRatio(a, b, 1e-5, 1e-4), name).toBeLessThanOrEqual(1);
  const grads: [string, ArrayLike<number>, ArrayLike<number>][] = [['x', r.gpu.dx, r.ref.grads.x], ['h0', r.gpu.dh0, r.ref.grads.h0]];
  if (r.ref.grads.c0) grads.push(['c0', r.gpu.dc0!, r.ref.grads.c0]);
  for (const [name, g] of Object.entries(r.ref.grads.params)) grads.push([name, r.gpu.grads[name]!, g]);
  for (const [name, a, b] of grads) expect(tensorRelError(a, b), `grad ${name}`).toBeLessThanOrEqual(1e-4);
}
