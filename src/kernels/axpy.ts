// axpy.ts — typed wrapper of shaders/axpy.wgsl: y ← alpha·x + y on the GPU.
import axpyWgsl from '../../shaders/axpy.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';

/** shaders/axpy.wgsl, reflected at build time. */
export const axpyKernel: Kernel = axpyWgsl;

/** What axpy.wgsl expects: N f32 values each, in any shape. */
export const AXPY_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({ x: '[>= N] f32', y: '[>= N] f32' });

/** Records y ← alpha·x + y. x and y must hold the same number of f32 values. */
export function axpy(sched: Scheduler, alpha: number, x: GpuTensor, y: GpuTensor): void {
  const n = numel(y.shape);
  if (numel(x.shape) !== n) {
    throw new Error(`axpy: x has shape ${formatShape(x.shape)} but y has shape ${formatShape(y.shape)}; they must hold the same number of values`);
  }
  if (!Number.isFinite(alpha)) throw new Error(`axpy: alpha must be finite, got ${alpha}`);
  sched.dispatch(axpyKernel, 'axpy', {
    bindings: { x, y },
    shapes: { declared: AXPY_BINDINGS, dims: { N: n } },
    uniforms: { n, alpha },
    workgroups: grid1d(n, workgroupWidth(axpyKernel, 'axpy'), sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
