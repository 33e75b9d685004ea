// forecaster.ts — the library's high-level training API: learn to forecast a series one step
// ahead with an RNN, LSTM or GRU, all on the GPU, in a few lines:
//
//   const f = await Forecaster.create(sched, trajectory, { cell: 'lstm' });
//   await f.fit(20, (r) => console.log(r.epoch, r.trainLoss, r.testLoss));
//   const { evaluation } = await f.evaluate();     // model vs persistence vs linear extrapolation
//   const closedLoop = await f.rollout();          // the model fed its own predictions
//   f.destroy();
//
// The series is a simulate() trajectory (every oscillator is a row of windows; x is the
// series) or a host array (one series, uploaded once). Windows of `seq` samples → the next
// sample, split 75 / 25 chronologically; with target 'delta' (the default) the inputs are
// normalised (x̃, Δ̃) and the model predicts the next increment. Built from the same pieces
// as `springloop train` (GpuWindows, RecurrentModel, Trainer, evaluate.ts), browser-safe.
// Every option is checked, with an error naming it, before any GPU work.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { Trajectory } from '../physics/simulate';
import { GpuWindows, type GpuTrajectory } from '../data/gpu-data';
import { planWindows, type WindowPlan } from '../data/windows';
import type { Evaluation } from '../kernels/metrics';
import { optimizerConfig } from '../kernels/optim';
import { RecurrentModel } from '../model/recurrent-model';
import { CELLS, type CellName, type TargetMode } from './config';
import { recurrentModelHandle, type ModelHandle } from './model-handle';
import { CELL_KINDS, forecastFeatures } from './plan';
import { parseSchedule } from './schedule';
import { Trainer, type EpochReport } from './trainer';
import { evaluateForecast, rollout, rolloutSpan } from './evaluate';

export interface ForecasterOptions {
  /** Default 'lstm'. */
  cell?: CellName;
  /** Hidden units per layer (default 64) and stacked layers (default 2). */
  hidden?: number;
  layers?: number;
  /** Window length in samples (default 50). */
  seq?: number;
  /** Minibatch (default 32) and learning rate (default 1e-3). */
  batch?: number;
  lr?: number;
  /** Default 'adam' (SGD without momentum otherwise). */
  optimizer?: 'adam' | 'sgd';
  /** Global-norm gradient clipping threshold, or null for none (default). */
  clip?: number | null;
  /** Seeds the initial weights and the shuffling (default 42). */
  seed?: number;
  /** 'delta' (default): normalised (x̃, Δ̃) in, next increment out; 'value': raw x in, next x out. */
  target?: TargetMode;
  /** Chronological training fraction of each row's windows (default 0.75). */
  trainFraction?: number;
  /** Most epochs fit() may reach in total (sizes the loss history; default 10000). */
  maxEpochs?: number;
}

/** A series to learn from: a simulate() trajectory (caller keeps ownership) or host samples. */
export type ForecastSeries = Trajectory | ArrayLike<number>;

const DEFAULTS = {
  cell: 'lstm', hidden: 64, layers: 2, seq: 50, batch: 32, lr: 1e-3, optimizer: 'adam', clip: null, seed: 42,
  target: 'delta', trainFraction: 0.75, maxEpochs: 10_000,
} as const satisfies Required<ForecasterOptions>;

const EVAL_BATCH = 256;

export class Forecaster {
  private constructor(
    private readonly sched: Scheduler,
    readonly options: Readonly<Required<ForecasterOptions>>,
    private readonly data: GpuTrajectory,
    private readonly windows: GpuWindows,
    readonly model: RecurrentModel,
    private readonly handle: ModelHandle,
    private readonly trainer: Trainer,
    private readonly ownsSeries: boolean,
  ) {}

