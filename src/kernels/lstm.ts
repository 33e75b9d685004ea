// lstm.ts — typed wrapper of shaders/lstm.wgsl: a layer's LSTM time loop, forward and BPTT,
// as one fused dispatch per step or one persistent dispatch per layer (see recurrent.ts).
// Layouts are time-major and documented in the shader. Mirrors src/reference/cells.ts (lstm).
import { vec4WeightsKernel } from './weight-loads';
import lstmWgsl from '../../shaders/lstm.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernel } from './gemm';
import { recordBackwardSteps, recordForwardSteps, dstateBinding, type RecurrentRun, type StateGradRecord } from './recurrent';

/** shaders/lstm.wgsl, reflected at build time. */
export const lstmKernel: Kernel = lstmWgsl;
/** Everything lstmForward / lstmBackward dispatch (the backward ends with a gemm): prepare these. */
export const lstmKernels: readonly Kernel[] = [lstmKernel, /* @__PURE__ */ vec4WeightsKernel(lstmKernel), gemmKernel];

/** What the entries expect of each binding (T = seqLen, B = batch, H = hidden); checked before recording. */
export const LSTM_FORWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  gx: '[T, B, 4H] f32', w_hh: '[4H, H] f32', b_hh: '[4H] f32', hseq: '[T+1, B, H] f32', cseq: '[T+1, B, H] f32', gates: '[T, B, 4H] f32',
});
export const LSTM_BACKWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  w_hh_b: '[4H, H] f32', gates_b: '[T, B, 4H] f32', cseq_b: '[T+1, B, H] f32', dy: '[T, B, H] f32',
  dgates: '[T, B, 4H] f32', dh_carry: '[B, H] f32', dc_carry: '[B, H] f32', dstate: '[T, B, 2, H] f32',
});

export interface LstmForwardArgs extends RecurrentRun {
  /** [T, B, 4H] input projection incl. b_ih. */
  gx: GpuTensor;
  /** [4H, H], [4H]. */
  wHh: GpuTensor;
  bHh: GpuTensor;
  /** [T+1, B, H]; row block 0 holds h0 / c0 on entry. */
  hseq: GpuTensor;
  cseq: GpuTensor;
  /** [T, B, 4H] activated gates (written). */
  gates: GpuTensor;
}

/** Records steps [tBegin, tEnd): fills hseq/cseq rows tBegin+1..tEnd and gates rows tBegin..tEnd-1. */
export function lstmForward(sched: Scheduler, a: LstmForwardArgs): void {
  recordForwardSteps(sched, {
    kernel: lstmKernel,
    range: a,
    reverse: a.reverse,
    variant: a.variant,
    path: a.path,
    units: 1,
    bindings: { gx: a.gx, w_hh: a.wHh, b_hh: a.bHh, hseq: a.hseq, cseq: a.cseq, gates: a.gates },
    shapes: LSTM_FORWARD_BINDINGS,
    tile: a.tile,
  });
}

export interface LstmBackwardArgs extends RecurrentRun, StateGradRecord {
  wHh: GpuTensor;
  gates: GpuTensor;
  cseq: GpuTensor;
  /** [T, B, H] d loss / d h_t from above, or null. */
  dy: GpuTensor | null;
  /** [T, B, 4H] gate gradients (written for rows tBegin..tEnd-1). */
  dgates: GpuTensor;
  /** [B, H]: in: d loss / d h_{tEnd-1}, c_{tEnd-1} from later steps; out: d loss / d h, c at tBegin-1. */
  dhCarry: GpuTensor;
  dcCarry: GpuTensor;
}

/** Records BPTT over steps tEnd-1 down to tBegin. */
export function lstmBackward(sched: Scheduler, a: LstmBackwardArgs): void {
  const dstate = dstateBinding(sched, a.dstate);
  recordBackwardSteps(
    sched,
    {
      kernel: lstmKernel,
      range: a,
      reverse: a.reverse,
      variant: a.variant,
      path: a.path,
      units: 4,
      bindings: { w_hh_b: a.wHh, gates_b: a.gates, cseq_b: a.cseq, dy: a.dy ?? a.gates, dgates: a.dgates, dh_carry: a.dhCarry, dstate: dstate.binding, dc_carry: a.dcCarry },
      shapes: LSTM_BACKWARD_BINDINGS,
      standIns: [...(a.dy ? [] : ['dy']), ...(dstate.standIn ? ['dstate'] : [])],
      keepDstate: !dstate.standIn,
      hasDy: a.dy !== null,
      tile: a.tile,
    },
    { dgHid: a.dgates, wHh: a.wHh, dhCarry: a.dhCarry },
  );
}
