// kernel-authoring.ts — the 'springloop/kernels' entry: write your own kernels, and time them.
// defineKernel() reflects WGSL at run time with wgsl_reflect (the main entry's kernels were
// reflected by the build, so only apps that call it carry the parser); gpuTimer() and
// medianGpuMs() measure compute passes on the GPU with timestamp queries.
export { defineKernel } from './gpu/define-kernel';
export { WGSL_LIBRARY } from './gpu/wgsl-library';
export { resolveIncludes, type ResolvedWgsl, type SourceLine } from './gpu/wgsl-include';
export { reflectWgsl, type BindingInfo, type BindingKind, type EntryPointInfo, type KernelReflection, type UniformMember } from './gpu/reflect';
export { gpuTimer, medianGpuMs, GpuTimer, type GpuTime } from './gpu/timestamps';
export type { Kernel, Overrides } from './gpu/kernel';
