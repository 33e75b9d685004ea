// index.ts — springloop's public API.
export { init, probe, isSupported, adapterKindOf, matchesAdapter, type GpuContext, type InitOptions, type AdapterKind, type WebGpuSupport } from './gpu/device';
export { DeviceLostError, UseAfterDestroyError, GpuValidationError } from './gpu/errors';
export { Lifetime, type ReleaseVerb } from './gpu/lifetime';
export { declareBindings, type BindingDeclarations, type BindingDeclaration, type ShapeCheck } from './gpu/declare';
export { Scheduler, type Binding, type DispatchArgs, type Counters } from './gpu/scheduler';
export { PipelineCache, type Kernel, type Overrides } from './gpu/kernel';
export { ParamArena, layoutArena, type ArenaEntry, type ArenaSlot } from './gpu/arena';
export { ScratchPool, type PoolStats } from './gpu/pool';
export type { SourceLine } from './gpu/wgsl-include';
export type { BindingInfo, BindingKind, EntryPointInfo, KernelReflection, UniformMember } from './gpu/reflect';
export { BufferUsage, MapMode, STORAGE_RW } from './gpu/flags';
export { numel, Tensor, type GpuTensor, type DType, type HostArray } from './gpu/tensor';
export { axpy, axpyKernel } from './kernels/axpy';
export { dropoutJoin, dropoutSplit, dropoutMaskOf, dropoutKernel, type DropoutMask, type JoinArgs, type JoinPart } from './kernels/dropout';
export { Random } from './util/random';

// Physics: batched oscillators on the GPU, and their float64 reference.
export { simulate, type SimulateOptions, type Trajectory } from './physics/simulate';
export { simulateReference } from './physics/simulate-reference';
export { DEFAULT_OSCILLATOR, PARAM_NAMES, type OscillatorParams, type Integrator } from './physics/oscillator';

// Dynamics: RecurrentModel's gradNorms option gives gradient norms through time; the exercise's
// physics RNN and its closed form (here and in 'springloop/analysis', where the Jacobians, fixed
// points and Lyapunov exponents are: dynamics.ts).
export { physicsRnn, physicsRnnParameters, physicsRnnTheory, PHYSICS_RNN_CONFIG, type PhysicsRnnTheory, type PhysicsRnnOptions, type DampingRegime } from './physics-rnn';
export { classifyEigenvalues, eigenvalues2x2, type Stability } from './analysis/stability';

// Recurrent models (PyTorch state_dict names), optimizers, data and training.
export * from './model/index';
export { GpuOptimizer, GradClipper, optimizerConfig, type OptimizerConfig } from './kernels/optim';
export { Forecaster, type ForecasterOptions, type ForecasterTraining, type ForecastSeries } from './train/forecaster';
export { ForecastStream, type StreamOptions } from './train/stream';
export { Trainer, type TrainerOptions, type EpochReport } from './train/trainer';
export { GpuWindows } from './data/gpu-data';
export { planWindows } from './data/windows';
export { evaluateForecast, rollout } from './train/evaluate';
export { TARGETS, TARGET_SPECS, type TargetSpec, type Term } from './data/targets';
export { ESN_DEFAULTS, MAX_RESERVOIR, type EsnSettings } from './esn/config';

// Weights in files (pure byte codecs; no fs). The lecture's data sets, ensembles and .npy
// arrays are in 'springloop/data' (experiment-data.ts).
export { encodeSafetensors, decodeSafetensors, checkStateDict } from './io/safetensors';

// Types that appear in the signatures above (type-only: nothing more to bundle).
export type { CompiledEntry } from './gpu/kernel';
export type { GpuTimer, GpuTime } from './gpu/timestamps';
export type { SimulationOptions, OscillatorColumns, ParamName } from './physics/oscillator';
export type { TrajectorySlice, ContinueOptions } from './physics/simulate';
export type { CellKind } from './reference/cells';
export type { RecurrentConfig } from './reference/recurrent';
export type { AdamHyper, SgdHyper } from './reference/optim';
export type { ArenaLike } from './kernels/optim';
export type { Evaluation } from './kernels/metrics';
export type { Metrics } from './reference/metrics';
export type { SeriesView, FeatureLayout } from './kernels/windows';
export type { EsnCore, EsnEngine } from './train/esn-engine';
export type { RecurrentTile, RecurrentVariant } from './kernels/recurrent';
export type { KernelPath } from './gpu/subgroups';
export type { LayerParams } from './model/layers';
export type { TargetMode } from './train/config';
export type { ModelHandle, LossKind } from './train/model-handle';
export type { Schedule } from './train/schedule';
export type { TrainerProgress } from './train/trainer';
export type { RolloutSeed } from './train/evaluate';
export type { DatasetSpec } from './data/datasets';
export type { GpuTrajectory, FeatureConfig, BatchBuffers } from './data/gpu-data';
export type { WindowPlan, WindowPlanInput, TargetKind } from './data/windows';
export type { StateDictProblem, DecodedSafetensors, DecodedTensor, Float32Tensor, SafetensorsDtype } from './io/safetensors';
