// forecaster-input.ts — what a Forecaster (forecaster.ts) is made from, checked before any GPU
// work with errors that name the culprit: its options (with defaults), the series (a
// simulate() trajectory or host samples) and the file Forecaster.save() writes.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { Trajectory } from '../physics/simulate';
import type { GpuTrajectory } from '../data/gpu-data';
import { decodeSafetensors, type DecodedSafetensors } from '../io/safetensors';
import { CELLS, type CellName } from './config';
import { NORM_STATS, TARGETS, TARGET_SPECS, type TargetMode } from '../data/targets';
import { ESN_DEFAULTS, validateEsnSettings } from '../esn/config';
import { describeValue, requireInteger, requireNumber, requireObject, requireOneOf } from '../util/check';

/** Options of Forecaster.create(); every field is optional, with the defaults given. */
export interface ForecasterOptions {
  /** Default 'lstm'. */
  cell?: CellName;
  /** Hidden units per layer (default 64) and stacked layers (default 2). */
  hidden?: number;
  /** Stacked recurrent layers (default 2). */
  layers?: number;
  /** PyTorch's dropout=p between the stacked layers while training (fit()); evaluate, rollout, forecast and stream use none. In [0, 1), default 0. */
  dropout?: number;
  /** Window length in samples (default 50). */
  seq?: number;
  /** Minibatch (default 32) and learning rate (default 1e-3). */
  batch?: number;
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Default 'adam' (SGD without momentum otherwise). */
  optimizer?: 'adam' | 'sgd';
  /** Global-norm gradient clipping threshold, or null for none (default). */
  clip?: number | null;
  /** Seeds the initial weights and the shuffling (default 42). */
  seed?: number;
  /**
   * 'delta' (default): normalised (x̃, Δ̃) in, the next increment out — general series;
   * 'residual': normalised (x̃, r̃) in, the residual of linear extrapolation out — smooth
   * physical signals sampled finely (needs seq >= 2); 'value': raw x in, next x out — the
   * lecture's plain setup. See src/data/targets.ts.
   */
  target?: TargetMode;
  /** Chronological training fraction of each row's windows (default 0.75). */
  trainFraction?: number;
  /** Most epochs fit() may reach in total (sizes the loss history; default 10000). */
  maxEpochs?: number;
  /**
   * cell 'esn' (an echo state network, src/esn/config.ts): reservoir units (default 1000, at
   * most 4096). For 'esn', hidden, layers, dropout, batch, lr, optimizer and clip do not apply.
   */
  reservoir?: number;
  /** cell 'esn': the spectral radius W is scaled to (default 0.9). */
  spectralRadius?: number;
  /** cell 'esn': leak rate α in (0, 1] of x ← (1 − α)x + α·tanh(…) (default 0.1). */
  leak?: number;
  /** cell 'esn': ridge λ of the readout (default 1; keep it ≳ 1e-5 × the Gram matrix's mean diagonal). */
  ridge?: number;
  /** cell 'esn': W_in and b uniform in [−s, s] (default 0.2). */
  inputScaling?: number;
  /** cell 'esn': fraction of non-zero entries of W, 1 for dense (default 0.02). */
  density?: number;
  /** cell 'esn': samples at each row's start the readout ignores (default 200). */
  washout?: number;
}

/** A series to learn from: a simulate() trajectory (caller keeps ownership) or host samples. */
export type ForecastSeries = Trajectory | ArrayLike<number>;

const RECURRENT_DEFAULTS = {
  cell: 'lstm', hidden: 64, layers: 2, dropout: 0, seq: 50, batch: 32, lr: 1e-3, optimizer: 'adam', clip: null, seed: 42,
  target: 'delta', trainFraction: 0.75, maxEpochs: 10_000,
} as const;
const DEFAULTS: Readonly<Required<ForecasterOptions>> = /* @__PURE__ */ Object.assign({}, RECURRENT_DEFAULTS, ESN_DEFAULTS);

/** Merges the defaults and checks every option, naming it. */
export function resolveOptions(options: ForecasterOptions): Required<ForecasterOptions> {
  requireObject('Forecaster: options', options);
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<ForecasterOptions>;
  const known = Object.keys(DEFAULTS);
  for (const key of Object.keys(options)) if (!known.includes(key)) throw new Error(`Forecaster: unknown option '${key}' (known: ${known.join(', ')})`);
  requireOneOf('Forecaster: cell', o.cell, CELLS);
  for (const key of ['hidden', 'layers', 'seq', 'batch', 'maxEpochs'] as const) requireInteger(`Forecaster: ${key}`, o[key], { min: 1 });
  requireNumber('Forecaster: lr', o.lr, { min: 0, exclusiveMin: true });
  requireNumber('Forecaster: dropout', o.dropout, { min: 0, max: 1, exclusiveMax: true });
  requireOneOf('Forecaster: optimizer', o.optimizer, ['adam', 'sgd'] as const);
  if (o.clip !== null && !(typeof o.clip === 'number' && Number.isFinite(o.clip) && o.clip > 0)) throw new Error(`Forecaster: clip must be a finite number > 0 or null, got ${describeValue(o.clip)}`);
  requireInteger('Forecaster: seed', o.seed, { min: 0 });
  requireOneOf('Forecaster: target', o.target, TARGETS);
  if (o.seq < TARGET_SPECS[o.target].minSeq) throw new Error(`Forecaster: target '${o.target}' needs seq >= ${TARGET_SPECS[o.target].minSeq}, got ${o.seq}`);
  if (!(typeof o.trainFraction === 'number' && o.trainFraction > 0 && o.trainFraction < 1)) throw new Error(`Forecaster: trainFraction must be in (0, 1), got ${describeValue(o.trainFraction)}`);
  validateEsnSettings(o, (key) => `Forecaster: ${key}`);
  return o;
}

