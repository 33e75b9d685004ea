// rnn.ts — typed wrapper of shaders/rnn.wgsl: a layer's Elman RNN time loop (tanh, relu or
// identity), forward and BPTT, one fused dispatch per step or one persistent dispatch per
// layer (see recurrent.ts). Mirrors src/reference/cells.ts (rnn_*).
import { vec4WeightsKernel } from './weight-loads';
import rnnWgsl from '../../shaders/rnn.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernel } from './gemm';
import { recordBackwardSteps, recordForwardSteps, dstateBinding, type RecurrentRun, type StateGradRecord } from './recurrent';

/** shaders/rnn.wgsl, reflected at build time. */
export const rnnKernel: Kernel = rnnWgsl;
/** Everything rnnForward / rnnBackward dispatch (the backward ends with a gemm): prepare these. */
export const rnnKernels: readonly Kernel[] = [rnnKernel, /* @__PURE__ */ vec4WeightsKernel(rnnKernel), gemmKernel];

export type RnnActivation = 'tanh' | 'relu' | 'identity';
const ACT_CODE: Record<RnnActivation, number> = { tanh: 0, relu: 1, identity: 2 };

function actCode(a: RnnActivation): number {
  const code = ACT_CODE[a];
  if (code === undefined) throw new Error(`rnn: activation must be tanh, relu or identity, got ${String(a)}`);
  return code;
}

/** What the entries expect of each binding (T = seqLen, B = batch, H = hidden); checked before recording. */
export const RNN_FORWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({ gx: '[T, B, H] f32', w_hh: '[H, H] f32', b_hh: '[H] f32', hseq: '[T+1, B, H] f32' });
export const RNN_BACKWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  w_hh_b: '[H, H] f32', hseq_b: '[T+1, B, H] f32', dy: '[T, B, H] f32', dgates: '[T, B, H] f32', dh_carry: '[B, H] f32', dstate: '[T, B, H] f32',
});

export interface RnnForwardArgs extends RecurrentRun {
  /** [T, B, H] input projection incl. b_ih. */
  gx: GpuTensor;
  /** [H, H], [H]. */
  wHh: GpuTensor;
  bHh: GpuTensor;
  /** [T+1, B, H]; row block 0 holds h0 on entry. */
  hseq: GpuTensor;
  activation: RnnActivation;
}

export function rnnForward(sched: Scheduler, a: RnnForwardArgs): void {
  recordForwardSteps(sched, {
    kernel: rnnKernel,
    range: a,
    reverse: a.reverse,
    variant: a.variant,
    path: a.path,
    units: 4,
    bindings: { gx: a.gx, w_hh: a.wHh, b_hh: a.bHh, hseq: a.hseq },
    shapes: RNN_FORWARD_BINDINGS,
    extraUniforms: { act: actCode(a.activation) },
    tile: a.tile,
  });
}

export interface RnnBackwardArgs extends RecurrentRun, StateGradRecord {
  wHh: GpuTensor;
  hseq: GpuTensor;
  /** [T, B, H] d loss / d h_t from above, or null. */
  dy: GpuTensor | null;
  /** [T, B, H] d loss / d pre-activation (written for rows tBegin..tEnd-1). */
  dgates: GpuTensor;
  /** [B, H]: in: gradient into h_{tEnd-1} from later steps; out: into h_{tBegin-1}. */
  dhCarry: GpuTensor;
  activation: RnnActivation;
}

export function rnnBackward(sched: Scheduler, a: RnnBackwardArgs): void {
  const dstate = dstateBinding(sched, a.dstate);
  recordBackwardSteps(
    sched,
    {
      kernel: rnnKernel,
      range: a,
      reverse: a.reverse,
      variant: a.variant,
      path: a.path,
      units: 4,
      bindings: { w_hh_b: a.wHh, hseq_b: a.hseq, dy: a.dy ?? a.hseq, dgates: a.dgates, dh_carry: a.dhCarry, dstate: dstate.binding },
      shapes: RNN_BACKWARD_BINDINGS,
      standIns: [...(a.dy ? [] : ['dy']), ...(dstate.standIn ? ['dstate'] : [])],
      keepDstate: !dstate.standIn,
      extraUniforms: { act: actCode(a.activation) },
      hasDy: a.dy !== null,
      tile: a.tile,
    },
    { dgHid: a.dgates, wHh: a.wHh, dhCarry: a.dhCarry },
  );
}
