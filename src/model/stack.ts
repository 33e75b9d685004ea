// stack.ts — the layer loop of the stacked model on the GPU: every layer's directions, the
// joined output between layers (directions side by side, dropout in training), the head, and
// BPTT back down; recurrent-model.ts records it. Per layer l and direction d:
//   forward   initial state row l·D + d → hseq block 0 (forward) / T (reverse); input
//             projection + time loop (layers.ts); output = join of the directions' h_t
//             (dropout.ts; skipped for one direction without dropout: the next layer reads
//             hseq from block 1); final state (block T / 0) → h_n row l·D + d
//   backward  the gradient from above (the head's dy, or layer l+1's dIn) is split into the
//             directions' dy through the same mask; BPTT per direction, both adding into dIn.
// Dropout sites: 0 masks x (inputDropout), l ≥ 1 masks layer l−1's output (dropout).
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { permute01 } from '../kernels/permute';
import { dropoutJoin, dropoutSplit, type DropoutMask } from '../kernels/dropout';
import { mseLossGpu, crossEntropyLossGpu } from '../kernels/loss';
import { stateValues, type CellSpec } from './cells';
import { recordStateGradNorms } from '../kernels/state-grad-norm';
import type { ModelConfig } from './config';
import { directions } from './params';
import { layerBackward, layerForward, type LayerParams, type TimeLoop } from './layers';
import { headBackward, headForward, headParts, type HeadParams, type HeadShape } from './head';
import { directionsOf, type ForwardTensors } from './workspace-plan';
import type { Workspace } from './workspace';
import type { BackwardOptions, ForwardOptions, LossTarget } from './options';

/** What the layer loop needs of its model. */
export interface StackContext {
  sched: Scheduler;
  config: ModelConfig;
  cell: CellSpec;
  /** Direction d of layer l's parameters or gradients (views into the arena). */
  layerParams(l: number, d: number, which: 'params' | 'grads'): LayerParams;
  headParams(which: 'params' | 'grads'): HeadParams;
  timeLoop(batch: number): TimeLoop;
}

/** One forward as backward needs to repeat it: its workspace and the dropout masks it drew (by site). */
export interface RecordedForward {
  ws: Workspace;
  masks: readonly (DropoutMask | null)[];
}

/** Whether layer l's output was joined into its output buffer in this forward. */
function joined(c: StackContext, rec: RecordedForward, l: number): boolean {
  return directions(c.config) === 2 || (rec.masks[l + 1] ?? null) !== null;
}

/** Layer l's input [T, B, In] (tensor + element offset). */
function layerInput(c: StackContext, rec: RecordedForward, l: number): { input: GpuTensor; inputOffset: number } {
  const f = rec.ws.forward;
  if (l === 0) return { input: rec.masks[0] ? f.xDropped! : f.xT, inputOffset: 0 };
  const below = f.layers[l - 1]!;
  return joined(c, rec, l - 1) ? { input: below.output!, inputOffset: 0 } : { input: below.hseq, inputOffset: rec.ws.batch * c.config.hiddenSize };
}

function layerShape(c: StackContext, l: number, batch: number, seqLen: number, d: number) {
  const { inputSize: I, hiddenSize: H } = c.config;
  return { cell: c.cell, batch, seqLen, hidden: H, inputs: l === 0 ? I : directions(c.config) * H, reverse: d === 1 };
}

/** The head's shape (in_features D·H). */
export function headShape(config: ModelConfig, batch: number, seqLen: number): HeadShape {
  return { mode: config.head, batch, seqLen, hidden: directions(config) * config.hiddenSize, outputs: config.outputSize };
}

/** Copies [B, H] blocks between a [D·L, B, H] state (row k) and a state sequence's block; clears the target without a source. */
function copyState(sched: Scheduler, src: GpuTensor | null, srcOffset: number, dst: GpuTensor, dstOffset: number, bytes: number): void {
  const target = { buffer: dst.buffer, offset: dst.offset + dstOffset, size: bytes };
  if (src) sched.copy({ buffer: src.buffer, offset: src.offset + srcOffset, size: bytes }, target);
  else sched.clear(target);
}

