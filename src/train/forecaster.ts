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
// normalised (x̃, Δ̃) and the model predicts the next increment ('residual': the residual of
// linear extrapolation; src/data/targets.ts). cell 'esn' is an echo state network from the
// 'springloop/esn' entry (Forecaster.use(esn); the seam is esn-engine.ts). Built from the same pieces
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
import { CELL_KINDS, forecastFeatures } from './plan';
import type { TrainedCellName } from './config';
import type { EpochReport } from './trainer';
import { createTrainingSession, createWindows, type TrainingSession } from './session';
import {
  describeSeries, finiteSamples, forecasterMetadata, gpuSeries, isTrajectory, readForecasterFile, resolveOptions, TRAINING_KEYS,
  type ForecasterOptions, type ForecasterTraining, type ForecastSeries,
} from './forecaster-input';
import { evaluateForecast, rollout, rolloutSpan } from './evaluate';
import { StreamSet, checkStreamOptions, type ForecastStream, type StreamOptions } from './stream';
import { describeValue, requireInteger, requireObject } from '../util/check';
import { esnEngine, useEsnEngine, type EsnCore, type EsnEngine } from './esn-engine';
import { esnSettingsOf } from '../esn/config';

export type { ForecasterOptions, ForecasterTraining, ForecastSeries } from './forecaster-input';
export type { ForecastStream, StreamOptions } from './stream';

/** The model a Forecaster with these options trains: one output, the head on the last step. */
function modelConfigOf(o: Required<ForecasterOptions>): ModelConfig {
  const features = forecastFeatures(o.target).features;
  return { cell: CELL_KINDS[o.cell as TrainedCellName], inputSize: features, hiddenSize: o.hidden, numLayers: o.layers, outputSize: 1, head: 'last-step', dropout: o.dropout };
}

/** A recurrent model and its trainer, or (cell 'esn') an echo state network: what a Forecaster forecasts with. */
type ForecastCore = { kind: 'recurrent'; session: TrainingSession } | { kind: 'esn'; esn: EsnCore; history: EpochReport[] };

/** Learns to forecast a series with an RNN, LSTM or GRU — or, with cell 'esn', an echo state network fitted in one pass: windows of `seq` samples predict the next one, a chronological train / test split, Adam (or SGD), one submit per training step. Make one with Forecaster.create() (or Forecaster.load()); fit(), evaluate(), rollout() and forecast() do the work; destroy() it when done. Options are checked before any GPU work. */
export class Forecaster {
  /** Alive until destroy() (and while its scheduler and model are). */
  readonly lifetime: Lifetime;
  /** The series trajectory's Lifetime when the caller owns it: evaluate() and rollout() read it. */
  readonly #seriesLifetime: Lifetime | null;
  readonly #streams = new StreamSet();
  readonly #sched: Scheduler;
  readonly #data: GpuTrajectory;
  readonly #windows: GpuWindows;
  readonly #core: ForecastCore;
  readonly #ownsSeries: boolean;
  readonly #inferenceOnly: boolean;

  private constructor(
    sched: Scheduler,
    /** The options in force, defaults filled in. */
    readonly options: Readonly<Required<ForecasterOptions>>,
    data: GpuTrajectory,
    windows: GpuWindows,
    core: ForecastCore,
    ownsSeries: boolean,
    /** Loaded without a series: only forecast() (and save()) make sense. */
    inferenceOnly: boolean,
    series: ForecastSeries,
  ) {
    this.#sched = sched;
    this.#data = data;
    this.#windows = windows;
    this.#core = core;
    this.#ownsSeries = ownsSeries;
    this.#inferenceOnly = inferenceOnly;
    this.lifetime = new Lifetime('Forecaster', 'destroy', core.kind === 'recurrent' ? [sched.lifetime, core.session.model.lifetime] : [sched.lifetime]);
    this.#seriesLifetime = !ownsSeries && isTrajectory(series) ? series.lifetime : null;
  }

