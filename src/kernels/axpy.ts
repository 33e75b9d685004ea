// axpy.ts — typed wrapper of shaders/axpy.wgsl: y ← alpha·x + y on the GPU.
import source from '../../shaders/axpy.wgsl';
import { defineKernel } from '../gpu/kernel';
import { declareBindings } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';

export const axpyKernel = defineKernel('axpy.wgsl', source);
const WORKGROUP_SIZE = axpyKernel.entry('axpy').workgroupSize[0];

/** What axpy.wgsl expects: N f32 values each, in any shape. */
export const AXPY_BINDINGS = declareBindings({ x: '[>= N] f32', y: '[>= N] f32' });

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
    workgroups: grid1d(n, WORKGROUP_SIZE, sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
