// esn-forecast.ts — an echo state network forecasting the windows of a GpuWindows data set, the
// small interface through which it plugs into `springloop train` (src/esn/run-esn.ts) and the
// Forecaster: fit (drive the reservoir over every sample of every row in one pass, then the ridge
// readout on the training span), one-step predictions of any windows scored with the baselines
// (src/train/evaluate.ts), and closed-loop generation.
//   Inputs u_t and targets are the data set's features and targets (src/data/targets.ts): the
//   design row of sample p predicts the target of sample p + 1, so window [p, p + T) is
//   predicted from design row p + T − 1 — the state has seen the whole row up to there, not just
//   the window (that is how a reservoir remembers).
import type { Binding, Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { GpuWindows } from '../data/gpu-data';
import type { Evaluation } from '../kernels/metrics';
import { recordFeatures, type SeriesView } from '../kernels/windows';
import { recordGenerate, recordReservoirStep } from '../kernels/esn';
import { scoreWindowPredictions, windowStarts } from '../train/evaluate';
import { EchoStateNetwork } from './esn';
import type { ReservoirHost } from './reservoir';
import { esnSafetensors } from './esn-file';
import type { EpochReport } from '../train/trainer';
import type { EsnCore } from '../train/esn-engine';
import type { EsnSettings } from './config';


/** Seconds of each phase of a fit. */
export interface EsnFitTimes {
  /** Drawing, uploading and scaling the reservoir (power iteration). */
  buildSeconds: number;
  /** Driving it over the series, and the readout (Gram on the GPU, solve on the host). */
  driveSeconds: number;
  /** The readout: column means and centred Gram matrix on the GPU, readback, Cholesky on the host. */
  solveSeconds: number;
}

/**
 * An echo state network forecasting the windows of a data set (see the file comment): create(),
 * fit() (or drive() for a loaded one), evaluate(), rollout(), forecastAfter(); destroy() when done.
 */
export class EsnForecast implements EsnCore {
  private z: GpuTensor | null = null;

  private constructor(
    private readonly sched: Scheduler,
    /** The network: reservoir, readout, exports. */
    readonly esn: EchoStateNetwork,
    /** The data set's windows, features and targets it forecasts. */
    readonly data: GpuWindows,
    /** Seconds create() took (drawing, uploading, the spectral radius). */
    readonly buildSeconds: number,
  ) {}

  /**
   * Builds the reservoir for the data set's inputs (F = its features) — or uploads a saved one
   * with its readout (esn-file.ts), ready to predict once driven.
   */
  static async create(sched: Scheduler, data: GpuWindows, settings: EsnSettings, seed: number, saved?: { host: ReservoirHost; readout: ArrayLike<number> }): Promise<EsnForecast> {
    const t0 = performance.now();
    const esn = await EchoStateNetwork.create(sched, { ...settings, features: data.cfg.features, seed }, saved);
    await sched.flush();
    return new EsnForecast(sched, esn, data, (performance.now() - t0) / 1000);
  }

  /** Drives the reservoir over every sample of every row (teacher forcing: the true inputs). */
  async drive(): Promise<number> {
    const { rows, samples } = this.data.plan;
    const t0 = performance.now();
    this.z ??= this.esn.createDesign(rows * samples);
    this.esn.recordDrive(this.data.feat, this.z, rows, samples);
    await this.sched.flush();
    return (performance.now() - t0) / 1000;
  }

  /** Drives the reservoir over all rows, fits the readout on the training span; returns the phases' seconds. */
  async fit(): Promise<EsnFitTimes> {
    const { rows, samples, statEnd } = this.data.plan;
    const driveSeconds = await this.drive();
    const t1 = performance.now();
    await this.esn.fit(this.z!, this.data.tgt, { rows, samples, end: statEnd });
    return { buildSeconds: this.buildSeconds, driveSeconds, solveSeconds: (performance.now() - t1) / 1000 };
  }

  /** fit(), then the MSE of every training window and of the test windows, as lossReport gives them. */
  async fitReport(): Promise<EpochReport> {
    await this.fit();
    return this.lossReport((await this.evaluate('trainInOrder')).evaluation, (await this.evaluate('test')).evaluation);
  }

  /**
   * Mean squared error in the target's normalised units (as the trained cells' losses) over
   * `train` and `test` one-step evaluations: MSE in x over σ² of the target term.
   */
  async lossReport(train: Evaluation, test: Evaluation): Promise<EpochReport> {
    const stats = await this.data.readStats();
    const sd = this.data.cfg.normalize ? stats[2 * this.data.cfg.kind + 1]! : 1;
    return { epoch: 1, trainLoss: train.model.mse / (sd * sd), testLoss: test.model.mse / (sd * sd) };
  }

  /** One-step predictions of windows (the test ones, every training one, or a list), with the baselines. */
  async evaluate(which: 'test' | 'trainInOrder' | Uint32Array): Promise<{ evaluation: Evaluation; pred: Float32Array }> {
    const z = this.design('evaluate');
    return scoreWindowPredictions(this.sched, this.data, windowStarts(this.data, which), 1, (startsT, outAll, n) => {
      this.esn.recordPredict(z, startsT, n, this.data.plan.seq - 1, outAll);
    });
  }

  /** The readout's raw outputs (target units, before the inverse to x) for windows starting at `starts`. */
  async readoutAt(starts: Uint32Array): Promise<Float32Array> {
    const z = this.design('readoutAt');
    const startsT = this.sched.createTensor([starts.length], 'u32', 'esn readout starts', starts);
    const out = this.sched.createTensor([starts.length], 'f32', 'esn readout');
    try {
      this.esn.recordPredict(z, startsT, starts.length, this.data.plan.seq - 1, out);
      return (await this.sched.read(out)) as Float32Array;
    } finally {
      this.sched.destroyBuffer(startsT.buffer);
      this.sched.destroyBuffer(out.buffer);
    }
  }

  /**
   * Closed loop from the state after sample `start + seq − 1` of the data set (default: row 0's
   * first test window, as the recurrent models' rollout): `steps` predictions, each fed back.
   * Returns x̂ of samples start + seq + k.
   */
  async rollout(steps: number, start = this.data.plan.trainPerRow): Promise<Float32Array> {
    return this.generate(this.design('rollout'), this.data.data.series, start + this.data.plan.seq - 1, steps);
  }

  /**
   * Forecasts `steps` samples after a series held on the GPU (one row [1, S, C]): the reservoir
   * is driven over all S samples from a zero state (so S should exceed the washout), then closed-loop.
   */
  async forecastAfter(series: SeriesView, steps: number): Promise<Float32Array> {
    const n = series.samples;
    const feat = this.sched.createTensor([n * this.data.cfg.features], 'f32', 'esn forecast inputs');
    const tgt = this.sched.createTensor([n], 'f32', 'esn forecast targets');
    const z = this.esn.createDesign(n, 'esn forecast design');
    try {
      recordFeatures(this.sched, series, this.data.stats, { feat, tgt }, this.data.cfg);
      this.esn.recordDrive(feat, z, 1, n);
      return await this.generate(z, series, n - 1, steps);
    } finally {
      for (const t of [feat, tgt, z]) this.sched.destroyBuffer(t.buffer);
    }
  }

  /** True once the readout is fitted (or loaded). */
  get fitted(): boolean {
    return this.esn.readout !== null;
  }

  /** The network as safetensors bytes (src/esn/esn-file.ts) with the given metadata. */
  save(metadata: Record<string, string>): Promise<Uint8Array> {
    return esnSafetensors(this.esn, metadata);
  }

  /** Frees the design rows and the reservoir. */
  destroy(): void {
    if (this.z) this.sched.destroyBuffer(this.z.buffer);
    this.z = null;
    this.esn.destroy();
  }

  private design(what: string): GpuTensor {
    if (!this.z) throw new Error(`esn ${what}: fit() first`);
    return this.z;
  }

  // From design row `seedRow` of z (the state after sample seedRow of `series`): steps predictions.
  private async generate(z: GpuTensor, series: SeriesView, seedRow: number, steps: number): Promise<Float32Array> {
    const { features, terms, kind } = this.data.cfg;
    const width = 4 * this.esn.dz4;
    const gz = this.esn.createDesign(steps + 1, 'esn generated design');
    const gfeat = this.sched.createTensor([(steps + 1) * features], 'f32', 'esn generated inputs');
    const hist = this.sched.createTensor([steps + 2], 'f32', 'esn generated x');
    try {
      this.sched.copy({ buffer: z.buffer, offset: 4 * seedRow * width, size: 4 * width }, gz, 4 * width);
      const rowStart = seedRow - (seedRow % series.samples);
      const src = bufferOf(series.src);
      const at = (p: number) => ({ buffer: src.buffer, offset: src.offset + 4 * (p * series.channels + series.channel), size: 4 });
      this.sched.copy(at(Math.max(seedRow - 1, rowStart)), { buffer: hist.buffer, offset: 0, size: 4 }, 4);
      this.sched.copy(at(seedRow), { buffer: hist.buffer, offset: 4, size: 4 }, 4);
      const args = { z: gz, wout: this.esn.wout, hist, featOut: gfeat, stats: this.data.stats, features, terms, kind };
      for (let k = 0; k < steps; k++) {
        recordGenerate(this.sched, this.esn.buffers.n4, args, k, k, k + 1);
        if (k + 1 < steps) {
          recordReservoirStep(this.sched, this.esn.buffers, { z: gz, feat: gfeat, zRow: k + 1, prevRow: k, featRow: k + 1, rows: 1, rowStride: 0, featStride: 0 });
        }
      }
      const h = (await this.sched.read(hist)) as Float32Array;
      return h.slice(2);
    } finally {
      for (const t of [gz, gfeat, hist]) this.sched.destroyBuffer(t.buffer);
    }
  }
}

// A binding as (buffer, byte offset).
function bufferOf(b: Binding): { buffer: GPUBuffer; offset: number } {
  if ('mapAsync' in b) return { buffer: b, offset: 0 };
  return { buffer: b.buffer, offset: b.offset ?? 0 };
}