  /** Validates everything, then uploads (host series), plans the windows and builds the model. */
  static async create(sched: Scheduler, series: ForecastSeries, options: ForecasterOptions = {}): Promise<Forecaster> {
    const o = resolveOptions(options);
    const source = describeSeries(series);
    const plan = planWindows({ rows: source.rows, samples: source.samples, seq: o.seq, kind: 'next', trainFraction: o.trainFraction });
    const features = forecastFeatures(o.target);
    const data = gpuSeries(sched, source);
    const owned: { destroy(): void }[] = [];
    try {
      const windows = new GpuWindows(sched, data, plan, features);
      owned.push(windows);
      const model = await RecurrentModel.create(sched, {
        cell: CELL_KINDS[o.cell], inputSize: features.features, hiddenSize: o.hidden, numLayers: o.layers, outputSize: 1, head: 'last-step',
      }, { seed: o.seed, maxWorkspaces: 6 });
      const handle = recurrentModelHandle(model);
      owned.push(handle);
      const trainer = new Trainer(sched, handle, windows, {
        epochs: o.maxEpochs, batch: o.batch, lr: o.lr, schedule: parseSchedule('constant'), optimizer: optimizerConfig(o.optimizer, { lr: o.lr }),
        clip: o.clip, seed: o.seed, tbptt: null, loss: 'mse', classes: 0, evalBatch: EVAL_BATCH, logEvery: 1,
      });
      owned.push(trainer);
      await trainer.prepare();
      windows.recordSetup();
      return new Forecaster(sched, o, data, windows, model, handle, trainer, source.owned);
    } catch (e) {
      for (const part of owned.reverse()) part.destroy();
      if (source.owned) data.destroy();
      throw e;
    }
  }

  /** The window split: starts, counts, and the normalisation span. */
  get plan(): WindowPlan {
    return this.windows.plan;
  }

  /** Epochs trained so far. */
  get epoch(): number {
    return this.trainer.epoch;
  }

  /** One report per epoch: mean training and test MSE in the model's units (normalised increments for target 'delta'). */
  get history(): readonly EpochReport[] {
    return this.trainer.history;
  }

  /** Optimizer steps per epoch (the last minibatch may be partial). */
  get batchesPerEpoch(): number {
    return this.trainer.batchesPerEpoch;
  }

  /** Trains `epochs` more epochs (one submit per step; losses read once per epoch); returns their reports. */
  async fit(epochs: number, onEpoch?: (report: EpochReport) => void | Promise<void>): Promise<EpochReport[]> {
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`fit: epochs must be an integer >= 1, got ${epochs}`);
    const to = this.trainer.epoch + epochs;
    if (to > this.options.maxEpochs) throw new Error(`fit: ${epochs} more epochs would reach ${to}, past maxEpochs ${this.options.maxEpochs} (raise it in Forecaster.create)`);
    const reports: EpochReport[] = [];
    await this.trainer.train(to, async (r) => {
      reports.push(r);
      await onEpoch?.(r);
    });
    return reports;
  }

  /**
   * One-step predictions of the test windows (or every training window, in order), in the
   * series' units, scored with the persistence and linear-extrapolation baselines on the same
   * windows. predictions[k] forecasts sample plan.testStarts[k] + seq (flat index r·S + s).
   */
  async evaluate(which: 'test' | 'train' = 'test'): Promise<{ evaluation: Evaluation; predictions: Float32Array }> {
    if (which !== 'test' && which !== 'train') throw new Error(`evaluate: which must be 'test' or 'train', got '${String(which)}'`);
    const r = await evaluateForecast(this.sched, this.handle, this.windows, this.trainer.evalBuf, which === 'test' ? 'test' : 'trainInOrder');
    return { evaluation: r.evaluation, predictions: r.pred };
  }

  /**
   * Closed loop over row 0's test span: from its first test window, `steps` predictions (default:
   * the whole span), each fed back as input. Returns x̂ of samples trainPerRow + seq + k.
   */
  async rollout(steps?: number): Promise<Float32Array> {
    const span = rolloutSpan(this.windows).steps;
    const n = steps ?? span;
    if (!Number.isInteger(n) || n < 1 || n > span) throw new Error(`rollout: steps must be an integer in [1, ${span}] (row 0's test span), got ${n}`);
    return rollout(this.sched, this.handle, this.windows, n);
  }

  /**
   * Forecasts `steps` samples past the end of `recent` (at least seq samples, in the series'
   * units; the model sees its last seq), closed-loop: each prediction is fed back as input.
   * For apps that keep a live series on the host: one upload, one readback.
   */
  async forecast(recent: ArrayLike<number>, steps = 1): Promise<Float32Array> {
    const { seq } = this.windows.plan;
    if (typeof recent !== 'object' || recent === null || typeof recent.length !== 'number' || recent.length < seq) {
      throw new Error(`forecast: recent must hold at least seq = ${seq} samples, got ${recent?.length ?? String(recent)}`);
    }
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`forecast: steps must be an integer >= 1, got ${steps}`);
    const tail = Float32Array.from(Array.prototype.slice.call(recent, -(seq + 1)) as number[]);
    const bad = tail.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`forecast: recent[${recent.length - tail.length + bad}] is ${tail[bad]}; every sample must be a finite float32`);
    const src = this.sched.createTensor([1, tail.length, 1], 'f32', 'forecast seed', tail);
    try {
      const series = { src, rows: 1, samples: tail.length, channels: 1, channel: 0 };
      return await rollout(this.sched, this.handle, this.windows, steps, { series, start: tail.length - seq });
    } finally {
      this.sched.destroyBuffer(src.buffer);
    }
  }

  /** Frees the model, the windows and the trainer (and the series, when it was uploaded from the host). */
  destroy(): void {
    this.trainer.destroy();
    this.handle.destroy();
    this.windows.destroy();
    if (this.ownsSeries) this.data.destroy();
  }
}

