// wgsl-library.ts — the shared WGSL helpers that kernels pull in with `//!include "name"`.
import activations from '../../shaders/lib/activations.wgsl';
import reduce from '../../shaders/lib/reduce.wgsl';

export const WGSL_LIBRARY: Readonly<Record<string, string>> = {
  activations,
  reduce,
};
