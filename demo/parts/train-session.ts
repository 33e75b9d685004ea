// train-session.ts — one training run of panel 3, built from the library's pieces (the
// browser-safe ones: run-cell.ts and run.ts write files, so they are not used here):
// panel 1's oscillator simulated on the GPU (about 500 samples) → GpuWindows (windows of
// `seq` → next x, 75 / 25 chronological split) → RecurrentModel → Trainer (Adam), with
// evaluateForecast and rollout for the pictures. The data never leaves the GPU for training.

import type { Scheduler } from '../../src/gpu/scheduler';
import { simulate } from '../../src/physics/simulate';
import { GpuWindows, type FeatureConfig, type GpuTrajectory } from '../../src/data/gpu-data';
import { planWindows } from '../../src/data/windows';
import type { DatasetSpec } from '../../src/data/datasets';
import { RecurrentModel } from '../../src/model';
import { recurrentModelHandle, type ModelHandle } from '../../src/train/model-handle';
import { Trainer, type EpochReport } from '../../src/train/trainer';
import { parseSchedule } from '../../src/train/schedule';
import { optimizerConfig } from '../../src/kernels/optim';
import { evaluateForecast, rollout, rolloutSpan } from '../../src/train/evaluate';
import type { Evaluation } from '../../src/kernels/metrics';
import { oscillatorOf, stepsOf, type SystemSettings } from './settings';

export interface TrainSettings {
  cell: 'rnn' | 'lstm' | 'gru';
  hidden: number;
  layers: number;
  seq: number;
  lr: number;
  batch: number;
  /** Normalised inputs (x, Δx) → next increment (else the lecture's raw x → next x). */
  delta: boolean;
}

/** Samples the training trajectory aims for (the simulation records every k-th step). */
const TARGET_SAMPLES = 500;
/** Epoch budget the trainer's history buffer is sized for. */
export const MAX_EPOCHS = 5000;
const CELL_KINDS = { rnn: 'rnn_tanh', lstm: 'lstm', gru: 'gru' } as const;

export interface SessionPictures {
  evaluation: Evaluation;
  /** One-step predictions of the training windows (in order) and of the test windows. */
  trainPred: Float32Array;
  testPred: Float32Array;
  /** Closed loop over the test span. */
  rolloutPred: Float32Array;
}

export class TrainSession {
  /** Sample times and the true x at every sample of the trajectory trained on. */
  t = new Float64Array(0);
  x = new Float32Array(0);
  /** Sample index of each prediction: train windows' targets, then test windows'. */
  firstTrainTarget = 0;
  firstTestTarget = 0;
  trainSeconds = 0;

  private constructor(
    private readonly sched: Scheduler,
    readonly settings: TrainSettings,
    readonly system: SystemSettings,
    private readonly data: GpuTrajectory,
    readonly windows: GpuWindows,
    private readonly handle: ModelHandle,
    readonly trainer: Trainer,
  ) {}

  static async create(sched: Scheduler, settings: TrainSettings, system: SystemSettings): Promise<TrainSession> {
    const steps = stepsOf(system);
    const recordEvery = Math.max(1, Math.round(steps / TARGET_SAMPLES));
    const traj = await simulate(sched, {
      params: [oscillatorOf(system)], dt: system.dt, steps, recordEvery, integrator: system.integrator, velocity: true, label: 'training trajectory',
    });
    const spec: DatasetSpec = {
      name: 'oscillator', rows: 1, samples: traj.samples, sampleDt: system.dt * recordEvery, t0: 0, kind: 'forecast', classes: 0,
      description: 'panel 1 oscillator',
    };
    const data: GpuTrajectory = {
      spec, tensor: traj.tensor, rowLabels: null,
      series: { src: traj.tensor, rows: 1, samples: traj.samples, channels: 2, channel: 0 },
      read: () => traj.read(), destroy: () => traj.destroy(),
    };
    try {
      const plan = planWindows({ rows: 1, samples: traj.samples, seq: settings.seq, kind: 'next' });
      const features: FeatureConfig = settings.delta
        ? { features: 2, targetDelta: true, normalize: true }
        : { features: 1, targetDelta: false, normalize: false };
      const windows = new GpuWindows(sched, data, plan, features);
      const model = await RecurrentModel.create(sched, {
        cell: CELL_KINDS[settings.cell], inputSize: features.features, hiddenSize: settings.hidden,
        numLayers: settings.layers, outputSize: 1, head: 'last-step',
      }, { seed: 7, maxWorkspaces: 6 });
      const handle = recurrentModelHandle(model);
      const trainer = new Trainer(sched, handle, windows, {
        epochs: MAX_EPOCHS, batch: settings.batch, lr: settings.lr, schedule: parseSchedule('constant'),
        optimizer: optimizerConfig('adam', { lr: settings.lr }), clip: 1, seed: 7, tbptt: null, loss: 'mse',
        classes: 0, evalBatch: 256, logEvery: 1,
      });
      await trainer.prepare();
      windows.recordSetup();
      const session = new TrainSession(sched, settings, system, data, windows, handle, trainer);
      await session.readTruth(recordEvery * system.dt);
      return session;
    } catch (e) {
      data.destroy();
      throw e;
    }
  }

  get batchesPerEpoch(): number {
    return this.trainer.batchesPerEpoch;
  }

  /** Trains `epochs` more epochs; returns their reports. */
  async train(epochs: number): Promise<EpochReport[]> {
    const reports: EpochReport[] = [];
    const started = performance.now();
    await this.trainer.train(Math.min(MAX_EPOCHS, this.trainer.epoch + epochs), (r) => {
      reports.push(r);
    });
    this.trainSeconds += (performance.now() - started) / 1000;
    return reports;
  }

  /** Training windows per second so far. */
  get samplesPerSecond(): number {
    return this.trainSeconds > 0 ? (this.trainer.epoch * this.windows.trainCount) / this.trainSeconds : 0;
  }

  /** One-step predictions (train and test), scored with the baselines, and the closed loop. */
  async pictures(): Promise<SessionPictures> {
    const buf = this.trainer.evalBuf;
    const test = await evaluateForecast(this.sched, this.handle, this.windows, buf, 'test');
    const train = await evaluateForecast(this.sched, this.handle, this.windows, buf, 'trainInOrder');
    const rolloutPred = await rollout(this.sched, this.handle, this.windows, rolloutSpan(this.windows).steps);
    return { evaluation: test.evaluation, trainPred: train.pred, testPred: test.pred, rolloutPred };
  }

  destroy(): void {
    this.trainer.destroy();
    this.handle.destroy();
    this.windows.destroy();
    this.data.destroy();
  }

  private async readTruth(sampleDt: number): Promise<void> {
    const xv = await this.data.read(); // [1, S, 2]
    const S = xv.length / 2;
    this.x = new Float32Array(S);
    this.t = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      this.x[s] = xv[2 * s]!;
      this.t[s] = s * sampleDt;
    }
    const { seq, trainPerRow } = this.windows.plan;
    this.firstTrainTarget = seq;
    this.firstTestTarget = trainPerRow + seq;
  }
}
