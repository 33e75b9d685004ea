// weight-loads.ts — how the recurrent cell kernels read W_hh: four values of a row per load
// where H % 4 = 0 (shaders/lib/weights_vec4.wgsl in place of weights_scalar.wgsl), four scalar
// loads otherwise. On lavapipe a load instruction costs the same for a vec4 as for an f32
// (#17); the values and their order of summation are the same either way.
import type { Kernel } from '../gpu/kernel';
import { HelperVariants } from '../gpu/helper-swap';
import { source as weightsVec4 } from '../../shaders/lib/weights_vec4.wgsl';

// Named as the cell kernel itself: errors about its dispatches read as the cell kernel's; its
// compile errors name weights_vec4 and the line.
const VEC4_WEIGHTS = /* @__PURE__ */ new HelperVariants({
  from: 'weights_scalar',
  to: { name: 'weights_vec4', source: weightsVec4 },
  what: 'vec4WeightsKernel()',
});

/** `kernel` (a recurrent cell kernel) reading W_hh as vec4: only for hidden sizes H % 4 = 0. One object per kernel. */
export function vec4WeightsKernel(kernel: Kernel): Kernel {
  return VEC4_WEIGHTS.of(kernel);
}

/** The cell kernel a layer of hidden size H dispatches for its W_hh loads: the vec4 variant where H % 4 = 0. */
export function weightLoadsKernel(kernel: Kernel, hidden: number): Kernel {
  return hidden % 4 === 0 ? vec4WeightsKernel(kernel) : kernel;
}