  /**
   * Gives the Forecaster its cell 'esn': the echo state network engine of 'springloop/esn'
   * (`import { esn } from 'springloop/esn'; Forecaster.use(esn)`), kept out of the main entry.
   */
  static use(engine: EsnEngine): void {
    useEsnEngine(engine);
  }

  /** Validates everything, then uploads (host series), plans the windows and builds the model. */
  static async create(sched: Scheduler, series: ForecastSeries, options: ForecasterOptions = {}): Promise<Forecaster> {
    Lifetime.require('Forecaster.create()', [sched.lifetime]);
    return Forecaster.#build(sched, series, resolveOptions(options), null);
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
    // Every tensor checked before any GPU work.
    const esn = o.cell === 'esn' ? esnEngine().readFile(saved.decoded, o.reservoir, forecastFeatures(o.target).features) : undefined;
    const weights = o.cell === 'esn' ? null : decodeModelFile(modelConfigOf(o), saved.decoded);
    const placeholder = series === undefined;
    // Without a series: zeros just long enough for one training and one test window.
    const minWindows = Math.max(4, Math.ceil(2 / Math.min(o.trainFraction, 1 - o.trainFraction)));
    const f = await Forecaster.#build(sched, placeholder ? new Float32Array(o.seq + minWindows) : series, o, saved.stats, placeholder, esn);
    if (weights) f.model.setParameters(weights);
    return f;
  }

