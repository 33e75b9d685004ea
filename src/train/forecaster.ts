// forecaster.ts — the library's high-level training API: learn to forecast a series one step
// ahead with an RNN, LSTM or GRU, all on the GPU, in a few lines:
//
//   const f = await Forecaster.create(sched, trajectory, { cell: 'lstm' });
//   await f.fit(20, (r) => console.log(r.epoch, r.trainLoss, r.testLoss));
//   const { evaluation } = await f.evaluate();     // model vs persistence vs linear extrapolation
//   const closedLoop = await f.rollout();          // the model fed its own predictions
//   const file = await f.save();                   // safetensors: weights + options + normalisation
//   f.destroy();
//   const g = await Forecaster.load(sched, file);  // later, elsewhere: g.forecast(recent, steps)
//
// The series is a simulate() trajectory (every oscillator is a row of windows; x is the
// series) or a host array (one series, uploaded once). Windows of `seq` samples → the next
// sample, split 75 / 25 chronologically; with target 'delta' (the default) the inputs are
// normalised (x̃, Δ̃) and the model predicts the next increment. Built from the same pieces
// as `springloop train` (GpuWindows, RecurrentModel, Trainer, evaluate.ts), browser-safe.
// Every option, the series and a loaded file are checked, with errors naming the culprit,
// before any GPU work (forecaster-input.ts).
import type { Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import type { GpuTrajectory, GpuWindows } from '../data/gpu-data';
import { planWindows, type WindowPlan } from '../data/windows';
import type { Evaluation } from '../kernels/metrics';
import { optimizerConfig } from '../kernels/optim';
import type { RecurrentModel } from '../model/recurrent-model';
import type { ModelConfig } from '../model/config';
import { decodeModelFile } from '../model/weights';
import type { ModelHandle } from './model-handle';
import { CELL_KINDS, forecastFeatures } from './plan';
import type { EpochReport, Trainer } from './trainer';
import { createTrainingSession, createWindows, type TrainingSession } from './session';
import {
  describeSeries, finiteSamples, forecasterMetadata, gpuSeries, isTrajectory, readForecasterFile, resolveOptions, TRAINING_KEYS,
  type ForecasterOptions, type ForecasterTraining, type ForecastSeries,
} from './forecaster-input';
import { evaluateForecast, rollout, rolloutSpan } from './evaluate';
import { StreamSet, checkStreamOptions, type ForecastStream, type StreamOptions } from './stream';
import { describeValue, requireInteger, requireObject } from '../util/check';

export type { ForecasterOptions, ForecasterTraining, ForecastSeries } from './forecaster-input';
export type { ForecastStream, StreamOptions } from './stream';

/** The model a Forecaster with these options trains: one output, the head on the last step. */
function modelConfigOf(o: Required<ForecasterOptions>): ModelConfig {
  const features = forecastFeatures(o.target).features;
  return { cell: CELL_KINDS[o.cell], inputSize: features, hiddenSize: o.hidden, numLayers: o.layers, outputSize: 1, head: 'last-step', dropout: o.dropout };
}

/** Learns to forecast a series with an RNN, LSTM or GRU: windows of `seq` samples predict the next one, a chronological train / test split, Adam (or SGD), one submit per training step. Make one with Forecaster.create() (or Forecaster.load()); fit(), evaluate(), rollout() and forecast() do the work; destroy() it when done. Options are checked before any GPU work. */
export class Forecaster {
  /** Alive until destroy() (and while its scheduler and model are). */
  readonly lifetime: Lifetime;
  /** The series trajectory's Lifetime when the caller owns it: evaluate() and rollout() read it. */
  private readonly seriesLifetime: Lifetime | null;
  private readonly streams = new StreamSet();

  private constructor(
    private readonly sched: Scheduler,
    /** The options in force, defaults filled in. */
    readonly options: Readonly<Required<ForecasterOptions>>,
    private readonly data: GpuTrajectory,
    private readonly windows: GpuWindows,
    private readonly session: TrainingSession,
    private readonly ownsSeries: boolean,
    /** Loaded without a series: only forecast() (and save()) make sense. */
    private readonly inferenceOnly: boolean,
    series: ForecastSeries,
  ) {
    this.lifetime = new Lifetime('Forecaster', 'destroy', [sched.lifetime, session.model.lifetime]);
    this.seriesLifetime = !ownsSeries && isTrajectory(series) ? series.lifetime : null;
  }

  /** Validates everything, then uploads (host series), plans the windows and builds the model. */
  static async create(sched: Scheduler, series: ForecastSeries, options: ForecasterOptions = {}): Promise<Forecaster> {
    Lifetime.require('Forecaster.create()', [sched.lifetime]);
    return Forecaster.build(sched, series, resolveOptions(options), null);
  }

  /**
   * A Forecaster from save()'s bytes: the same weights, options and normalisation. Without a
   * series it can only forecast(); with one it can also evaluate, roll out and train on
   * (Adam starts afresh). `training` may change how it trains, not the model's shape.
   */
  static async load(sched: Scheduler, file: Uint8Array, series?: ForecastSeries, training: ForecasterTraining = {}): Promise<Forecaster> {
    Lifetime.require('Forecaster.load()', [sched.lifetime]);
    requireObject('Forecaster.load: training', training);
    const saved = readForecasterFile(file);
    for (const key of Object.keys(training)) {
      if (!(TRAINING_KEYS as readonly string[]).includes(key)) throw new Error(`Forecaster.load: '${key}' is fixed by the file; only ${TRAINING_KEYS.join(', ')} can change`);
    }
    const o = resolveOptions({ ...saved.options, ...training });
    const weights = decodeModelFile(modelConfigOf(o), saved.decoded); // every tensor checked before any GPU work
    const placeholder = series === undefined;
    // Without a series: zeros just long enough for one training and one test window.
    const minWindows = Math.max(4, Math.ceil(2 / Math.min(o.trainFraction, 1 - o.trainFraction)));
    const f = await Forecaster.build(sched, placeholder ? new Float32Array(o.seq + minWindows) : series, o, saved.stats, placeholder);
    f.model.setParameters(weights);
    return f;
  }

  private static async build(sched: Scheduler, series: ForecastSeries, o: Required<ForecasterOptions>, fixedStats: number[] | null, inferenceOnly = false): Promise<Forecaster> {
    const source = describeSeries(series);
    if (source.trajectory) sched.requireTensor('Forecaster', 'series', source.trajectory.tensor);
    const plan = planWindows({ rows: source.rows, samples: source.samples, seq: o.seq, kind: 'next', trainFraction: o.trainFraction });
    const trainWindows = plan.trainStarts.length;
    if (!inferenceOnly && o.batch > trainWindows) {
      throw new Error(`Forecaster: batch ${o.batch} is larger than the ${trainWindows} training windows of this series (use ${trainWindows} or less, or a longer series)`);
    }
    const data = gpuSeries(sched, source);
    let windows: GpuWindows | null = null;
    try {
      windows = await createWindows(sched, data, plan, forecastFeatures(o.target), fixedStats ?? undefined);
      const session = await createTrainingSession(sched, windows, {
        model: modelConfigOf(o),
        training: {
          epochs: o.maxEpochs, batch: o.batch, lr: o.lr, schedule: { kind: 'constant' }, optimizer: optimizerConfig(o.optimizer, { lr: o.lr }),
          clip: o.clip, seed: o.seed, tbptt: null, loss: 'mse', classes: 0, logEvery: 1,
        },
      });
      return new Forecaster(sched, o, data, windows, session, source.owned, inferenceOnly, series);
    } catch (e) {
      windows?.destroy();
      if (source.owned) data.destroy();
      throw e;
    }
  }

  /** The underlying RecurrentModel (PyTorch state_dict names: getParameters(), toSafetensors()). */
  get model(): RecurrentModel {
    return this.session.model;
  }

  private get trainer(): Trainer {
    return this.session.trainer;
  }

  private get handle(): ModelHandle {
    return this.session.handle;
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
  async fit(epochs: number, onEpoch?: (report: EpochReport) => unknown): Promise<EpochReport[]> {
    this.lifetime.check('fit');
    this.needSeries('fit');
    requireInteger('fit: epochs', epochs, { min: 1 });
    if (onEpoch !== undefined && typeof onEpoch !== 'function') throw new Error(`fit: onEpoch must be a function, got ${describeValue(onEpoch)}`);
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
    this.lifetime.check('evaluate');
    this.needSeries('evaluate', true);
    if (which !== 'test' && which !== 'train') throw new Error(`evaluate: which must be 'test' or 'train', got '${String(which)}'`);
    const r = await evaluateForecast(this.sched, this.handle, this.windows, this.trainer.evalBuf, which === 'test' ? 'test' : 'trainInOrder');
    return { evaluation: r.evaluation, predictions: r.pred };
  }

  /**
   * Closed loop over row 0's test span: from its first test window, `steps` predictions (default:
   * the whole span), each fed back as input. Returns x̂ of samples trainPerRow + seq + k.
   */
  async rollout(steps?: number): Promise<Float32Array> {
    this.lifetime.check('rollout');
    this.needSeries('rollout', true);
    const span = rolloutSpan(this.windows).steps;
    const n = steps ?? span;
    if (!Number.isSafeInteger(n) || n < 1 || n > span) throw new Error(`rollout: steps must be an integer in [1, ${span}] (row 0's test span), got ${describeValue(n)}`);
    return rollout(this.sched, this.handle, this.windows, n);
  }

  /**
   * Forecasts `steps` samples past the end of `recent` (at least seq samples, in the series'
   * units; the model sees its last seq), closed-loop: each prediction is fed back as input.
   * For apps that keep a live series on the host: one upload, one readback.
   */
  async forecast(recent: ArrayLike<number>, steps = 1): Promise<Float32Array> {
    this.lifetime.check('forecast');
    const { seq } = this.windows.plan;
    if (typeof recent !== 'object' || recent === null || typeof recent.length !== 'number' || recent.length < seq) {
      throw new Error(`forecast: recent must hold at least seq = ${seq} samples, got ${typeof recent?.length === 'number' ? `${recent.length} samples` : describeValue(recent)}`);
    }
    requireInteger('forecast: steps', steps, { min: 1 });
    const tail = finiteSamples(recent, 'forecast: recent', Math.max(0, recent.length - (seq + 1)));
    const src = this.sched.createTensor([1, tail.length, 1], 'f32', 'forecast seed', tail);
    try {
      const series = { src, rows: 1, samples: tail.length, channels: 1, channel: 0 };
      return await rollout(this.sched, this.handle, this.windows, steps, { series, start: tail.length - seq });
    } finally {
      this.sched.destroyBuffer(src.buffer);
    }
  }

  /**
   * A live forecast (src/train/stream.ts): push(sample) → the next sample's prediction, the
   * recurrent state kept on the GPU between calls; push(samples) for a frame's worth at once.
   * Uses this model's current weights; destroyed with this Forecaster.
   */
  async stream(options: StreamOptions = {}): Promise<ForecastStream> {
    this.lifetime.check('stream');
    checkStreamOptions(options);
    const { features, targetDelta } = forecastFeatures(this.options.target);
    const stats = await this.windows.readStats();
    return this.streams.add(this.sched, { model: this.model, stats, features: features as 1 | 2, targetDelta, owner: this.lifetime }, options);
  }

  /**
   * The trained model as safetensors bytes: PyTorch-named weights (torch's load_file reads
   * them) plus, in the metadata, the options and the normalisation [mean x, std x, mean Δ,
   * std Δ], which Forecaster.load needs to forecast as this one does. Optimizer state is not
   * saved.
   */
  async save(): Promise<Uint8Array> {
    this.lifetime.check('save');
    return this.model.toSafetensors(forecasterMetadata(this.options, await this.windows.readStats()));
  }

  /** Throws when loaded without a series, or (readsSeries) when the caller's Trajectory was destroyed. */
  private needSeries(what: string, readsSeries = false): void {
    if (readsSeries && this.seriesLifetime) Lifetime.require(`Forecaster.${what}()`, [this.seriesLifetime]);
    if (this.inferenceOnly) throw new Error(`${what}: this Forecaster was loaded without a series, so only forecast() and save() work; pass a series to Forecaster.load to ${what}`);
  }

  /**
   * Frees the model, the windows and the trainer (and the series, when it was uploaded from the
   * host). Idempotent, in any order with the trajectory, scheduler or context.
   */
  destroy(): void {
    if (!this.lifetime.end()) return;
    this.streams.freeAll();
    this.session.destroy();
    this.windows.destroy();
    if (this.ownsSeries) this.data.destroy();
  }
}

