// index.ts — the GPU recurrent model's public surface.
export { RecurrentModel } from './recurrent-model';
export type { RecurrentModelOptions, ForwardOptions, ForwardOutputs, BackwardOptions, BackwardOutputs, LossTarget, TrainingStep } from './recurrent-model';
export { CELL_TYPES, HEAD_MODES, validateModelConfig, referenceConfig } from './config';
export { modelParamShapes } from './params';
export { CELL_SPECS, cellSpec } from './cells';
export type { CellSpec, TorchCell } from './cells';
export type { ModelConfig, CellType, HeadMode } from './config';
export { pickVariant, PERSISTENT_MAX_STEP_MACS } from './variant';
export { AUTO_KERNEL_PATH, pickKernelPath } from './kernel-paths';
