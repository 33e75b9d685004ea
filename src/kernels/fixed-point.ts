// fixed-point.ts — typed wrapper of shaders/fixed_point.wgsl: the residual r = F(s) − s and the
// Adam descent step on q(s) = ½‖r‖² (gradient Jᵀ r − r) of the fixed-point search
// (src/analysis/fixed-points.ts). Every array is an [n] f32 view of the same layout.
import kernelWgsl from '../../shaders/fixed_point.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import type { GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';

/** shaders/fixed_point.wgsl reflected at build time (entry points residual, descend). */
export const fixedPointKernel: Kernel = kernelWgsl;
const WG = 64;

/** What fixed_point.wgsl expects: N f32 values each (views of one layout). */
export const FIXED_POINT_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  next: '[>= N] f32', state: '[>= N] f32', resid: '[>= N] f32', back: '[>= N] f32', moment1: '[>= N] f32', moment2: '[>= N] f32',
});

/** Records resid = next − state over n elements. */
export function recordResidual(sched: Scheduler, a: { next: GpuTensor; state: GpuTensor; resid: GpuTensor; n: number }): void {
  sched.dispatch(fixedPointKernel, 'residual', {
    bindings: { next: a.next, state: a.state, resid: a.resid },
    shapes: { declared: FIXED_POINT_BINDINGS, dims: { N: a.n } },
    uniforms: { n: a.n, beta1: 0, beta2: 0, eps: 0, step_size: 0, bc2_sqrt: 1 }, // the descent fields are unused here
    workgroups: grid1d(a.n, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}

/** Adam settings of one descent step; stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t). */
export interface DescentStep {
  beta1: number;
  beta2: number;
  eps: number;
  stepSize: number;
  bc2Sqrt: number;
}

/** Records one Adam step on state with gradient back − resid (n elements; moments m1, m2 kept across steps). */
export function recordDescent(sched: Scheduler, a: { state: GpuTensor; resid: GpuTensor; back: GpuTensor; m1: GpuTensor; m2: GpuTensor; n: number }, step: DescentStep): void {
  sched.dispatch(fixedPointKernel, 'descend', {
    bindings: { state: a.state, resid: a.resid, back: a.back, moment1: a.m1, moment2: a.m2 },
    shapes: { declared: FIXED_POINT_BINDINGS, dims: { N: a.n } },
    uniforms: { n: a.n, beta1: step.beta1, beta2: step.beta2, eps: step.eps, step_size: step.stepSize, bc2_sqrt: step.bc2Sqrt },
    workgroups: grid1d(a.n, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}
