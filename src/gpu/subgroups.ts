// subgroups.ts — the 'subgroups' kernel path: whether a scheduler's kernels may share loads
// through subgroup broadcasts, how wide a broadcast group can be, and the recurrent cell
// kernels with their row loads shared that way. The 'subgroups' feature is requested by init()
// when the adapter has it; a kernel that broadcasts from lanes 0..SG−1 of each subgroup is
// correct when SG ≤ the adapter's smallest subgroup (lavapipe: 8 lanes on 256-bit SIMD,
// SwiftShader: 4). Which path a model takes per adapter: src/model/kernel-paths.ts.
import { source as rowsSubgroups } from '../../shaders/lib/rows_subgroups.wgsl';
import type { Kernel } from './kernel';
import type { Scheduler } from './scheduler';
import { HelperVariants } from './helper-swap';

/**
 * How kernels with two implementations load shared operands: 'plain' (every lane loads what
 * it uses) or 'subgroups' (one lane per row loads and subgroup shuffles share it; needs a
 * device with the 'subgroups' feature).
 */
export type KernelPath = 'plain' | 'subgroups';

/** The kernel paths, in the order the benchmarks list them. */
export const KERNEL_PATHS: readonly KernelPath[] = ['plain', 'subgroups'];

/** `path` when it is a kernel path; else throws naming `where`. */
export function requireKernelPath(where: string, path: unknown): KernelPath {
  if (path !== 'plain' && path !== 'subgroups') throw new Error(`${where}: path must be 'plain' or 'subgroups', got ${String(path)}`);
  return path;
}

/** Largest broadcast group the subgroup kernels use: 8, so that a workgroup of 8 lanes (the smallest the GEMM and recurrent tiles use) still holds a whole group even where subgroups are wider (32 or 64 lanes on GPUs). */
export const MAX_SUBGROUP_WIDTH = 8;

/**
 * The broadcast group width SG for `sched`'s device — the largest power of two ≤ both the
 * adapter's subgroupMinSize and MAX_SUBGROUP_WIDTH — or null when the device has no
 * 'subgroups' feature or the adapter does not report its subgroup sizes.
 */
export function subgroupWidth(sched: Pick<Scheduler, 'device' | 'ctx'>): number | null {
  // Fixed per device, asked on every GEMM and time loop recorded: worked out once.
  if (widths.has(sched.device)) return widths.get(sched.device)!;
  const width = computeWidth(sched);
  widths.set(sched.device, width);
  return width;
}

const widths = new WeakMap<GPUDevice, number | null>();

function computeWidth(sched: Pick<Scheduler, 'device' | 'ctx'>): number | null {
  if (!sched.device.features.has('subgroups')) return null;
  const min = (sched.ctx.adapter.info as GPUAdapterInfo | undefined)?.subgroupMinSize;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) return null;
  let width = 1;
  while (width * 2 <= Math.min(min, MAX_SUBGROUP_WIDTH)) width *= 2;
  return width;
}

/** subgroupWidth(), for a kernel on path 'subgroups': throws, naming `where`, when the device has no subgroups. */
export function requireSubgroupWidth(sched: Pick<Scheduler, 'device' | 'ctx'>, where: string): number {
  const width = subgroupWidth(sched);
  if (width === null) throw new Error(`${where}: path 'subgroups' needs a device with the 'subgroups' feature (this one has none); use path 'plain'`);
  return width;
}

/**
 * The recurrent cell kernels' row loads (shaders/lib/recurrent_tile.wgsl includes rows_direct)
 * and what the 'subgroups' path puts in their place, after `enable subgroups;`.
 */
const SUBGROUP_ROWS = /* @__PURE__ */ new HelperVariants({
  from: 'rows_direct',
  to: { name: 'rows_subgroups', source: rowsSubgroups },
  what: "subgroupRowsKernel() ('subgroups' path)",
  suffix: '+subgroups',
  preamble: [{ line: 'enable subgroups;', origin: 'src/gpu/subgroups.ts (enable subgroups)' }],
});

/**
 * `kernel` on the 'subgroups' path: the same entry points, bindings and overrides, with the
 * lines shaders/lib/rows_direct.wgsl gave it replaced by shaders/lib/rows_subgroups.wgsl and
 * `enable subgroups;` first (line map kept, so compile errors name the right file and line).
 * One object per kernel (its pipelines are cached once). Throws when `kernel` does not
 * include rows_direct (only the recurrent cell kernels do).
 */
export function subgroupRowsKernel(kernel: Kernel): Kernel {
  return SUBGROUP_ROWS.of(kernel);
}
