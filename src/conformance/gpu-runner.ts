// gpu-runner.ts — runs conformance cases (src/conformance/vectors.ts) through the GPU model in
// float32 and scores them with the issue's criterion:
//   outputs, final states, loss:  |a − b| ≤ 1e-5 + 1e-4·|b|        (every element)
//   every gradient tensor:         max|a − b| ≤ 1e-4 · max|b|
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { RecurrentModel } from '../model/recurrent-model';
import type { RecurrentVariant } from '../kernels/recurrent';
import type { ConformanceCase } from './vectors';

export const OUTPUT_ATOL = 1e-5;
export const OUTPUT_RTOL = 1e-4;
export const GRAD_RTOL = 1e-4;

/** One compared tensor: `score` ≤ 1 passes. */
export interface TensorScore {
  name: string;
  kind: 'output' | 'grad';
  /** Outputs: max |a−b| / (atol + rtol·|b|). Grads: max|a−b| / (rtol · max|b|). */
  score: number;
  /** max |a − b|. */
  maxAbs: number;
}

export interface CaseReport {
  id: string;
  passed: boolean;
  scores: TensorScore[];
}

export function outputScore(name: string, a: ArrayLike<number>, b: ArrayLike<number>): TensorScore {
  let score = a.length === b.length ? 0 : Infinity;
  let maxAbs = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    maxAbs = Math.max(maxAbs, d);
    score = Math.max(score, d / (OUTPUT_ATOL + OUTPUT_RTOL * Math.abs(b[i]!)));
  }
  return { name, kind: 'output', score: Number.isNaN(score) || Number.isNaN(maxAbs) ? Infinity : score, maxAbs };
}

export function gradScore(name: string, a: ArrayLike<number>, b: ArrayLike<number>): TensorScore {
  let maxAbs = a.length === b.length ? 0 : Infinity;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  if (Number.isNaN(maxAbs)) return { name, kind: 'grad', score: Infinity, maxAbs };
  const score = scale === 0 ? (maxAbs === 0 ? 0 : Infinity) : maxAbs / (GRAD_RTOL * scale);
  return { name, kind: 'grad', score, maxAbs };
}

export interface RunOptions {
  variant?: RecurrentVariant | 'auto';
}

/** Forward + MSE + backward of one case on the GPU (one readback), scored against PyTorch. */
export async function runConformanceCase(sched: Scheduler, c: ConformanceCase, opts: RunOptions = {}): Promise<CaseReport> {
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = c.config;
  const B = c.batch;
  const T = c.seqLen;
  const rows = (c.config.bidirectional ? 2 : 1) * L; // state rows l·D + d
  const model = await RecurrentModel.create(sched, { ...c.config, head: c.config.head ?? 'every-step' }, { variant: opts.variant ?? 'auto', maxWorkspaces: 1 });
  const owned: GpuTensor[] = [];
  const tensor = (shape: number[], data: Float64Array, label: string) => {
    const t = sched.createTensor(shape, 'f32', label, data);
    owned.push(t);
    return t;
  };
  try {
    model.setParameters(c.params);
    const x = tensor([B, T, I], c.inputs.x, 'x');
    const h0 = c.inputs.h0 ? tensor([rows, B, H], c.inputs.h0, 'h0') : null;
    const c0 = c.inputs.c0 ? tensor([rows, B, H], c.inputs.c0, 'c0') : null;
    const fwd = model.forward(x, { h0, c0 });
    const y = tensor(c.config.head === 'every-step' ? [B, T, O] : [B, O], c.inputs.y, 'y');
    const bwd = model.lossAndBackward({ kind: 'mse', target: y });
    const reads: GpuTensor[] = [fwd.out, fwd.rnnOut, fwd.hN, bwd.loss, bwd.dx, bwd.dh0];
    if (fwd.cN) reads.push(fwd.cN, bwd.dc0!);
    const got = (await sched.readMany(reads)) as Float32Array[];
    const grads = await model.getGradients();
    const scores: TensorScore[] = [
      outputScore('out', got[0]!, c.outputs.out),
      outputScore('rnn_out', got[1]!, c.outputs.rnnOut),
      outputScore('h_n', got[2]!, c.outputs.hN),
      outputScore('loss', got[3]!, [c.outputs.loss]),
    ];
    if (c.outputs.cN) scores.push(outputScore('c_n', got[6]!, c.outputs.cN));
    for (const name of c.paramOrder) scores.push(gradScore(`grad ${name}`, grads[name]!, c.paramGrads[name]!));
    scores.push(gradScore('grad x', got[4]!, c.inputGrads.x));
    if (c.inputGrads.h0) scores.push(gradScore('grad h0', got[5]!, c.inputGrads.h0));
    if (c.inputGrads.c0) scores.push(gradScore('grad c0', got[7]!, c.inputGrads.c0));
    return { id: c.id, passed: scores.every((s) => s.score <= 1), scores };
  } finally {
    model.destroy();
    for (const t of owned) sched.destroyBuffer(t.buffer);
  }
}

/** "lstm_03  PASS  worst output: h_n 0.031 of tolerance (|Δ| 2.1e-7) · worst grad: …" */
export function formatCaseReport(r: CaseReport): string {
  const worst = (kind: TensorScore['kind']) => {
    const list = r.scores.filter((s) => s.kind === kind);
    if (list.length === 0) return 'none';
    const w = list.reduce((a, b) => (b.score > a.score ? b : a));
    return `${w.name} ${w.score.toPrecision(2)} of tolerance (max|Δ| ${w.maxAbs.toExponential(1)})`;
  };
  const failed = r.scores.filter((s) => !(s.score <= 1)).map((s) => s.name);
  return `${r.id.padEnd(14)} ${r.passed ? 'PASS' : 'FAIL'}  worst output: ${worst('output')}  ·  worst grad: ${worst('grad')}${failed.length ? `  ·  failing: ${failed.join(', ')}` : ''}`;
}
