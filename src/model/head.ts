// head.ts — the Linear head on the top layer's states, forward and backward, as GEMMs over
// the parts it reads (D·H in_features; head.weight [O, D·H]):
//   every-step:   out [B·T, O] = rnn_out [B·T, D·H] · Wᵀ + b
//   last-step:    out [B, O]   = rnn_out at t = T−1 [B, D·H] · Wᵀ + b   (one direction: hseq
//                 row block T; two: the top layer's joined output, row block T−1)
//   final-states: out [B, O]   = Σ_d h_n(d) [B, H] · W[:, d·H : (d+1)·H]ᵀ + b   (forward:
//                 hseq block T, reverse: hseq block 0 — one GEMM per direction)
// Backward per part: dW[:, part] = dOutᵀ · input, db = Σ rows of dOut, d input (+)= dOut · W[:, part].
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemm, colSum, type MatrixView } from '../kernels/gemm';
import { permute01 } from '../kernels/permute';
import type { HeadMode } from './config';
import type { BackwardTensors, ForwardTensors } from './workspace-plan';

export interface HeadParams {
  /** [O, D·H], [O]. */
  weight: GpuTensor;
  bias: GpuTensor;
}

export interface HeadShape {
  mode: HeadMode;
  batch: number;
  seqLen: number;
  /** The head's in_features: D·H. */
  hidden: number;
  outputs: number;
}

/** One GEMM of the head: what it reads, which columns of head.weight it meets, and where its input gradient goes. */
export interface HeadPart {
  /** [rows, W] the states this part reads. */
  input: MatrixView;
  /** First column of head.weight that multiplies it. */
  column: number;
  /** [rows, W] d loss / d input: written, or added to when accumulateGrad (a direction's dh carry). */
  grad: MatrixView | null;
  accumulateGrad: boolean;
}

/**
 * The parts the head reads for a workspace's tensors (g: its gradients, or null before any
 * backward). D = 1 reads the top hseq (last-step / final-states) or rnn_out; see the file
 * comment for two directions.
 */
export function headParts(s: HeadShape, D: number, f: ForwardTensors<GpuTensor>, g: BackwardTensors<GpuTensor> | null): HeadPart[] {
  const { batch: B, seqLen: T, hidden: DH } = s;
  const H = DH / D;
  const top = f.layers[f.layers.length - 1]!;
  const gTop = g?.layers[g.layers.length - 1] ?? null;
  if (s.mode === 'every-step') {
    return [{ input: { tensor: f.rnnOut, rows: B * T, cols: DH }, column: 0, grad: g && { tensor: g.dRnnOut!, rows: B * T, cols: DH }, accumulateGrad: false }];
  }
  if (s.mode === 'last-step' && D === 2) {
    const offset = (T - 1) * B * DH;
    return [{ input: { tensor: top.output!, rows: B, cols: DH, offset }, column: 0, grad: g && { tensor: g.dyTop!, rows: B, cols: DH, offset }, accumulateGrad: false }];
  }
  // The final state of each direction: forward hseq block T, reverse block 0; gradients into the carries.
  const dirs = D === 2 ? [top, top.reverse!] : [top];
  const carries = gTop ? (D === 2 ? [gTop, gTop.reverse!] : [gTop]) : null;
  return dirs.map((dir, d) => ({
    input: { tensor: dir.hseq, rows: B, cols: H, offset: d === 0 ? T * B * H : 0 },
    column: d * H,
    grad: carries && { tensor: carries[d]!.dhCarry, rows: B, cols: H },
    accumulateGrad: true,
  }));
}

/** head.weight's columns [column, column + W) as an [O, W] view. */
function weightColumns(s: HeadShape, weight: GpuTensor, part: HeadPart): MatrixView {
  return { tensor: weight, rows: s.outputs, cols: part.input.cols, offset: part.column, ld: s.hidden };
}

/** out = Σ_parts input · W[:, part]ᵀ + b. A single MatrixView is the whole in_features. */
export function headForward(sched: Scheduler, s: HeadShape, p: HeadParams, parts: readonly HeadPart[] | MatrixView, out: GpuTensor): void {
  const list = Array.isArray(parts) ? parts : [{ input: parts as MatrixView, column: 0, grad: null, accumulateGrad: false }];
  list.forEach((part, k) => {
    gemm(sched, {
      a: part.input,
      b: weightColumns(s, p.weight, part),
      transB: true,
      c: { tensor: out, rows: part.input.rows, cols: s.outputs },
      bias: k === 0 ? { tensor: p.bias } : undefined,
      accumulate: k > 0,
      label: 'head',
    });
  });
}

export interface HeadBackwardArgs {
  shape: HeadShape;
  params: HeadParams;
  grads: HeadParams;
  parts: readonly HeadPart[];
  /** Same shape as out. */
  dOut: GpuTensor;
  accumulate: boolean;
  /** every-step: [B, T, D·H] the parts' gradient and the time-major dy [T, B, D·H] it is permuted into. */
  dRnnOut: GpuTensor | null;
  dyTop: GpuTensor | null;
}

export function headBackward(sched: Scheduler, a: HeadBackwardArgs): void {
  const { shape: s } = a;
  const { batch: B, seqLen: T, hidden: DH, outputs: O } = s;
  const rows = a.parts[0]!.input.rows;
  const dOutView: MatrixView = { tensor: a.dOut, rows, cols: O };
  if (s.mode === 'last-step' && a.dyTop) sched.clear(a.dyTop); // only row block T−1 gets a gradient
  for (const part of a.parts) {
    const cols = part.input.cols;
    gemm(sched, { a: dOutView, transA: true, b: part.input, c: { tensor: a.grads.weight, rows: O, cols, offset: part.column, ld: DH }, accumulate: a.accumulate, label: 'head.weight grad' });
    gemm(sched, { a: dOutView, b: weightColumns(s, a.params.weight, part), c: part.grad!, accumulate: part.accumulateGrad, label: 'head input grad' });
  }
  colSum(sched, { src: dOutView, out: { tensor: a.grads.bias }, accumulate: a.accumulate, label: 'head.bias grad' });
  if (s.mode === 'every-step') permute01(sched, { src: a.dRnnOut!, out: a.dyTop!, dims: [B, T, DH] });
}
