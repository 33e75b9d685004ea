// state-grad-norm.ts — typed wrapper of shaders/state_grad_norm.wgsl: per-step batch-mean
// norms of the d loss / d h_t (and c_t) a backward pass recorded into dstate [T, B, S, H],
// written as [S, T] into a norms tensor at an element offset (one dispatch per layer).
// Mirrors batchMeanNorms in src/reference/grad-norms.ts.
import kernelWgsl from '../../shaders/state_grad_norm.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import type { GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';

/** shaders/state_grad_norm.wgsl (entry point step_norms). */
export const stateGradNormKernel: Kernel = kernelWgsl;
const WG = 64;

/** What state_grad_norm.wgsl expects (T steps, B batch, S slots, H hidden, O the norms' element offset). */
export const STATE_GRAD_NORM_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  dstate: '[>= T*B*S*H] f32', norms: '[>= O+S*T] f32',
});

/** Sizes, the recorded dstate and where the [S, T] norms go. */
export interface StateGradNormArgs {
  /** B: sequences. */
  batch: number;
  /** H: hidden units. */
  hidden: number;
  /** S: 2 for LSTM (h, c), else 1. */
  slots: number;
  /** T: steps. */
  steps: number;
  /** Steps before tBegin (truncated BPTT) get 0. */
  tBegin: number;
  /** [T, B, S, H]. */
  dstate: GpuTensor;
  /** Receives [S, T] at element outOffset. */
  norms: GpuTensor;
  /** Element offset of this layer's [S, T] block in norms. */
  outOffset: number;
}

/** Records norms[outOffset + s·T + t] = mean over b of ‖dstate[t, b, s, ·]‖₂. */
export function recordStateGradNorms(sched: Scheduler, a: StateGradNormArgs): void {
  const { batch: B, hidden: H, slots: S, steps: T } = a;
  sched.dispatch(stateGradNormKernel, 'step_norms', {
    bindings: { dstate: a.dstate, norms: a.norms },
    shapes: { declared: STATE_GRAD_NORM_BINDINGS, dims: { T, B, S, H, O: a.outOffset } },
    uniforms: { batch: B, hidden: H, slots: S, steps: T, t_begin: a.tBegin, out_offset: a.outOffset },
    workgroups: grid1d(S * T, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}
