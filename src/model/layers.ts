// layers.ts — one direction of a recurrent layer, forward and backward on the GPU, for any
// cell: the input projection GEMM, the cell's fused time loop (recorded by its CellSpec,
// cells.ts; the reverse direction is the same kernels with `reverse` set) and the weight,
// bias and input gradients as GEMMs / column sums over all steps (no atomics).
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemm, colSum } from '../kernels/gemm';
import type { RecurrentTile, RecurrentVariant } from '../kernels/recurrent';
import type { KernelPath } from '../gpu/subgroups';
import type { CellSpec } from './cells';
import type { DirectionBuffers, DirectionGradBuffers } from './workspace';

/** A layer's parameters (views into the arena) or their gradients. */
export interface LayerParams {
  /** [G·H, In], [G·H, H], [G·H], [G·H]. */
  wIh: GpuTensor;
  /** [G·H, H] recurrent weights (PyTorch weight_hh_l{k}). */
  wHh: GpuTensor;
  /** [G·H] input bias (bias_ih_l{k}). */
  bIh: GpuTensor;
  /** [G·H] recurrent bias (bias_hh_l{k}). */
  bHh: GpuTensor;
}

/** One layer's sizes and cell, and which direction runs. */
export interface LayerShape {
  cell: CellSpec;
  batch: number;
  seqLen: number;
  hidden: number;
  /** In: I for layer 0, D·H above. */
  inputs: number;
  /** The reverse direction (steps T−1 … 0; its initial state in hseq block T). */
  reverse: boolean;
}

/** Which time-loop kernels a layer runs, and their tile. */
export interface TimeLoop {
  variant: RecurrentVariant;
  /** The kernel path of the time loop and the layer's GEMMs. */
  path: KernelPath;
  tile?: RecurrentTile;
}

/**
 * Forward of one direction of a layer over all steps. input: view of [T, B, In] rows starting
 * at element inputOffset (the previous layer's output, its hseq from row block 1, or x).
 */
export function layerForward(sched: Scheduler, s: LayerShape, p: LayerParams, buf: DirectionBuffers, input: GpuTensor, inputOffset: number, loop: TimeLoop): void {
  const { batch: B, seqLen: T, hidden: H } = s;
  const GH = s.cell.gates * H;
  gemm(sched, {
    a: { tensor: input, rows: T * B, cols: s.inputs, offset: inputOffset },
    b: { tensor: p.wIh, rows: GH, cols: s.inputs },
    transB: true,
    c: { tensor: buf.gx, rows: T * B, cols: GH },
    bias: { tensor: p.bIh },
    path: loop.path,
    label: 'input projection',
  });
  const run = { batch: B, hidden: H, seqLen: T, tBegin: 0, tEnd: T, reverse: s.reverse, ...loop };
  s.cell.recordForward(sched, run, { gx: buf.gx, wHh: p.wHh, bHh: p.bHh, hseq: buf.hseq, cseq: buf.cseq, gates: buf.gates });
}

/** Everything layerBackward reads and writes. */
export interface LayerBackwardArgs {
  shape: LayerShape;
  params: LayerParams;
  grads: LayerParams;
  buf: DirectionBuffers;
  gbuf: DirectionGradBuffers;
  /** [T, B, In] d loss / d (layer input): written, or added to (the second direction); null: not wanted (the first layer's, without dx). */
  dIn: GpuTensor | null;
  accumulateInput: boolean;
  /** The layer's input [T, B, In] (tensor + element offset), as in layerForward. */
  input: GpuTensor;
  inputOffset: number;
  /** [T, B, H] gradient from above, or null (last-step head: it is already in dhCarry). */
  dy: GpuTensor | null;
  /** Steps [tBegin, T) are back-propagated (truncated BPTT when tBegin > 0; one direction only). */
  tBegin: number;
  /** Add to the gradient arena instead of overwriting it. */
  accumulate: boolean;
  loop: TimeLoop;
  /** [T, B, S, H]: when given, the time loop records d loss / d h_t (and c_t) there (gradient norms). */
  dstate?: GpuTensor | null;
}

/** BPTT through one direction of a layer: dgates, dhCarry/dcCarry → its initial state, param grads, dIn. */
export function layerBackward(sched: Scheduler, a: LayerBackwardArgs): void {
  const { shape: s, buf, gbuf, params, grads } = a;
  const { batch: B, seqLen: T, hidden: H } = s;
  const GH = s.cell.gates * H;
  const run = { batch: B, hidden: H, seqLen: T, tBegin: a.tBegin, tEnd: T, reverse: s.reverse, ...a.loop };
  s.cell.recordBackward(sched, run, {
    wHh: params.wHh, hseq: buf.hseq, cseq: buf.cseq, gates: buf.gates, dy: a.dy,
    dgIn: gbuf.dgIn, dgHid: gbuf.dgHid, dhCarry: gbuf.dhCarry, dcCarry: gbuf.dcCarry, dstate: a.dstate ?? null,
  });

  const rows = (T - a.tBegin) * B;
  const gOff = a.tBegin * B * GH;
  const accumulate = a.accumulate;
  // dW_hh = Σ_t dgHid_tᵀ h_prev(t) (the state block before step t: t, or t + 1 reversed);
  // dW_ih = Σ_t dgIn_tᵀ x_t;  db = Σ_t Σ_b dg.
  const before = a.tBegin + (s.reverse ? 1 : 0);
  gemm(sched, {
    a: { tensor: gbuf.dgHid, rows, cols: GH, offset: gOff }, transA: true,
    b: { tensor: buf.hseq, rows, cols: H, offset: before * B * H },
    c: { tensor: grads.wHh, rows: GH, cols: H }, accumulate, path: a.loop.path, label: 'weight_hh grad',
  });
  gemm(sched, {
    a: { tensor: gbuf.dgIn, rows, cols: GH, offset: gOff }, transA: true,
    b: { tensor: a.input, rows, cols: s.inputs, offset: a.inputOffset + a.tBegin * B * s.inputs },
    c: { tensor: grads.wIh, rows: GH, cols: s.inputs }, accumulate, path: a.loop.path, label: 'weight_ih grad',
  });
  if (gbuf.dgIn === gbuf.dgHid) {
    // LSTM, RNN: one gate gradient feeds both products, so both biases get the same sums.
    colSum(sched, { src: { tensor: gbuf.dgIn, rows, cols: GH, offset: gOff }, out: { tensor: grads.bIh }, alsoOut: { tensor: grads.bHh }, accumulate, label: 'bias grads' });
  } else {
    colSum(sched, { src: { tensor: gbuf.dgIn, rows, cols: GH, offset: gOff }, out: { tensor: grads.bIh }, accumulate, label: 'bias_ih grad' });
    colSum(sched, { src: { tensor: gbuf.dgHid, rows, cols: GH, offset: gOff }, out: { tensor: grads.bHh }, accumulate, label: 'bias_hh grad' });
  }
  // d input_t (+)= dgIn_t W_ih (rows before tBegin stay as cleared by the caller).
  if (a.dIn === null) return;
  gemm(sched, {
    a: { tensor: gbuf.dgIn, rows, cols: GH, offset: gOff },
    b: { tensor: params.wIh, rows: GH, cols: s.inputs },
    c: { tensor: a.dIn, rows, cols: s.inputs, offset: a.tBegin * B * s.inputs },
    accumulate: a.accumulateInput,
    path: a.loop.path,
    label: 'input grad',
  });
}
