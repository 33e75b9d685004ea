// subgroups.ts — whether a scheduler's kernels may share loads through subgroup broadcasts, and
// how wide a broadcast group can be. The 'subgroups' feature is requested by init() when the
// adapter has it; a kernel that broadcasts from lanes 0..SG−1 of each subgroup is correct when
// SG ≤ the adapter's smallest subgroup (lavapipe: 8 lanes on 256-bit SIMD, SwiftShader: 4).
import type { Scheduler } from './scheduler';

/** Largest broadcast group the subgroup kernels use: 8, so that a workgroup of 8 lanes (the smallest the GEMM tiles use) still holds a whole group even where subgroups are wider (32 or 64 lanes on GPUs). */
export const MAX_SUBGROUP_WIDTH = 8;

/**
 * The broadcast group width SG for `sched`'s device — the largest power of two ≤ both the
 * adapter's subgroupMinSize and MAX_SUBGROUP_WIDTH — or null when the device has no
 * 'subgroups' feature or the adapter does not report its subgroup sizes.
 */
export function subgroupWidth(sched: Pick<Scheduler, 'device' | 'ctx'>): number | null {
  if (!sched.device.features.has('subgroups')) return null;
  const min = (sched.ctx.adapter.info as GPUAdapterInfo | undefined)?.subgroupMinSize;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) return null;
  let width = 1;
  while (width * 2 <= Math.min(min, MAX_SUBGROUP_WIDTH)) width *= 2;
  return width;
}
