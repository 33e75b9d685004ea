// jacobian.ts — typed wrapper of shaders/jacobian.wgsl: the state Jacobians J_t = ∂s_t/∂s_{t-1}
// [steps, B, S·H, S·H] and input Jacobians K_t = ∂s_t/∂x_t [steps, B, S·H, In] of one layer
// along a recorded forward pass (its hseq / cseq / gates tape). Mirrors cellStepJacobians in
// src/reference/jacobian.ts.
import kernelWgsl from '../../shaders/jacobian.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import type { GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';
import { CELL_KINDS, type CellKind } from '../reference/cells';
import { stateMultiplier } from '../reference/jacobian';
import { cellSpec } from '../model/cells';
import { requireInteger, requireOneOf } from '../util/check';

/** shaders/jacobian.wgsl reflected at build time (entry points state_jacobian, input_jacobian). */
export const jacobianKernel: Kernel = kernelWgsl;
const WG = 64;
/**
 * What jacobian.wgsl expects (G gates, H hidden, I inputs, B batch, E = t_begin + steps, K kept
 * gates, M steps, N = S·H): views with at least these many values.
 */
export const JACOBIAN_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  w_hh: '[>= G*H*H] f32', w_ih: '[>= G*H*I] f32', hseq: '[>= (E+1)*B*H] f32', cseq: '[>= (E+1)*B*H] f32',
  gates: '[>= E*B*K*H] f32', jac: '[>= M*B*N*N] f32', kin: '[>= M*B*N*I] f32',
});

/** The shader's `cell` uniform (see its header). */
const JACOBIAN_CELL_CODE: Readonly<Record<CellKind, number>> = { rnn_tanh: 0, rnn_relu: 1, rnn_identity: 2, lstm: 3, gru: 4 };

/** One layer's tape and weights, and the steps [tBegin, tBegin + steps) to differentiate. */
export interface JacobianArgs {
  /** The layer's cell kind. */
  cell: CellKind;
  /** B: sequences. */
  batch: number;
  /** H: hidden units. */
  hidden: number;
  /** In: the layer's input width (I for layer 0, H above). */
  inputs: number;
  /** First step differentiated. */
  tBegin: number;
  /** Steps differentiated. */
  steps: number;
  /** [G·H, H] and [G·H, In] row-major. */
  wHh: GpuTensor;
  /** W_ih [G·H, In] row-major. */
  wIh: GpuTensor;
  /** [T+1, B, H] (T ≥ tBegin + steps); cseq (LSTM) likewise, null otherwise. */
  hseq: GpuTensor;
  /** LSTM: [T+1, B, H] cell states; null otherwise. */
  cseq: GpuTensor | null;
  /** [T, B, 4H] kept gates (LSTM, GRU), null for RNN cells. */
  gates: GpuTensor | null;
}

/** Elements of the state Jacobians (S·H)² per (step, sequence) and input Jacobians S·H·In. */
export function jacobianSizes(a: Pick<JacobianArgs, 'cell' | 'batch' | 'hidden' | 'inputs' | 'steps'>): { state: number; input: number } {
  const N = stateMultiplier(a.cell) * a.hidden;
  return { state: a.steps * a.batch * N * N, input: a.steps * a.batch * N * a.inputs };
}

function check(a: JacobianArgs): void {
  requireOneOf('jacobian: cell', a.cell, CELL_KINDS);
  for (const k of ['batch', 'hidden', 'inputs', 'steps'] as const) requireInteger(`jacobian: ${k}`, a[k], { min: 1 });
  requireInteger('jacobian: tBegin', a.tBegin, { min: 0 });
  // Sizes are checked by the dispatch against JACOBIAN_BINDINGS; cseq and gates only when the
  // cell has them (a stand-in is bound otherwise, so a missing one must be caught here).
  const spec = cellSpec(a.cell);
  if (spec.cellState && !a.cseq) throw new Error(`jacobian: cell ${a.cell} needs cseq`);
  if (spec.keptGates > 0 && !a.gates) throw new Error(`jacobian: cell ${a.cell} needs its kept gates`);
}

/** Records J into `out` ([steps, B, S·H, S·H] elements at least). */
export function recordStateJacobians(sched: Scheduler, a: JacobianArgs, out: GpuTensor): void {
  check(a);
  dispatch(sched, a, 'state_jacobian', { jac: out }, jacobianSizes(a).state);
}

/** Records K into `out` ([steps, B, S·H, In] elements at least). */
export function recordInputJacobians(sched: Scheduler, a: JacobianArgs, out: GpuTensor): void {
  check(a);
  dispatch(sched, a, 'input_jacobian', { kin: out }, jacobianSizes(a).input);
}

function dispatch(sched: Scheduler, a: JacobianArgs, entry: string, outputs: Record<string, GpuTensor>, count: number): void {
  const spec = cellSpec(a.cell);
  const dims = { G: spec.gates, H: a.hidden, I: a.inputs, B: a.batch, E: a.tBegin + a.steps, K: spec.keptGates, M: a.steps, N: stateMultiplier(a.cell) * a.hidden };
  const standIns = [...(a.cseq ? [] : ['cseq']), ...(a.gates ? [] : ['gates'])];
  sched.dispatch(jacobianKernel, entry, {
    bindings: { w_hh: a.wHh, w_ih: a.wIh, hseq: a.hseq, cseq: a.cseq ?? a.hseq, gates: a.gates ?? a.hseq, ...outputs },
    shapes: { declared: JACOBIAN_BINDINGS, dims, standIns },
    uniforms: { batch: a.batch, hidden: a.hidden, inputs: a.inputs, t_begin: a.tBegin, steps: a.steps, cell: JACOBIAN_CELL_CODE[a.cell] },
    workgroups: grid1d(count, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}
