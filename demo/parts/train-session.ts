// train-session.ts — one training run of panel 3, through the library's Forecaster
// (src/train/forecaster.ts): panel 1's oscillator simulated on the GPU (about 500 samples)
// → windows of `seq` → next x, 75 / 25 chronological split → RNN, LSTM or GRU trained with
// Adam, evaluated against the baselines and rolled out closed-loop. The data never leaves
// the GPU for training.

import type { Scheduler } from '../../src/gpu/scheduler';
import { simulate, type Trajectory } from '../../src/physics/simulate';
import { Forecaster } from '../../src/train/forecaster';
import type { EpochReport } from '../../src/train/trainer';
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
  x: Float32Array = new Float32Array(0);
  /** Sample index of each prediction: train windows' targets, then test windows'. */
  firstTrainTarget = 0;
  firstTestTarget = 0;
  trainSeconds = 0;

  private constructor(
    readonly settings: TrainSettings,
    readonly system: SystemSettings,
    private readonly trajectory: Trajectory,
    readonly forecaster: Forecaster,
  ) {}

  static async create(sched: Scheduler, settings: TrainSettings, system: SystemSettings): Promise<TrainSession> {
    const steps = stepsOf(system);
    const recordEvery = Math.max(1, Math.round(steps / TARGET_SAMPLES));
    const trajectory = await simulate(sched, {
      params: [oscillatorOf(system)], dt: system.dt, steps, recordEvery, integrator: system.integrator, label: 'training trajectory',
    });
    try {
      const forecaster = await Forecaster.create(sched, trajectory, {
        cell: settings.cell, hidden: settings.hidden, layers: settings.layers, seq: settings.seq, batch: settings.batch, lr: settings.lr,
        target: settings.delta ? 'delta' : 'value', clip: 1, seed: 7, maxEpochs: MAX_EPOCHS,
      });
      const session = new TrainSession(settings, system, trajectory, forecaster);
      await session.readTruth(recordEvery * system.dt);
      return session;
    } catch (e) {
      trajectory.destroy();
      throw e;
    }
  }

  get batchesPerEpoch(): number {
    return this.forecaster.batchesPerEpoch;
  }

  get epoch(): number {
    return this.forecaster.epoch;
  }

  get history(): readonly EpochReport[] {
    return this.forecaster.history;
  }

  /** Training and test windows. */
  get windowCounts(): { train: number; test: number } {
    const { trainStarts, testStarts } = this.forecaster.plan;
    return { train: trainStarts.length, test: testStarts.length };
  }

  /** Trains `epochs` more epochs (up to MAX_EPOCHS in all); returns their reports. */
  async train(epochs: number): Promise<EpochReport[]> {
    const n = Math.min(epochs, MAX_EPOCHS - this.forecaster.epoch);
    if (n < 1) return [];
    const started = performance.now();
    const reports = await this.forecaster.fit(n);
    this.trainSeconds += (performance.now() - started) / 1000;
    return reports;
  }

  /** Training windows per second so far. */
  get samplesPerSecond(): number {
    return this.trainSeconds > 0 ? (this.forecaster.epoch * this.windowCounts.train) / this.trainSeconds : 0;
  }

  /** One-step predictions (train and test), scored with the baselines, and the closed loop. */
  async pictures(): Promise<SessionPictures> {
    const test = await this.forecaster.evaluate('test');
    const train = await this.forecaster.evaluate('train');
    const rolloutPred = await this.forecaster.rollout();
    return { evaluation: test.evaluation, trainPred: train.predictions, testPred: test.predictions, rolloutPred };
  }

  destroy(): void {
    this.forecaster.destroy();
    this.trajectory.destroy();
  }

  private async readTruth(sampleDt: number): Promise<void> {
    this.x = await this.trajectory.read(); // [1, S]
    this.t = Float64Array.from(this.x, (_, s) => s * sampleDt);
    const { seq, trainPerRow } = this.forecaster.plan;
    this.firstTrainTarget = seq;
    this.firstTestTarget = trainPerRow + seq;
  }
}