export interface SeriesSource {
  rows: number;
  samples: number;
  /** A trajectory already on the GPU, or host samples to upload. */
  trajectory: Trajectory | null;
  host: Float32Array | null;
  owned: boolean;
}

/** True for a simulate() trajectory (as opposed to host samples). */
export function isTrajectory(series: ForecastSeries): series is Trajectory {
  return typeof series === 'object' && series !== null && 'tensor' in series && 'slices' in series;
}

/** Checks the series (finite host samples; a trajectory in one binding) before any GPU work. */
export function describeSeries(series: ForecastSeries): SeriesSource {
  if (isTrajectory(series)) {
    if (series.slices.length !== 1) throw new Error(`Forecaster: the trajectory of ${series.count} oscillators × ${series.samples} samples does not fit one storage binding; simulate fewer oscillators`);
    return { rows: series.count, samples: series.samples, trajectory: series, host: null, owned: false };
  }
  if (typeof series !== 'object' || series === null || typeof series.length !== 'number') {
    throw new Error(`Forecaster: series must be a Trajectory from simulate() or a flat array of samples, got ${describeValue(series)}`);
  }
  const first = (series as ArrayLike<unknown>)[0];
  if (typeof first === 'object' && first !== null) {
    throw new Error(
      `Forecaster: series must be flat — one series of numbers — or a Trajectory from simulate(); got ${describeValue(series)} whose series[0] is ${describeValue(first)}. ` +
        'Pass one row (series[0]), or simulate() the rows to learn them together',
    );
  }
  const host = finiteSamples(series, 'Forecaster: series');
  return { rows: 1, samples: host.length, trajectory: null, host, owned: true };
}

/**
 * values[from..] as float32, or an error naming the first sample (by its index in `values`)
 * that is not a finite float32.
 */
export function finiteSamples(values: ArrayLike<number>, what: string, from = 0): Float32Array {
  if (!ArrayBuffer.isView(values)) {
    for (let i = from; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new Error(`${what}[${i}] is ${describeValue(values[i])}; every sample must be a finite number`);
    }
  }
  const out = Float32Array.from(Array.prototype.slice.call(values, from) as number[]);
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${what}[${from + bad}] is ${describeValue(values[from + bad])}; every sample must be a finite float32`);
  return out;
}

/** The series as the windows kernels see it: [R, S, C], x in channel 0. */
export function gpuSeries(sched: Scheduler, s: SeriesSource): GpuTrajectory {
  const tensor: GpuTensor = s.trajectory ? s.trajectory.tensor : sched.createTensor([1, s.samples, 1], 'f32', 'forecaster.series', s.host!);
  const channels = s.trajectory?.velocity ? 2 : 1;
  return {
    spec: {
      name: 'oscillator', rows: s.rows, samples: s.samples, sampleDt: s.trajectory ? s.trajectory.dt * s.trajectory.recordEvery : 1,
      t0: s.trajectory?.t0 ?? 0, kind: 'forecast', classes: 0, description: 'Forecaster series',
      defaultTarget: { target: 'delta', reason: 'the Forecaster default' },
    },
    tensor,
    series: { src: tensor, rows: s.rows, samples: s.samples, channels, channel: 0 },
    rowLabels: null,
    read: async () => (await sched.read(tensor, 'f32')) as Float32Array,
    destroy: () => sched.destroyBuffer(tensor.buffer),
  };
}

/** Options Forecaster.load may change: how it trains, not the model. */
export type ForecasterTraining = Pick<ForecasterOptions, 'batch' | 'lr' | 'optimizer' | 'clip' | 'seed' | 'trainFraction' | 'maxEpochs' | 'dropout'>;
export const TRAINING_KEYS = ['batch', 'lr', 'optimizer', 'clip', 'seed', 'trainFraction', 'maxEpochs', 'dropout'] as const;
export const FILE_KIND = 'forecaster';

/** The safetensors metadata Forecaster.load reads: the options and the normalisation [μx, σx, μΔ, σΔ, μr, σr]. */
export function forecasterMetadata(options: Required<ForecasterOptions>, stats: readonly number[]): Record<string, string> {
  return { format: 'pt', springloop: FILE_KIND, options: JSON.stringify(options), normalisation: JSON.stringify(stats) };
}

/** The decoded file with the options and normalisation save() wrote, checked; throws naming what is missing. */
export function readForecasterFile(file: Uint8Array): { decoded: DecodedSafetensors; options: ForecasterOptions; stats: number[] } {
  if (!(file instanceof Uint8Array)) throw new Error('Forecaster.load: file must be the Uint8Array that save() returned');
  const decoded = decodeSafetensors(file);
  const meta = decoded.metadata;
  if (meta?.springloop !== FILE_KIND || !meta.options || !meta.normalisation) {
    throw new Error('Forecaster.load: not a Forecaster file (its safetensors metadata lacks springloop/options/normalisation); plain weights load with RecurrentModel.loadSafetensors');
  }
  let options: ForecasterOptions;
  let stats: number[];
  try {
    options = JSON.parse(meta.options) as ForecasterOptions;
    stats = JSON.parse(meta.normalisation) as number[];
  } catch (e) {
    throw new Error(`Forecaster.load: the file's metadata is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(stats) || (stats.length !== NORM_STATS && stats.length !== 4) || !stats.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`Forecaster.load: normalisation must be ${NORM_STATS} finite numbers (4 in older files), got ${meta.normalisation}`);
  }
  if (stats.length === 4 && options.target === 'residual') throw new Error('Forecaster.load: a residual-target file must carry 6 normalisation values, got 4');
  return { decoded, options, stats };
}
