// kernel-paths.ts — which kernel path (src/gpu/subgroups.ts) 'auto' takes on each kind of
// adapter: one table. On lavapipe every load is an 8-lane loop even when all lanes read the
// same address, so sharing row loads through subgroup shuffles pays (GEMMs about 2x, the
// recurrent loops most of that: the lecture-config training step 1.6-1.7x less adapter CPU,
// bench/rnn.bench.ts's @plain / @subgroups rows). SwiftShader (4-lane subgroups) gained 2-4 %
// there, within the noise: it keeps 'plain', as do GPUs and other software adapters until a
// benchmark there says otherwise.
import type { AdapterKind } from '../gpu/context';
import type { Scheduler } from '../gpu/scheduler';
import { requireSubgroupWidth, subgroupWidth, type KernelPath } from '../gpu/subgroups';
import { requireOneOf } from '../util/check';

/** The path 'auto' takes per adapter kind where the device has subgroups ('plain' where it has none). */
export const AUTO_KERNEL_PATH: Readonly<Record<AdapterKind, KernelPath>> = {
  lavapipe: 'subgroups',
  swiftshader: 'plain',
  software: 'plain',
  hardware: 'plain',
};

/**
 * The kernel path a model on `sched` runs for `requested` (RecurrentModelOptions.path):
 * 'auto' is AUTO_KERNEL_PATH for its adapter ('plain' where the device has no subgroups).
 * Throws for an unknown name, and for 'subgroups' on a device without subgroups.
 */
export function pickKernelPath(sched: Scheduler, requested: unknown = 'auto'): KernelPath {
  const path = requireOneOf('path', requested, ['auto', 'plain', 'subgroups'] as const);
  if (path === 'subgroups') requireSubgroupWidth(sched, 'RecurrentModel');
  if (path !== 'auto') return path;
  const auto = AUTO_KERNEL_PATH[sched.ctx.adapterKind];
  return auto === 'subgroups' && subgroupWidth(sched) === null ? 'plain' : auto;
}
