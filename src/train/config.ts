// config.ts — the training configuration: defaults (the main job's embedded default, the
// second lecture's ODE experiment), merging of a --config JSON file and flags, validation that
// names the offending option and its value (typed), and which settings a resumed run may
// change — all before any GPU work.
import { DATASETS, type DatasetName } from '../data/datasets';
import { describeValue, requireBoolean, requireInteger, requireNumber, requireOneOf } from '../util/check';
import { parseSchedule } from './schedule';
import { TARGETS, TARGET_SPECS, type TargetMode } from '../data/targets';
import { ESN_DEFAULTS, validateEsnSettings, type EsnSettings } from '../esn/config';

/** Cells trained by BPTT (src/model/). */
export const TRAINED_CELLS = ['rnn', 'lstm', 'gru'] as const;
/** The cells `--cells` names: the trained ones and the echo state network (src/esn/). */
export const CELLS = ['rnn', 'lstm', 'gru', 'esn'] as const;
/** One of CELLS. */
export type CellName = (typeof CELLS)[number];
export type TrainedCellName = (typeof TRAINED_CELLS)[number];

export type { TargetMode } from '../data/targets';
/**
 * What a forecasting model predicts (src/data/targets.ts): 'value' (the lecture's plain setup),
 * 'delta' (the next increment), 'residual' (what linear extrapolation gets wrong), or 'auto':
 * the data set's own choice (describeDataset's defaultTarget: residual for the simulated ODE
 * trajectories, delta for the sampled functions).
 */
export type TargetSetting = TargetMode | 'auto';
/** Next value only, or the shifted sequence (every step). */
export type OutputMode = 'many-to-one' | 'many-to-many';
/** What a many-to-one model's head reads: rnn_out at the last step, or every direction's final state (the same for one direction). */
export type LastStepHead = 'last-step' | 'final-states';

/**
 * Every setting of a `springloop train` run (flags, --config and config.json use these names,
 * kebab-cased as flags); the echo state network's (EsnSettings) apply to --cells esn.
 */
export interface TrainConfig extends EsnSettings {
  dataset: DatasetName;
  noise: number;
  /** Trajectories of the ensemble / regime data sets (null: the data set's default, 8 / 240). */
  rows: number | null;
  cells: CellName[];
  hidden: number;
  layers: number;
  /** Bidirectional layers (PyTorch's bidirectional=True). */
  bidirectional: boolean;
  /** Dropout between stacked layers (PyTorch's dropout=p), training only. */
  dropout: number;
  /** Dropout on the model's input, training only. */
  inputDropout: number;
  /** Many-to-one models: the head on rnn_out[:, -1] or on the final states of both directions. */
  head: LastStepHead;
  seq: number;
  batch: number;
  epochs: number;
  lr: number;
  optimizer: 'adam' | 'sgd';
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Global-norm clipping threshold, or null. */
  clip: number | null;
  schedule: string;
  seed: number;
  target: TargetSetting;
  mode: OutputMode;
  /** Truncated BPTT: backpropagate through the last `tbptt` steps only (null: full BPTT). */
  tbptt: number | null;
  /** Closed-loop rollout steps over the test span (0: none, -1: the whole test span). */
  rollout: number;
  /** Read the loss back every N epochs (the progress bar's resolution). */
  logEvery: number;
  /** Checkpoint every N epochs (0: only at the end). */
  checkpointEvery: number;
  adapter: string | null;
  out: string | null;
}

/**
 * The main job: RK4 oscillator, windows of 50 → next x, RNN/LSTM/GRU 2 × 64 and an echo state
 * network of 1000 units; the method: --target auto (the residual of linear extrapolation here),
 * the lecture's Adam 1e-3 with a cosine schedule over 2 epochs of batch 32 — at the noise floor
 * of the float32 trajectory (test MSE ≈ 0.005 × linear extrapolation's) in a third of the
 * lecture setup's time.
 */
export const DEFAULT_CONFIG: Readonly<TrainConfig> = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ Object.assign({
  dataset: 'oscillator',
  noise: 0,
  rows: null,
  cells: ['rnn', 'lstm', 'gru', 'esn'],
  hidden: 64,
  layers: 2,
  bidirectional: false,
  dropout: 0,
  inputDropout: 0,
  head: 'last-step',
  seq: 50,
  batch: 32,
  epochs: 2,
  lr: 1e-3,
  optimizer: 'adam',
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  clip: null,
  schedule: 'cosine',
  seed: 42,
  target: 'auto',
  mode: 'many-to-one',
  tbptt: null,
  rollout: -1,
  logEvery: 1,
  checkpointEvery: 1,
  adapter: null,
  out: null,
}, ESN_DEFAULTS) as TrainConfig);

