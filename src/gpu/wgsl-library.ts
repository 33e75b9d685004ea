// wgsl-library.ts — the shared WGSL helpers that kernels pull in with `//!include "name"`.
import activations from '../../shaders/lib/activations.wgsl';
import grid from '../../shaders/lib/grid.wgsl';
import optimGrad from '../../shaders/lib/optim_grad.wgsl';
import recurrentBackward from '../../shaders/lib/recurrent_backward.wgsl';
import recurrentGatedForward from '../../shaders/lib/recurrent_gated_forward.wgsl';
import recurrentTile from '../../shaders/lib/recurrent_tile.wgsl';
import reduce from '../../shaders/lib/reduce.wgsl';
import targets from '../../shaders/lib/targets.wgsl';

export const WGSL_LIBRARY: Readonly<Record<string, string>> = {
  activations,
  grid,
  optim_grad: optimGrad,
  recurrent_backward: recurrentBackward,
  recurrent_gated_forward: recurrentGatedForward,
  recurrent_tile: recurrentTile,
  reduce,
  targets,
};