/** Merges the defaults and checks every option, naming it. */
export function resolveOptions(options: ForecasterOptions): Required<ForecasterOptions> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<ForecasterOptions>;
  const known = Object.keys(DEFAULTS);
  for (const key of Object.keys(options)) if (!known.includes(key)) throw new Error(`Forecaster: unknown option '${key}' (known: ${known.join(', ')})`);
  if (!(CELLS as readonly string[]).includes(o.cell)) throw new Error(`Forecaster: cell must be one of ${CELLS.join(', ')}, got '${String(o.cell)}'`);
  for (const key of ['hidden', 'layers', 'seq', 'batch', 'maxEpochs'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`Forecaster: ${key} must be an integer >= 1, got ${String(o[key])}`);
  }
  if (!(typeof o.lr === 'number' && Number.isFinite(o.lr) && o.lr > 0)) throw new Error(`Forecaster: lr must be a finite number > 0, got ${String(o.lr)}`);
  if (o.optimizer !== 'adam' && o.optimizer !== 'sgd') throw new Error(`Forecaster: optimizer must be 'adam' or 'sgd', got '${String(o.optimizer)}'`);
  if (o.clip !== null && !(typeof o.clip === 'number' && Number.isFinite(o.clip) && o.clip > 0)) throw new Error(`Forecaster: clip must be a finite number > 0 or null, got ${String(o.clip)}`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`Forecaster: seed must be an integer >= 0, got ${String(o.seed)}`);
  if (o.target !== 'delta' && o.target !== 'value') throw new Error(`Forecaster: target must be 'delta' or 'value', got '${String(o.target)}'`);
  if (!(o.trainFraction > 0 && o.trainFraction < 1)) throw new Error(`Forecaster: trainFraction must be in (0, 1), got ${String(o.trainFraction)}`);
  return o;
}

interface SeriesSource {
  rows: number;
  samples: number;
  /** A trajectory already on the GPU, or host samples to upload. */
  trajectory: Trajectory | null;
  host: Float32Array | null;
  owned: boolean;
}

function isTrajectory(series: ForecastSeries): series is Trajectory {
  return typeof series === 'object' && series !== null && 'tensor' in series && 'slices' in series;
}

/** Checks the series (finite host samples; a trajectory in one binding) before any GPU work. */
function describeSeries(series: ForecastSeries): SeriesSource {
  if (isTrajectory(series)) {
    if (series.slices.length !== 1) throw new Error(`Forecaster: the trajectory of ${series.count} oscillators × ${series.samples} samples does not fit one storage binding; simulate fewer oscillators`);
    return { rows: series.count, samples: series.samples, trajectory: series, host: null, owned: false };
  }
  if (typeof series !== 'object' || series === null || typeof series.length !== 'number') {
    throw new Error('Forecaster: series must be a simulate() trajectory or an array of samples');
  }
  const host = Float32Array.from(series);
  const bad = host.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`Forecaster: series[${bad}] is ${series[bad]}; every sample must be a finite float32`);
  return { rows: 1, samples: host.length, trajectory: null, host, owned: true };
}

/** The series as the windows kernels see it: [R, S, C], x in channel 0. */
function gpuSeries(sched: Scheduler, s: SeriesSource): GpuTrajectory {
  const tensor: GpuTensor = s.trajectory ? s.trajectory.tensor : sched.createTensor([1, s.samples, 1], 'f32', 'forecaster.series', s.host!);
  const channels = s.trajectory?.velocity ? 2 : 1;
  return {
    spec: {
      name: 'oscillator', rows: s.rows, samples: s.samples, sampleDt: s.trajectory ? s.trajectory.dt * s.trajectory.recordEvery : 1,
      t0: s.trajectory?.t0 ?? 0, kind: 'forecast', classes: 0, description: 'Forecaster series',
    },
    tensor,
    series: { src: tensor, rows: s.rows, samples: s.samples, channels, channel: 0 },
    rowLabels: null,
    read: async () => (await sched.read(tensor, 'f32')) as Float32Array,
    destroy: () => sched.destroyBuffer(tensor.buffer),
  };
}