/** The dropout join (or split) of layer l's directions: W = H columns per direction. */
function joinArgs(rec: RecordedForward, l: number, H: number, parts: { tensor: GpuTensor; offset: number }[], joinedTensor: GpuTensor, mask: DropoutMask | null) {
  return { steps: rec.ws.seqLen, batch: rec.ws.batch, width: H, parts, joined: joinedTensor, mask };
}

/** Records the whole forward of x [B, T, I] into rec.ws. */
export function recordForward(c: StackContext, rec: RecordedForward, x: GpuTensor, states: ForwardOptions): void {
  const { sched, config } = c;
  const { ws } = rec;
  const f = ws.forward;
  const [B, T] = [ws.batch, ws.seqLen];
  const { hiddenSize: H, numLayers: L, inputSize: I } = config;
  const D = directions(config);
  const bytes = 4 * B * H;
  f.layers.forEach((layer, l) => directionsOf(layer).forEach((dir, d) => {
    const initial = d === 0 ? 0 : T * bytes;
    copyState(sched, states.h0 ?? null, (l * D + d) * bytes, dir.hseq, initial, bytes);
    if (dir.cseq) copyState(sched, states.c0 ?? null, (l * D + d) * bytes, dir.cseq, initial, bytes);
  }));
  const loop = c.timeLoop(B);
  permute01(sched, { src: x, out: f.xT, dims: [B, T, I] });
  if (rec.masks[0]) dropoutJoin(sched, { steps: T, batch: B, width: I, parts: [{ tensor: f.xT, offset: 0 }], joined: f.xDropped!, mask: rec.masks[0] });
  for (let l = 0; l < L; l++) {
    const { input, inputOffset } = layerInput(c, rec, l);
    const layer = f.layers[l]!;
    directionsOf(layer).forEach((dir, d) => layerForward(sched, layerShape(c, l, B, T, d), c.layerParams(l, d, 'params'), dir, input, inputOffset, loop));
    if (joined(c, rec, l)) {
      const parts = directionsOf(layer).map((dir, d) => ({ tensor: dir.hseq, offset: d === 0 ? B * H : 0 }));
      dropoutJoin(sched, joinArgs(rec, l, H, parts, layer.output!, rec.masks[l + 1] ?? null));
    }
  }
  const top = f.layers[L - 1]!;
  const topOut = joined(c, rec, L - 1) ? { src: top.output!, srcOffset: 0 } : { src: top.hseq, srcOffset: B * H };
  permute01(sched, { ...topOut, out: f.rnnOut, dims: [T, B, D * H] });
  headForward(sched, headShape(config, B, T), c.headParams('params'), headParts(headShape(config, B, T), D, f, null), f.out);
  copyFinalStates(sched, f, D, T, bytes);
}

/** h_n / c_n row l·D + d ← the direction's final state (forward: block T; reverse: block 0). */
function copyFinalStates(sched: Scheduler, f: ForwardTensors<GpuTensor>, D: number, T: number, bytes: number): void {
  f.layers.forEach((layer, l) => directionsOf(layer).forEach((dir, d) => {
    const final = { offset: d === 0 ? T * bytes : 0, size: bytes };
    const row = { offset: (l * D + d) * bytes, size: bytes };
    sched.copy({ buffer: dir.hseq.buffer, ...final }, { buffer: f.hN.buffer, ...row });
    if (dir.cseq) sched.copy({ buffer: dir.cseq.buffer, ...final }, { buffer: f.cN!.buffer, ...row });
  }));
}

/** Records the loss of the last forward into ws.grads().loss (and d loss / d out into dOut). */
export function recordLoss(sched: Scheduler, ws: Workspace, target: LossTarget): void {
  const g = ws.grads();
  if (target.kind === 'mse') mseLossGpu(sched, ws.forward.out, target.target, g.dOut, g.loss);
  else crossEntropyLossGpu(sched, ws.forward.out, target.labels, g.dOut, g.loss);
}

