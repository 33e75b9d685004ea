// index.ts — springloop's public API.
export { init, adapterKindOf, matchesAdapter, type GpuContext, type InitOptions, type AdapterKind } from './gpu/device';
export { Scheduler, type Binding, type DispatchArgs, type Counters } from './gpu/scheduler';
export { defineKernel, PipelineCache, type Kernel, type Overrides } from './gpu/kernel';
export { ParamArena, layoutArena, type ArenaEntry, type ArenaSlot } from './gpu/arena';
export { ScratchPool, type PoolStats } from './gpu/pool';
export { resolveIncludes } from './gpu/wgsl-include';
export { reflectWgsl, type BindingInfo, type EntryPointInfo } from './gpu/reflect';
export { BufferUsage, MapMode, STORAGE_RW } from './gpu/flags';
export { numel, type GpuTensor, type DType, type HostArray } from './gpu/tensor';
export { axpy, axpyKernel } from './kernels/axpy';
export { Random } from './util/random';
