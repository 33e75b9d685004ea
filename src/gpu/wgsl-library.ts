// wgsl-library.ts — the shared WGSL helpers that kernels pull in with `//!include "name"`.
import activations from '../../shaders/lib/activations.wgsl';

export const WGSL_LIBRARY: Readonly<Record<string, string>> = {
  activations,
};