const KEYS = /* @__PURE__ */ Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[];

/**
 * Defaults a data set brings over DEFAULT_CONFIG (flags and --config still win): mnist-rows is
 * the first lecture's recipe — LSTM 128, one layer, Adam 1e-3 at a constant rate (not the main
 * job's cosine schedule), batch 64, 10 epochs, 28 rows, as scripts/mnist-rows.py runs it;
 * the sequence-to-label regime set trains the BPTT cells only (an echo state network forecasts).
 */
export const DATASET_DEFAULTS: Readonly<Partial<Record<DatasetName, Partial<TrainConfig>>>> = {
  regime: { cells: ['rnn', 'lstm', 'gru'] }, // TRAINED_CELLS (a spread would run at import)
  'mnist-rows': { cells: ['lstm'], hidden: 128, layers: 1, seq: 28, batch: 64, epochs: 10, lr: 1e-3, optimizer: 'adam', schedule: 'constant' },
};

/** Merges layers of partial settings (later wins) over the chosen data set's defaults and DEFAULT_CONFIG; unknown keys are errors. */
export function mergeConfig(...layers: Readonly<Record<string, unknown>>[]): TrainConfig {
  const given: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (!(KEYS as string[]).includes(key)) throw new Error(`unknown setting '${key}' (known: ${KEYS.join(', ')})`);
      given[key] = value;
    }
  }
  const dataset = (given.dataset ?? DEFAULT_CONFIG.dataset) as DatasetName;
  const out: Record<string, unknown> = { ...DEFAULT_CONFIG, ...(Object.hasOwn(DATASET_DEFAULTS, dataset) ? DATASET_DEFAULTS[dataset] : {}), ...given };
  if (typeof out.cells === 'string') out.cells = out.cells.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return out as unknown as TrainConfig;
}

/** The command-line flag of a setting: weightDecay → --weight-decay. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
}

/** Largest seed: the shuffle and the initial weights seed a 32-bit generator. */
const MAX_SEED = 0xffffffff;

/** Throws an Error naming the option (as its flag) and its value, typed, when any setting is invalid. */
export function validateConfig(c: TrainConfig): void {
  requireOneOf('--dataset', c.dataset, DATASETS);
  if (!Array.isArray(c.cells) || c.cells.length === 0) throw new Error(`--cells must list at least one of ${CELLS.join(', ')}, got ${describeValue(c.cells)}`);
  for (const cell of c.cells) {
    if (!(CELLS as readonly string[]).includes(cell)) throw new Error(`--cells: unknown cell ${describeValue(cell)} (known: ${CELLS.join(', ')})`);
  }
  if (new Set(c.cells).size !== c.cells.length) throw new Error(`--cells lists a cell twice: ${c.cells.join(',')}`);
  for (const key of ['hidden', 'layers', 'seq', 'batch', 'epochs', 'logEvery'] as const) requireInteger(flagName(key), c[key], { min: 1 });
  if (c.rows !== null) requireInteger('--rows', c.rows, { min: 1 });
  requireNumber('--noise', c.noise, { min: 0 });
  requireNumber('--lr', c.lr, { min: 0, exclusiveMin: true });
  requireOneOf('--optimizer', c.optimizer, ['adam', 'sgd'] as const);
  requireNumber('--momentum', c.momentum, { min: 0, max: 0.999999 });
  if (c.momentum > 0 && c.optimizer !== 'sgd') throw new Error(`--momentum applies to --optimizer sgd (Adam has beta1), got optimizer '${c.optimizer}'`);
  requireBoolean('--nesterov', c.nesterov);
  if (c.nesterov && !(c.optimizer === 'sgd' && c.momentum > 0)) throw new Error(`--nesterov needs --optimizer sgd with --momentum > 0 (as torch.optim.SGD), got optimizer '${c.optimizer}', momentum ${c.momentum}`);
  requireNumber('--weight-decay', c.weightDecay, { min: 0 });
  if (c.clip !== null) requireNumber('--clip', c.clip, { min: 0, exclusiveMin: true });
  if (typeof c.schedule !== 'string') throw new Error(`--schedule must be a string such as 'cosine', got ${describeValue(c.schedule)}`);
  parseSchedule(c.schedule);
  requireInteger('--seed', c.seed, { min: 0, max: MAX_SEED });
  requireOneOf('--target', c.target, [...TARGETS, 'auto'] as const);
  if (c.target !== 'auto' && c.seq < TARGET_SPECS[c.target].minSeq) throw new Error(`--target ${c.target} needs --seq >= ${TARGET_SPECS[c.target].minSeq} (the window's last two samples), got ${c.seq}`);
  requireOneOf('--mode', c.mode, ['many-to-one', 'many-to-many'] as const);
  if (c.tbptt !== null) requireInteger('--tbptt', c.tbptt, { min: 1, max: c.seq });
  if (!(Number.isSafeInteger(c.rollout) && c.rollout >= -1)) throw new Error(`--rollout must be an integer >= 0 (or -1 for the whole test span), got ${describeValue(c.rollout)}`);
  requireInteger('--checkpoint-every', c.checkpointEvery, { min: 0, max: c.epochs });
  requireInteger('--log-every', c.logEvery, { min: 1, max: c.epochs });
  for (const key of ['adapter', 'out'] as const) {
    const v = c[key];
    if (v !== null && (typeof v !== 'string' || v.trim() === '')) throw new Error(`${flagName(key)} must be a non-empty string, got ${describeValue(v)}`);
  }
  const toLabel = c.dataset === 'regime' || c.dataset === 'mnist-rows';
  if (toLabel && c.mode !== 'many-to-one') throw new Error(`--dataset ${c.dataset} is sequence-to-label: --mode must be many-to-one, got ${c.mode}`);
  validateEsnSettings(c, flagName);
  if (toLabel && c.cells.includes('esn')) throw new Error(`--cells esn forecasts a series; --dataset ${c.dataset} is sequence-to-label (use rnn, lstm or gru)`);
  validateModelOptions(c);
}

