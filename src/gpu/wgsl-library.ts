// wgsl-library.ts — the shared WGSL helpers that kernels pull in with `//!include "name"`,
// by name, for kernels defined at run time (the build finds shaders/lib/ by itself; a unit
// test checks that every file there is listed here). The modules hold the shipped form of each
// file (wgsl-shipped.ts): the library is their text, unpacked.
import { source as activations } from '../../shaders/lib/activations.wgsl';
import { source as gemmAScalar } from '../../shaders/lib/gemm_a_scalar.wgsl';
import { source as gemmAVec4 } from '../../shaders/lib/gemm_a_vec4.wgsl';
import { source as gemmBScalar } from '../../shaders/lib/gemm_b_scalar.wgsl';
import { source as gemmBVec4 } from '../../shaders/lib/gemm_b_vec4.wgsl';
import { source as gemmCScalar } from '../../shaders/lib/gemm_c_scalar.wgsl';
import { source as gemmCVec4 } from '../../shaders/lib/gemm_c_vec4.wgsl';
import { source as gemmTile } from '../../shaders/lib/gemm_tile.wgsl';
import { source as grid } from '../../shaders/lib/grid.wgsl';
import { source as optimGrad } from '../../shaders/lib/optim_grad.wgsl';
import { source as recurrentBackward } from '../../shaders/lib/recurrent_backward.wgsl';
import { source as recurrentGatedForward } from '../../shaders/lib/recurrent_gated_forward.wgsl';
import { source as recurrentTile } from '../../shaders/lib/recurrent_tile.wgsl';
import { source as reduce } from '../../shaders/lib/reduce.wgsl';
import { source as rowsDirect } from '../../shaders/lib/rows_direct.wgsl';
import { source as rowsSubgroups } from '../../shaders/lib/rows_subgroups.wgsl';
import { source as stateGrad } from '../../shaders/lib/state_grad.wgsl';
import { source as targets } from '../../shaders/lib/targets.wgsl';
import { source as tileScalar } from '../../shaders/lib/tile_scalar.wgsl';
import { source as tileVec4 } from '../../shaders/lib/tile_vec4.wgsl';
import { source as weightsScalar } from '../../shaders/lib/weights_scalar.wgsl';
import { source as weightsVec4 } from '../../shaders/lib/weights_vec4.wgsl';
import { unpackWgsl } from './wgsl-shipped';

/**
 * springloop's WGSL helpers by include name (`//!include "activations"`), as text:
 * `activations` (sigmoid/tanh), `grid` (flat invocation index), `optim_grad`, `reduce`
 * (workgroup sums), `targets` (forecasting targets' terms and inverse), the GEMM tile
 * (`gemm_tile`, with its loads of A and B: `gemm_a_scalar` / `gemm_b_scalar`, or `gemm_a_vec4` /
 * `gemm_b_vec4` for contiguous aligned rows; and its stores of C: `gemm_c_scalar`, or
 * `gemm_c_vec4` likewise) and the recurrent-kernel building blocks (with their row loads: `rows_direct`, or
 * `rows_subgroups` under `enable subgroups;`; and their W_hh loads: `weights_scalar`, or
 * `weights_vec4` for hidden sizes that are multiples of 4; their workgroup tile: `tile_scalar`, or
 * `tile_vec4` on the 'subgroups' path for hidden sizes that are multiples of 4). `defineKernel()`'s default library.
 */
export const WGSL_LIBRARY: Readonly<Record<string, string>> = /* @__PURE__ */ restoreLibrary({
  activations,
  gemm_a_scalar: gemmAScalar,
  gemm_a_vec4: gemmAVec4,
  gemm_b_scalar: gemmBScalar,
  gemm_b_vec4: gemmBVec4,
  gemm_c_scalar: gemmCScalar,
  gemm_c_vec4: gemmCVec4,
  gemm_tile: gemmTile,
  grid,
  optim_grad: optimGrad,
  recurrent_backward: recurrentBackward,
  recurrent_gated_forward: recurrentGatedForward,
  recurrent_tile: recurrentTile,
  reduce,
  rows_direct: rowsDirect,
  rows_subgroups: rowsSubgroups,
  state_grad: stateGrad,
  targets,
  tile_scalar: tileScalar,
  tile_vec4: tileVec4,
  weights_scalar: weightsScalar,
  weights_vec4: weightsVec4,
});

function restoreLibrary(shipped: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  return Object.fromEntries(Object.entries(shipped).map(([name, text]) => [name, unpackWgsl(text)]));
}
