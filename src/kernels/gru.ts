// gru.ts — typed wrapper of shaders/gru.wgsl: a layer's GRU time loop (gate order r, z, n;
// b_hn inside r·(…)), forward and BPTT, one fused dispatch per step or one persistent
// dispatch per layer (see recurrent.ts). Mirrors src/reference/cells.ts (gru).
import { vec4WeightsKernel } from './weight-loads';
import gruWgsl from '../../shaders/gru.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernel } from './gemm';
import { recordBackwardSteps, recordForwardSteps, dstateBinding, type RecurrentRun, type StateGradRecord } from './recurrent';

/** shaders/gru.wgsl, reflected at build time. */
export const gruKernel: Kernel = gruWgsl;
/** Everything gruForward / gruBackward dispatch (the backward ends with a gemm): prepare these. */
export const gruKernels: readonly Kernel[] = [gruKernel, /* @__PURE__ */ vec4WeightsKernel(gruKernel), gemmKernel];

/** What the entries expect of each binding (T = seqLen, B = batch, H = hidden); checked before recording. */
export const GRU_FORWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  gx: '[T, B, 3H] f32', w_hh: '[3H, H] f32', b_hh: '[3H] f32', hseq: '[T+1, B, H] f32', gates: '[T, B, 4H] f32',
});
export const GRU_BACKWARD_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  w_hh_b: '[3H, H] f32', gates_b: '[T, B, 4H] f32', hseq_b: '[T+1, B, H] f32', dy: '[T, B, H] f32',
  dg_in: '[T, B, 3H] f32', dg_hid: '[T, B, 3H] f32', dh_carry: '[B, H] f32', dstate: '[T, B, H] f32',
});

export interface GruForwardArgs extends RecurrentRun {
  /** [T, B, 3H] input projection incl. b_ih. */
  gx: GpuTensor;
  /** [3H, H], [3H]. */
  wHh: GpuTensor;
  bHh: GpuTensor;
  /** [T+1, B, H]; row block 0 holds h0 on entry. */
  hseq: GpuTensor;
  /** [T, B, 4H]: r, z, n, W_hn h + b_hn (written). */
  gates: GpuTensor;
}

export function gruForward(sched: Scheduler, a: GruForwardArgs): void {
  recordForwardSteps(sched, {
    kernel: gruKernel,
    range: a,
    reverse: a.reverse,
    variant: a.variant,
    path: a.path,
    units: 1,
    bindings: { gx: a.gx, w_hh: a.wHh, b_hh: a.bHh, hseq: a.hseq, gates: a.gates },
    shapes: GRU_FORWARD_BINDINGS,
    tile: a.tile,
  });
}

export interface GruBackwardArgs extends RecurrentRun, StateGradRecord {
  wHh: GpuTensor;
  gates: GpuTensor;
  hseq: GpuTensor;
  /** [T, B, H] d loss / d h_t from above, or null. */
  dy: GpuTensor | null;
  /** [T, B, 3H] gradients of the input-side and hidden-side pre-activations (written). */
  dgIn: GpuTensor;
  dgHid: GpuTensor;
  /** [B, H]: in: gradient into h_{tEnd-1} from later steps; out: into h_{tBegin-1}. */
  dhCarry: GpuTensor;
}

export function gruBackward(sched: Scheduler, a: GruBackwardArgs): void {
  const dstate = dstateBinding(sched, a.dstate);
  recordBackwardSteps(
    sched,
    {
      kernel: gruKernel,
      range: a,
      reverse: a.reverse,
      variant: a.variant,
      path: a.path,
      units: 4,
      bindings: { w_hh_b: a.wHh, gates_b: a.gates, hseq_b: a.hseq, dy: a.dy ?? a.gates, dg_in: a.dgIn, dg_hid: a.dgHid, dh_carry: a.dhCarry, dstate: dstate.binding },
      shapes: GRU_BACKWARD_BINDINGS,
      standIns: [...(a.dy ? [] : ['dy']), ...(dstate.standIn ? ['dstate'] : [])],
      keepDstate: !dstate.standIn,
      hasDy: a.dy !== null,
      tile: a.tile,
    },
    { dgHid: a.dgHid, wHh: a.wHh, dhCarry: a.dhCarry },
  );
}
