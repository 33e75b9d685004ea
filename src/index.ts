// index.ts — springloop's public API.
export { init, probe, isSupported, adapterKindOf, matchesAdapter, type GpuContext, type InitOptions, type AdapterKind, type WebGpuSupport } from './gpu/device';
export { DeviceLostError, UseAfterDestroyError, GpuValidationError } from './gpu/errors';
export { Lifetime, type ReleaseVerb } from './gpu/lifetime';
export { declareBindings, type BindingDeclarations, type BindingDeclaration, type ShapeCheck } from './gpu/declare';
export { Scheduler, type Binding, type DispatchArgs, type Counters } from './gpu/scheduler';
export { defineKernel, PipelineCache, type Kernel, type Overrides } from './gpu/kernel';
export { ParamArena, layoutArena, type ArenaEntry, type ArenaSlot } from './gpu/arena';
export { ScratchPool, type PoolStats } from './gpu/pool';
export { resolveIncludes } from './gpu/wgsl-include';
export { reflectWgsl, type BindingInfo, type EntryPointInfo } from './gpu/reflect';
export { BufferUsage, MapMode, STORAGE_RW } from './gpu/flags';
export { numel, Tensor, type GpuTensor, type DType, type HostArray } from './gpu/tensor';
export { axpy, axpyKernel } from './kernels/axpy';
export { Random } from './util/random';

// Physics: batched oscillators on the GPU, and their float64 reference.
export { simulate, type SimulateOptions, type Trajectory } from './physics/simulate';
export { simulateReference, DEFAULT_OSCILLATOR, PARAM_NAMES, type OscillatorParams, type Integrator } from './reference/rk4';
export { buildEnsemble } from './physics/ensemble';
export { physicsRnn, physicsRnnParameters, PHYSICS_RNN_CONFIG } from './physics-rnn';

// Recurrent models (PyTorch state_dict names), optimizers, data and training.
export * from './model/index';
export { GpuOptimizer, GradClipper, optimizerConfig, type OptimizerConfig } from './kernels/optim';
export { Forecaster, type ForecasterOptions, type ForecasterTraining, type ForecastSeries } from './train/forecaster';
export { ForecastStream, type StreamOptions } from './train/stream';
export { Trainer, type TrainerOptions, type EpochReport } from './train/trainer';
export { describeDataset, DATASETS, type DatasetName } from './data/datasets';
export { materializeDataset, GpuWindows } from './data/gpu-data';
export { planWindows } from './data/windows';
export { evaluateForecast, rollout } from './train/evaluate';

// Weights and arrays in files (pure byte codecs; no fs).
export { encodeSafetensors, decodeSafetensors, checkStateDict } from './io/safetensors';
export { encodeNpyFloat32, decodeNpy } from './io/npy';
