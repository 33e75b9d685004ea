// head.ts — the Linear head on the top layer's states, forward and backward, as GEMMs:
//   every-step: out [B·T, O] = rnn_out [B·T, H] · Wᵀ + b
//   last-step:  out [B, O]   = h_{T-1} [B, H]   · Wᵀ + b   (h_{T-1} = hseq row block T)
// Backward: dW = dOutᵀ · input, db = Σ rows of dOut, d input = dOut · W.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemm, colSum, type MatrixView } from '../kernels/gemm';
import { permute01 } from '../kernels/permute';
import type { HeadMode } from './config';

export interface HeadParams {
  /** [O, H], [O]. */
  weight: GpuTensor;
  bias: GpuTensor;
}

export interface HeadShape {
  mode: HeadMode;
  batch: number;
  seqLen: number;
  hidden: number;
  outputs: number;
}

/** The head's input as a [rows, H] view: rnn_out [B·T, H] or the top layer's last h [B, H]. */
export function headInput(s: HeadShape, rnnOut: GpuTensor, topHseq: GpuTensor): MatrixView {
  const { batch: B, seqLen: T, hidden: H } = s;
  return s.mode === 'every-step'
    ? { tensor: rnnOut, rows: B * T, cols: H }
    : { tensor: topHseq, rows: B, cols: H, offset: T * B * H };
}

export function headForward(sched: Scheduler, s: HeadShape, p: HeadParams, input: MatrixView, out: GpuTensor): void {
  gemm(sched, {
    a: input,
    b: { tensor: p.weight, rows: s.outputs, cols: s.hidden },
    transB: true,
    c: { tensor: out, rows: input.rows, cols: s.outputs },
    bias: { tensor: p.bias },
    label: 'head',
  });
}

export interface HeadBackwardArgs {
  shape: HeadShape;
  params: HeadParams;
  grads: HeadParams;
  input: MatrixView;
  /** Same shape as out. */
  dOut: GpuTensor;
  accumulate: boolean;
  /** every-step: [B, T, H] scratch and the time-major dy [T, B, H] it is permuted into. */
  dRnnOut: GpuTensor | null;
  dyTop: GpuTensor | null;
  /** last-step: [B, H] top layer's dh carry, += dOut · W. */
  dhCarryTop: GpuTensor;
}

export function headBackward(sched: Scheduler, a: HeadBackwardArgs): void {
  const { shape: s, input } = a;
  const { batch: B, seqLen: T, hidden: H, outputs: O } = s;
  const dOutView: MatrixView = { tensor: a.dOut, rows: input.rows, cols: O };
  gemm(sched, { a: dOutView, transA: true, b: input, c: { tensor: a.grads.weight, rows: O, cols: H }, accumulate: a.accumulate, label: 'head.weight grad' });
  colSum(sched, { src: dOutView, out: { tensor: a.grads.bias }, accumulate: a.accumulate, label: 'head.bias grad' });
  const w = { tensor: a.params.weight, rows: O, cols: H };
  if (s.mode === 'every-step') {
    gemm(sched, { a: dOutView, b: w, c: { tensor: a.dRnnOut!, rows: B * T, cols: H }, label: 'rnn_out grad' });
    permute01(sched, { src: a.dRnnOut!, out: a.dyTop!, dims: [B, T, H] });
  } else {
    gemm(sched, { a: dOutView, b: w, c: { tensor: a.dhCarryTop, rows: B, cols: H }, accumulate: true, label: 'h_n grad' });
  }
}