/**
 * Records BPTT of rec's forward from dOut, steps [tBegin, T); gradients go to the arena. With
 * opts.gradNorms, also the norms of d loss / d h_t per layer and direction: returns that
 * [D·L, S, T] tensor, else null.
 */
export function recordBackward(c: StackContext, rec: RecordedForward, dOut: GpuTensor, opts: BackwardOptions, tBegin: number): GpuTensor | null {
  const { sched, config } = c;
  const { ws } = rec;
  const [B, T] = [ws.batch, ws.seqLen];
  const { hiddenSize: H, numLayers: L, inputSize: I } = config;
  const D = directions(config);
  const f = ws.forward;
  const g = ws.grads();
  const accumulate = opts.accumulate ?? false;
  const bytes = 4 * B * H;
  const wantDx = opts.inputGradient !== false;
  g.layers.forEach((gl, l) => {
    directionsOf(gl).forEach((gd, d) => {
      copyState(sched, opts.dhN ?? null, (l * D + d) * bytes, gd.dhCarry, 0, bytes);
      if (gd.dcCarry) copyState(sched, opts.dcN ?? null, (l * D + d) * bytes, gd.dcCarry, 0, bytes);
    });
    if (tBegin > 0 && (l > 0 || wantDx)) sched.clear(gl.dIn);
  });
  const hs = headShape(config, B, T);
  headBackward(sched, {
    shape: hs, params: c.headParams('params'), grads: c.headParams('grads'), parts: headParts(hs, D, f, g),
    dOut, accumulate, dRnnOut: g.dRnnOut, dyTop: g.dyTop,
  });
  const loop = c.timeLoop(B);
  const norms = opts.gradNorms ? ws.gradNorms() : null;
  const S = stateValues(c.cell);
  for (let l = L - 1; l >= 0; l--) {
    const gl = g.layers[l]!;
    const above = l === L - 1 ? g.dyTop : g.layers[l + 1]!.dIn; // d loss / d (layer l's output), or null: all in the carries
    const split = above !== null && joined(c, rec, l);
    if (split) dropoutSplit(sched, joinArgs(rec, l, H, directionsOf(gl).map((gd) => ({ tensor: gd.dy!, offset: 0 })), above, rec.masks[l + 1] ?? null));
    const { input, inputOffset } = layerInput(c, rec, l);
    directionsOf(gl).forEach((gd, d) => {
      const dstate = norms?.dstate[l * D + d] ?? null;
      layerBackward(sched, {
        shape: layerShape(c, l, B, T, d), params: c.layerParams(l, d, 'params'), grads: c.layerParams(l, d, 'grads'),
        buf: directionsOf(f.layers[l]!)[d]!, gbuf: gd, dIn: l > 0 || wantDx ? gl.dIn : null, accumulateInput: d > 0,
        input, inputOffset, dy: split ? gd.dy : above, tBegin, accumulate, loop, dstate,
      });
      if (norms) recordStateGradNorms(sched, { batch: B, hidden: H, slots: S, steps: T, tBegin, dstate: dstate!, norms: norms.norms, outOffset: (l * D + d) * S * T });
    });
  }
  if (wantDx) {
    const dIn0 = g.layers[0]!.dIn;
    if (rec.masks[0]) dropoutSplit(sched, { steps: T, batch: B, width: I, parts: [{ tensor: g.dxT!, offset: 0 }], joined: dIn0, mask: rec.masks[0] });
    permute01(sched, { src: rec.masks[0] ? g.dxT! : dIn0, out: g.dx, dims: [T, B, I] });
  }
  g.layers.forEach((gl, l) => directionsOf(gl).forEach((gd, d) => {
    sched.copy(gd.dhCarry, { buffer: g.dh0.buffer, offset: (l * D + d) * bytes, size: bytes });
    if (gd.dcCarry) sched.copy(gd.dcCarry, { buffer: g.dc0!.buffer, offset: (l * D + d) * bytes, size: bytes });
  }));
  return norms?.norms ?? null;
}