/** The model options beyond sizes: directions, dropout, the head. */
function validateModelOptions(c: TrainConfig): void {
  requireBoolean('--bidirectional', c.bidirectional);
  requireNumber('--dropout', c.dropout, { min: 0, max: 1, exclusiveMax: true });
  requireNumber('--input-dropout', c.inputDropout, { min: 0, max: 1, exclusiveMax: true });
  requireOneOf('--head', c.head, ['last-step', 'final-states'] as const);
  if (c.head !== 'last-step' && c.mode === 'many-to-many') throw new Error(`--head ${c.head} applies to many-to-one models; --mode many-to-many puts the head on every step`);
  if (c.bidirectional && c.tbptt !== null) throw new Error(`--tbptt ${c.tbptt} does not apply to --bidirectional models (the reverse direction starts at the last step)`);
}

/**
 * How each setting may differ between a run's checkpoints and the config it resumes with:
 * 'fixed' settings shape the weights, the optimizer state or the data, so a checkpoint cannot
 * continue under another value; 'hyper' settings change how training goes on, allowed only
 * with --allow-change and then recorded in the run; 'free' settings change nothing learned.
 */
export const RESUME_RULES: Readonly<Record<keyof TrainConfig, 'fixed' | 'hyper' | 'free'>> = {
  dataset: 'fixed', noise: 'fixed', rows: 'fixed', cells: 'fixed', hidden: 'fixed', layers: 'fixed', seq: 'fixed',
  bidirectional: 'fixed', head: 'fixed', dropout: 'hyper', inputDropout: 'hyper',
  batch: 'fixed', optimizer: 'fixed', momentum: 'fixed', nesterov: 'fixed', seed: 'fixed', target: 'fixed', mode: 'fixed',
  epochs: 'hyper', lr: 'hyper', weightDecay: 'hyper', clip: 'hyper', schedule: 'hyper', tbptt: 'hyper',
  rollout: 'free', logEvery: 'free', checkpointEvery: 'free', adapter: 'free', out: 'free',
  // The echo state network keeps no checkpoint (it refits on resume), but its settings shape it.
  reservoir: 'fixed', spectralRadius: 'fixed', leak: 'fixed', ridge: 'fixed', inputScaling: 'fixed', density: 'fixed', washout: 'fixed',
};

/** One setting that differs: its key, the value it had and the value it has now. */
export interface ConfigChange {
  key: keyof TrainConfig;
  from: unknown;
  to: unknown;
}

/** The settings whose values differ between `before` and `after` (free ones included). */
export function configChanges(before: Readonly<Record<string, unknown>>, after: TrainConfig): ConfigChange[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return KEYS.filter((k) => !same(before[k] ?? null, after[k] ?? null)).map((key) => ({ key, from: before[key] ?? null, to: after[key] }));
}

/** `--lr 0.001 -> 0.0005`. */
export function formatChange(c: ConfigChange): string {
  return `${flagName(c.key)} ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`;
}
