// weight-loads.ts — how the recurrent cell kernels read W_hh and their workgroup tile: four
// values of a W_hh row per load where H % 4 = 0 (shaders/lib/weights_vec4.wgsl in place of
// weights_scalar.wgsl), four scalar loads otherwise; and on the 'subgroups' path (lavapipe)
// where H % 4 = 0, the persistent entries' tile four columns per load (shaders/lib/tile_vec4.wgsl
// in place of tile_scalar.wgsl; SwiftShader, on the plain path, runs the scalar tile faster). On
// lavapipe a load instruction costs the same for a vec4 as for an f32 (#17); the values and
// their order of summation are the same either way.
import type { Kernel } from '../gpu/kernel';
import { HelperVariants } from '../gpu/helper-swap';
import { subgroupRowsKernel } from '../gpu/subgroups';
import { source as weightsVec4 } from '../../shaders/lib/weights_vec4.wgsl';
import { source as tileVec4 } from '../../shaders/lib/tile_vec4.wgsl';

// Named as the cell kernel itself: errors about its dispatches read as the cell kernel's; its
// compile errors name weights_vec4 or tile_vec4 and the line.
const VEC4_WEIGHTS = /* @__PURE__ */ new HelperVariants({
  from: 'weights_scalar',
  to: { name: 'weights_vec4', source: weightsVec4 },
  what: 'vec4WeightsKernel()',
});
const VEC4_TILE = /* @__PURE__ */ new HelperVariants({
  from: 'tile_scalar',
  to: { name: 'tile_vec4', source: tileVec4 },
  what: 'subgroupsKernelFor() (tile)',
});

/** `kernel` (a recurrent cell kernel) reading W_hh as vec4: only for hidden sizes H % 4 = 0. One object per kernel. */
export function vec4WeightsKernel(kernel: Kernel): Kernel {
  return VEC4_WEIGHTS.of(kernel);
}

/** The cell kernel a layer of hidden size H dispatches for its W_hh loads: the vec4 variant where H % 4 = 0. */
export function weightLoadsKernel(kernel: Kernel, hidden: number): Kernel {
  return hidden % 4 === 0 ? vec4WeightsKernel(kernel) : kernel;
}

/** The cell kernel a layer of hidden size H dispatches on path 'subgroups': subgroupRowsKernel() of weightLoadsKernel(), with the vec4 tile where H % 4 = 0. One object per kernel and H % 4. */
export function subgroupsKernelFor(kernel: Kernel, hidden: number): Kernel {
  const onPath = subgroupRowsKernel(weightLoadsKernel(kernel, hidden));
  return hidden % 4 === 0 ? VEC4_TILE.of(onPath) : onPath;
}
