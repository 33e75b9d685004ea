// plan.ts — everything about a training run that is decided before any GPU work: the
// validated config, the data set's description, the window split and the feature setup.
// Bad input fails here with an error naming the option.
import { describeDataset, type DatasetSpec } from '../data/datasets';
import type { MnistRows } from '../data/mnist-rows';
import { planWindows, type WindowPlan } from '../data/windows';
import type { FeatureConfig } from '../data/gpu-data';
import type { ModelConfig } from '../model/config';
import { validateConfig, type TargetMode, type TargetSetting, type TrainConfig, type TrainedCellName } from './config';
import { parseSchedule, type Schedule } from './schedule';
import { optimizerConfig, type OptimizerConfig } from '../kernels/optim';
import type { LossKind } from './model-handle';
import { TARGET_SPECS, termMask } from '../data/targets';

/** Everything decided about a run before any GPU work. */
export interface RunPlan {
  config: TrainConfig;
  spec: DatasetSpec;
  windows: WindowPlan;
  /** The forecasting target, 'auto' resolved by the data set (src/data/targets.ts). */
  target: TargetMode;
  features: FeatureConfig;
  schedule: Schedule;
  optimizer: OptimizerConfig;
  loss: LossKind;
  outputSize: number;
}

/** The model cell each --cells name trains (RNN: tanh, as PyTorch's default). */
export const CELL_KINDS: Readonly<Record<TrainedCellName, ModelConfig['cell']>> = { rnn: 'rnn_tanh', lstm: 'lstm', gru: 'gru' };

/** Forecasting inputs and targets of a target mode (src/data/targets.ts). */
export function forecastFeatures(target: TargetMode): FeatureConfig {
  const { inputs, kind, normalize } = TARGET_SPECS[target];
  return { features: inputs.length, terms: termMask(inputs), kind, normalize };
}

/** Host data a run's data set needs and the browser-safe code cannot load (mnist-rows' digits, loaded in Node). */
export interface RunSources {
  mnist?: MnistRows;
}

/** The inputs of a sequence-to-label model: the data set's own channels (mnist-rows) or the normalised x. */
function labelFeatures(spec: DatasetSpec): FeatureConfig {
  const x = { terms: termMask([0]), kind: 0 } as const;
  return spec.channels !== undefined ? { features: spec.channels, fromChannels: true, ...x, normalize: false } : { features: 1, ...x, normalize: true };
}

/**
 * Validates the config and plans the data, windows, features, schedule and optimizer; throws
 * naming the flag (also when --batch or --rollout exceed what the data holds). `sources`: the
 * host data of data sets the browser-safe code cannot load (mnist-rows' digits).
 */
export function planRun(config: TrainConfig, sources: RunSources = {}): RunPlan {
  validateConfig(config);
  const spec = describeDataset({ name: config.dataset, noise: config.noise, seed: config.seed, rows: config.rows, seq: config.seq, mnist: sources.mnist });
  const label = spec.kind === 'label';
  const windows = planWindows({
    rows: spec.rows, samples: spec.samples, seq: config.seq, trainRows: spec.trainRows,
    kind: label ? 'label' : config.mode === 'many-to-many' ? 'sequence' : 'next',
  });
  checkAgainstData(config, windows);
  const target = resolveTarget(config.target, spec, config.seq);
  const features: FeatureConfig = label ? labelFeatures(spec) : forecastFeatures(target);
  const optimizer = optimizerConfig(config.optimizer, {
    lr: config.lr, weightDecay: config.weightDecay,
    ...(config.optimizer === 'sgd' ? { momentum: config.momentum, nesterov: config.nesterov } : {}),
  });
  return {
    config, spec, windows, target, features, schedule: parseSchedule(config.schedule), optimizer,
    loss: label ? 'cross_entropy' : 'mse', outputSize: label ? spec.classes : 1,
  };
}

/** The target a run forecasts: the setting, or with 'auto' the data set's choice ('delta' when seq is too short for it). */
export function resolveTarget(setting: TargetSetting, spec: DatasetSpec, seq: number): TargetMode {
  if (setting !== 'auto') return setting;
  const preferred = spec.defaultTarget.target;
  return seq >= TARGET_SPECS[preferred].minSeq ? preferred : 'delta';
}

/** Settings whose range depends on the data: errors instead of a quiet clamp. */
function checkAgainstData(c: TrainConfig, windows: WindowPlan): void {
  const train = windows.trainStarts.length;
  const what = windows.kind === 'label' ? 'training trajectories' : 'training windows';
  if (c.batch > train) throw new Error(`--batch ${c.batch} is larger than the ${train} ${what} (use --batch ${train} or less)`);
  if (windows.kind !== 'label') {
    const span = windows.windowsPerRow - windows.trainPerRow; // rolloutSpan: row 0's test windows
    if (c.rollout > span) throw new Error(`--rollout ${c.rollout} is longer than the test span of ${span} steps (use at most ${span}, or -1 for all of it)`);
  }
}

/** The model a cell trains under this plan (the optional fields only where they differ from their defaults). */
export function modelConfigFor(plan: RunPlan, cell: TrainedCellName): ModelConfig {
  const c = plan.config;
  return {
    cell: CELL_KINDS[cell],
    inputSize: plan.features.features,
    hiddenSize: c.hidden,
    numLayers: c.layers,
    outputSize: plan.outputSize,
    head: plan.windows.kind === 'sequence' ? 'every-step' : c.head,
    ...(c.bidirectional ? { bidirectional: true } : {}),
    ...(c.dropout > 0 ? { dropout: c.dropout } : {}),
    ...(c.inputDropout > 0 ? { inputDropout: c.inputDropout } : {}),
  };
}
