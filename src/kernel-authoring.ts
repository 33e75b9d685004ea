// kernel-authoring.ts — the 'springloop/kernels' entry: write your own kernels. defineKernel()
// reflects WGSL at run time with wgsl_reflect (the main entry's kernels were reflected by the
// build, so only apps that import this entry carry the parser).
export { defineKernel } from './gpu/define-kernel';
export { WGSL_LIBRARY } from './gpu/wgsl-library';
export { resolveIncludes, type ResolvedWgsl, type SourceLine } from './gpu/wgsl-include';
export { reflectWgsl, type BindingInfo, type BindingKind, type EntryPointInfo, type KernelReflection, type UniformMember } from './gpu/reflect';
export type { Kernel, Overrides } from './gpu/kernel';
