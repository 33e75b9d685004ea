// session.ts — the one place a training session is built, for Forecaster (browser-safe) and
// `springloop train` (src/train/node/run-cell.ts) alike:
//   data:    a trajectory's windows on the GPU, set up (statistics, features, targets)
//   session: the model (PyTorch init from the seed), the trainer's view of it, and the
//            Trainer with its optimizer, clipper and minibatch / evaluation buffers.
// Whatever fails half-way is freed before the error propagates.
import type { Scheduler } from '../gpu/scheduler';
import { GpuWindows, type FeatureConfig, type GpuTrajectory } from '../data/gpu-data';
import type { WindowPlan } from '../data/windows';
import { RecurrentModel } from '../model/recurrent-model';
import type { ModelConfig } from '../model/config';
import { recurrentModelHandle, type ModelHandle } from './model-handle';
import { Trainer, type TrainerOptions } from './trainer';

/** Windows per forward when evaluating (test windows, training windows, accuracy). */
export const EVAL_BATCH = 256;

/** Workspaces (one per distinct batch size) a session's model keeps: training, its last partial batch, evaluation and rollouts each use their own. */
const SESSION_WORKSPACES = 6;

/**
 * The windows of `trajectory` on the GPU, with their statistics (or `fixedStats`: the [6]
 * (μx, σx, μΔ, σΔ, μr, σr) — or an older file's [4] — saved with a model) and feature / target
 * series recorded.
 */
export async function createWindows(sched: Scheduler, trajectory: GpuTrajectory, plan: WindowPlan, features: FeatureConfig, fixedStats?: readonly number[]): Promise<GpuWindows> {
  const windows = new GpuWindows(sched, trajectory, plan, features);
  try {
    await windows.prepare();
    windows.recordSetup(fixedStats);
  } catch (e) {
    windows.destroy();
    throw e;
  }
  return windows;
}

/** What a session trains, and how (every Trainer option but evalBatch, which is EVAL_BATCH). */
export interface SessionSpec {
  model: ModelConfig;
  training: Omit<TrainerOptions, 'evalBatch'>;
}

/** A model and its trainer on one set of windows. */
export interface TrainingSession {
  readonly model: RecurrentModel;
  /** The trainer's view of the model (what evaluation and rollouts take). */
  readonly handle: ModelHandle;
  readonly trainer: Trainer;
  /** Frees the trainer and the model (not the windows, which may serve further sessions). */
  destroy(): void;
}

/** Builds the model (initialised from training.seed) and its Trainer on `data`, kernels compiled. */
export async function createTrainingSession(sched: Scheduler, data: GpuWindows, spec: SessionSpec): Promise<TrainingSession> {
  const model = await RecurrentModel.create(sched, spec.model, { seed: spec.training.seed, maxWorkspaces: SESSION_WORKSPACES });
  const handle = recurrentModelHandle(model);
  let trainer: Trainer | null = null;
  try {
    trainer = new Trainer(sched, handle, data, { ...spec.training, evalBatch: EVAL_BATCH });
    await trainer.prepare();
  } catch (e) {
    trainer?.destroy();
    handle.destroy();
    throw e;
  }
  const built = trainer;
  return {
    model, handle, trainer: built,
    destroy: () => {
      built.destroy();
      handle.destroy();
    },
  };
}