  static async #build(
    sched: Scheduler,
    series: ForecastSeries,
    o: Required<ForecasterOptions>,
    fixedStats: number[] | null,
    inferenceOnly = false,
    savedEsn?: unknown,
  ): Promise<Forecaster> {
    const engine = o.cell === 'esn' ? esnEngine() : null; // registered? before any GPU work
    const source = describeSeries(series);
    if (source.trajectory) sched.requireTensor('Forecaster', 'series', source.trajectory.tensor);
    const plan = planWindows({ rows: source.rows, samples: source.samples, seq: o.seq, kind: 'next', trainFraction: o.trainFraction });
    const trainWindows = plan.trainStarts.length;
    if (!engine && !inferenceOnly && o.batch > trainWindows) { // an echo state network takes no minibatches
      throw new Error(`Forecaster: batch ${o.batch} is larger than the ${trainWindows} training windows of this series (use ${trainWindows} or less, or a longer series)`);
    }
    const data = gpuSeries(sched, source);
    let windows: GpuWindows | null = null;
    try {
      windows = await createWindows(sched, data, plan, forecastFeatures(o.target), fixedStats ?? undefined);
      if (engine) {
        const esn = await engine.create(sched, windows, esnSettingsOf(o), o.seed, savedEsn);
        if (savedEsn && !inferenceOnly) await esn.drive().catch((e: unknown) => { esn.destroy(); throw e; });
        return new Forecaster(sched, o, data, windows, { kind: 'esn', esn, history: [] }, source.owned, inferenceOnly, series);
      }
      const session = await createTrainingSession(sched, windows, {
        model: modelConfigOf(o),
        training: {
          epochs: o.maxEpochs, batch: o.batch, lr: o.lr, schedule: { kind: 'constant' }, optimizer: optimizerConfig(o.optimizer, { lr: o.lr }),
          clip: o.clip, seed: o.seed, tbptt: null, loss: 'mse', classes: 0, logEvery: 1,
        },
      });
      return new Forecaster(sched, o, data, windows, { kind: 'recurrent', session }, source.owned, inferenceOnly, series);
    } catch (e) {
      windows?.destroy();
      if (source.owned) data.destroy();
      throw e;
    }
  }

  /** The underlying RecurrentModel (PyTorch state_dict names: getParameters(), toSafetensors()); cell 'esn' has none and throws. */
  get model(): RecurrentModel {
    if (this.#core.kind !== 'recurrent') throw new Error("Forecaster.model: cell 'esn' has no RecurrentModel (see .echoState)");
    return this.#core.session.model;
  }

  /** cell 'esn': the echo state network (an EsnForecast of 'springloop/esn'); null for the recurrent cells. */
  get echoState(): EsnCore | null {
    return this.#core.kind === 'esn' ? this.#core.esn : null;
  }

  /** The window split: starts, counts, and the normalisation span. */
  get plan(): WindowPlan {
    return this.#windows.plan;
  }

  /** Epochs trained so far (cell 'esn': 1 once fitted). */
  get epoch(): number {
    return this.#core.kind === 'esn' ? this.#core.history.length : this.#core.session.trainer.epoch;
  }

  /**
   * One report per epoch: mean training and test MSE in the model's units (normalised
   * increments for target 'delta', residuals for 'residual'); cell 'esn': one, for its fit.
   */
  get history(): readonly EpochReport[] {
    return this.#core.kind === 'esn' ? this.#core.history : this.#core.session.trainer.history;
  }

  /** Optimizer steps per epoch (the last minibatch may be partial); cell 'esn': 0 (no optimizer). */
  get batchesPerEpoch(): number {
    return this.#core.kind === 'esn' ? 0 : this.#core.session.trainer.batchesPerEpoch;
  }

  /**
   * Trains `epochs` more epochs (one submit per step; losses read once per epoch); returns their
   * reports. cell 'esn' has no epochs: fit drives the reservoir and solves the readout once
   * (again on a second call: the same answer), whatever `epochs` says, and reports that fit.
   */
  async fit(epochs: number, onEpoch?: (report: EpochReport) => unknown): Promise<EpochReport[]> {
    this.lifetime.check('fit');
    this.#needSeries('fit');
    requireInteger('fit: epochs', epochs, { min: 1 });
    if (onEpoch !== undefined && typeof onEpoch !== 'function') throw new Error(`fit: onEpoch must be a function, got ${describeValue(onEpoch)}`);
    if (this.#core.kind === 'esn') {
      const report = await this.#core.esn.fitReport();
      this.#core.history.splice(0, 1, report);
      await onEpoch?.(report);
      return [report];
    }
    const trainer = this.#core.session.trainer;
    const to = trainer.epoch + epochs;
    if (to > this.options.maxEpochs) throw new Error(`fit: ${epochs} more epochs would reach ${to}, past maxEpochs ${this.options.maxEpochs} (raise it in Forecaster.create)`);
    const reports: EpochReport[] = [];
    await trainer.train(to, async (r) => {
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
    this.#needSeries('evaluate', true);
    if (which !== 'test' && which !== 'train') throw new Error(`evaluate: which must be 'test' or 'train', got '${String(which)}'`);
    const windows = which === 'test' ? 'test' : 'trainInOrder';
    const r = this.#core.kind === 'esn'
      ? await this.#core.esn.evaluate(windows)
      : await evaluateForecast(this.#sched, this.#core.session.handle, this.#windows, this.#core.session.trainer.evalBuf, windows);
    return { evaluation: r.evaluation, predictions: r.pred };
  }

  /**
   * Closed loop over row 0's test span: from its first test window, `steps` predictions (default:
   * the whole span), each fed back as input. Returns x̂ of samples trainPerRow + seq + k.
   */
  async rollout(steps?: number): Promise<Float32Array> {
    this.lifetime.check('rollout');
    this.#needSeries('rollout', true);
    const span = rolloutSpan(this.#windows).steps;
    const n = steps ?? span;
    if (!Number.isSafeInteger(n) || n < 1 || n > span) throw new Error(`rollout: steps must be an integer in [1, ${span}] (row 0's test span), got ${describeValue(n)}`);
    return this.#core.kind === 'esn' ? this.#core.esn.rollout(n) : rollout(this.#sched, this.#core.session.handle, this.#windows, n);
  }

  /**
   * Forecasts `steps` samples past the end of `recent` (at least seq samples, in the series'
   * units), closed-loop: each prediction is fed back as input. A recurrent model sees the last
   * seq samples; an echo state network is driven over all of `recent` from a zero state, so give
   * it more than its washout. For apps that keep a live series on the host: one upload, one readback.
   */
  async forecast(recent: ArrayLike<number>, steps = 1): Promise<Float32Array> {
    this.lifetime.check('forecast');
    const { seq } = this.#windows.plan;
    if (typeof recent !== 'object' || recent === null || typeof recent.length !== 'number' || recent.length < seq) {
      throw new Error(`forecast: recent must hold at least seq = ${seq} samples, got ${typeof recent?.length === 'number' ? `${recent.length} samples` : describeValue(recent)}`);
    }
    requireInteger('forecast: steps', steps, { min: 1 });
    this.#fitted('forecast');
    // The window and the two samples before it (the increment and the residual of its first sample).
    const from = this.#core.kind === 'esn' ? 0 : Math.max(0, recent.length - (seq + 2));
    const tail = finiteSamples(recent, 'forecast: recent', from);
    const src = this.#sched.createTensor([1, tail.length, 1], 'f32', 'forecast seed', tail);
    try {
      const series = { src, rows: 1, samples: tail.length, channels: 1, channel: 0 };
      if (this.#core.kind === 'esn') return await this.#core.esn.forecastAfter(series, steps);
      return await rollout(this.#sched, this.#core.session.handle, this.#windows, steps, { series, start: tail.length - seq });
    } finally {
      this.#sched.destroyBuffer(src.buffer);
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
    if (this.#core.kind === 'esn') throw new Error("Forecaster.stream: cell 'esn' does not stream; use forecast()");
    const stats = await this.#windows.readStats();
    return this.#streams.add(this.#sched, { model: this.#core.session.model, stats, target: this.options.target, owner: this.lifetime }, options);
  }

  /**
   * The trained model as safetensors bytes: PyTorch-named weights (torch's load_file reads
   * them; cell 'esn': the reservoir and readout, see src/esn/esn-file.ts) plus, in the metadata,
   * the options and the normalisation [μx, σx, μΔ, σΔ, μr, σr], which Forecaster.load needs to
   * forecast as this one does. Optimizer state is not saved.
   */
  async save(): Promise<Uint8Array> {
    this.lifetime.check('save');
    this.#fitted('save');
    const metadata = forecasterMetadata(this.options, await this.#windows.readStats());
    return this.#core.kind === 'esn' ? this.#core.esn.save(metadata) : this.#core.session.model.toSafetensors(metadata);
  }

  // An echo state network forecasts only once its readout is fitted (or loaded).
  #fitted(what: string): void {
    if (this.#core.kind === 'esn' && !this.#core.esn.fitted) throw new Error(`${what}: fit() the echo state network first`);
  }

  /** Throws when loaded without a series, or (readsSeries) when the caller's Trajectory was destroyed. */
  #needSeries(what: string, readsSeries = false): void {
    if (readsSeries && this.#seriesLifetime) Lifetime.require(`Forecaster.${what}()`, [this.#seriesLifetime]);
    if (this.#inferenceOnly) throw new Error(`${what}: this Forecaster was loaded without a series, so only forecast() and save() work; pass a series to Forecaster.load to ${what}`);
  }

  /**
   * Frees the model, the windows and the trainer (and the series, when it was uploaded from the
   * host). Idempotent, in any order with the trajectory, scheduler or context.
   */
  destroy(): void {
    if (!this.lifetime.end()) return;
    this.#streams.freeAll();
    if (this.#core.kind === 'esn') this.#core.esn.destroy();
    else this.#core.session.destroy();
    this.#windows.destroy();
    if (this.#ownsSeries) this.#data.destroy();
  }
}

