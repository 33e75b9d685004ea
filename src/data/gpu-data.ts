// gpu-data.ts — a data set on the GPU: the trajectory [R, S, 2] (simulated by RK4 on the
// GPU, or computed on the host for the function data sets and uploaded once), its
// normalisation statistics, feature/target series, and minibatches gathered by index:
// one upload of the permuted window starts per epoch, one gather dispatch per batch.
import type { Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import type { GpuTensor } from '../gpu/tensor';
import { simulate } from '../physics/simulate';
import { recordFeatures, recordGather, recordGatherLabels, recordNormStats, windowsKernel, type FeatureLayout, type SeriesView } from '../kernels/windows';
import { epochOrder, type WindowPlan } from './windows';
import type { DatasetSpec } from './datasets';
import { fullStats, IDENTITY_STATS, NORM_STATS } from './targets';

/** A trajectory on the GPU. x is channel 0 of [R, S, 2], v channel 1. */
export interface GpuTrajectory {
  /** The data set this trajectory holds. */
  spec: DatasetSpec;
  /** [R, S, 2] f32: (x, v) of every row and sample. */
  tensor: GpuTensor;
  /** Channel 0 (x) of `tensor`, as the window kernels read it. */
  series: SeriesView;
  /** Row labels [R] u32 (regime data set). */
  rowLabels: GpuTensor | null;
  /** Copies (x, v) [R, S, 2] to the host. */
  read(): Promise<Float32Array>;
  /** Frees the GPU buffers. Idempotent. */
  destroy(): void;
}

/** Simulates or uploads the data set's trajectory (submitted, not awaited). */
export async function materializeDataset(sched: Scheduler, spec: DatasetSpec): Promise<GpuTrajectory> {
  let tensor: GpuTensor;
  if (spec.integration) {
    const { dt, steps, recordEvery, params } = spec.integration;
    const traj = await simulate(sched, { params, dt, steps, recordEvery, integrator: 'rk4', velocity: true, label: `${spec.name}.trajectory` });
    if (traj.slices.length !== 1) throw new Error(`dataset ${spec.name}: ${spec.rows} trajectories do not fit one storage binding; use fewer --rows`);
    tensor = traj.tensor;
  } else if (spec.host) {
    tensor = sched.createTensor([spec.rows, spec.samples, spec.channels ?? 2], 'f32', `${spec.name}.trajectory`, spec.host());
  } else {
    throw new Error(`dataset ${spec.name} has neither an integration nor host data`);
  }
  const rowLabels = spec.labels ? sched.createTensor([spec.rows], 'u32', `${spec.name}.labels`, spec.labels) : null;
  return {
    spec,
    tensor,
    series: { src: tensor, rows: spec.rows, samples: spec.samples, channels: spec.channels ?? 2, channel: 0 },
    rowLabels,
    read: async () => (await sched.read(tensor, 'f32')) as Float32Array,
    destroy: () => {
      sched.destroyBuffer(tensor.buffer);
      if (rowLabels) sched.destroyBuffer(rowLabels.buffer);
    },
  };
}

/**
 * How model inputs and targets are made from the series (from a row of TARGET_SPECS, or labels').
 * features is F: the input terms per sample, or with fromChannels the trajectory's channels.
 */
export interface FeatureConfig extends FeatureLayout {
  /** The model's inputs are the trajectory's channels as they are (already normalised, e.g. mnist-rows' pixels): no statistics, no targets; terms and kind are unused. */
  fromChannels?: boolean;
  /** Normalise with training statistics (else identity statistics: the lecture's raw data). */
  normalize: boolean;
}

/** A minibatch's device buffers: x [B, T, F], y [B] or [B, T], labels [B] u32. */
export interface BatchBuffers {
  /** B: windows per batch. */
  batch: number;
  /** [B, T, F] f32 model inputs. */
  x: GpuTensor;
  /** [B] (next value) or [B, T] (shifted sequence) f32 targets. */
  y: GpuTensor;
  /** [B] u32 class labels (sequence-to-label data), else null. */
  labels: GpuTensor | null;
}

/** Windows of one trajectory, with the buffers the trainer binds to the model. */
export class GpuWindows {
  /** Alive until destroy() (and while its scheduler is). */
  readonly lifetime: Lifetime;
  /** [6] f32 normalisation statistics: mean and std of x, Δ and r (src/data/targets.ts). */
  readonly stats: GpuTensor;
  /** [R·S·F] f32 normalised feature series. */
  readonly feat: GpuTensor;
  /** [R·S] f32 target series (normalised increments or values). */
  readonly tgt: GpuTensor;
  /** [training windows] u32: this epoch's shuffled window starts. */
  readonly order: GpuTensor;
  /** [test windows] u32: test window starts, in order. */
  readonly testStarts: GpuTensor;
  readonly #owned: GpuTensor[] = [];
  readonly #sched: Scheduler;

  constructor(
    sched: Scheduler,
    /** The trajectory the windows are cut from (not owned). */
    readonly data: GpuTrajectory,
    /** The window split, from planWindows(). */
    readonly plan: WindowPlan,
    /** How inputs and targets are made from the series. */
    readonly cfg: FeatureConfig,
  ) {
    this.#sched = sched;
    this.lifetime = new Lifetime('GpuWindows', 'destroy', [sched.lifetime]);
    this.lifetime.check('new');
    const n = data.spec.rows * data.spec.samples;
    this.stats = this.#own([NORM_STATS], 'f32', 'stats');
    this.feat = this.#own([n * cfg.features], 'f32', 'features');
    this.tgt = this.#own([n], 'f32', 'targets');
    this.order = this.#own([plan.trainStarts.length], 'u32', 'epoch order', plan.trainStarts);
    this.testStarts = this.#own([plan.testStarts.length], 'u32', 'test starts', plan.testStarts);
  }

  /** Training windows. */
  get trainCount(): number {
    return this.plan.trainStarts.length;
  }

  /** Test windows. */
  get testCount(): number {
    return this.plan.testStarts.length;
  }

  /** Compiles the window kernels (await once before recording). */
  async prepare(): Promise<void> {
    this.lifetime.check('prepare');
    await this.#sched.prepare(windowsKernel);
  }

  /**
   * Records statistics (or writes identity statistics, or `fixedStats` — the [6] (or older
   * [4]) statistics saved with a trained model) and the feature/target series.
   */
  recordSetup(fixedStats?: readonly number[]): void {
    this.lifetime.check('recordSetup');
    if (this.cfg.fromChannels) {
      this.#sched.upload(this.stats, IDENTITY_STATS);
      this.#sched.copy(this.data.tensor, this.feat);
      return;
    }
    if (fixedStats) this.#sched.upload(this.stats, fullStats(fixedStats));
    else if (this.cfg.normalize) recordNormStats(this.#sched, this.data.series, this.plan.statRows, this.plan.statEnd, this.stats);
    else this.#sched.upload(this.stats, IDENTITY_STATS);
    recordFeatures(this.#sched, this.data.series, this.stats, { feat: this.feat, tgt: this.tgt }, this.cfg);
  }

  /** Uploads epoch `epoch`'s shuffled window order (queued before the next submit). */
  beginEpoch(seed: number, epoch: number): void {
    this.lifetime.check('beginEpoch');
    this.#sched.upload(this.order, epochOrder(this.plan.trainStarts, seed, epoch));
  }

  /** Allocates minibatch buffers for B rows. */
  createBatch(batch: number, label: string): BatchBuffers {
    this.lifetime.check('createBatch');
    const { seq } = this.plan;
    const sequence = this.plan.kind === 'sequence';
    return {
      batch,
      x: this.#own([batch, seq, this.cfg.features], 'f32', `${label}.x`),
      y: this.#own(sequence ? [batch, seq] : [batch], 'f32', `${label}.y`),
      labels: this.plan.kind === 'label' ? this.#own([batch], 'u32', `${label}.labels`) : null,
    };
  }

  /**
   * Records the gather of windows [offset, offset + count) of `which` into `buf`: 'train'
   * reads this epoch's shuffled order, 'test' the test windows, a tensor any list of starts.
   */
  recordBatch(which: 'train' | 'test' | GpuTensor, offset: number, count: number, buf: BatchBuffers): void {
    this.lifetime.check('recordBatch');
    const starts = which === 'train' ? this.order : which === 'test' ? this.testStarts : which;
    const args = {
      feat: this.feat, tgt: this.tgt, starts, offset, count, batch: buf.batch, seq: this.plan.seq,
      features: this.cfg.features, samples: this.plan.samples, x: buf.x,
    };
    if (buf.labels) recordGatherLabels(this.#sched, { ...args, rowLabels: this.data.rowLabels!, labels: buf.labels });
    else recordGather(this.#sched, { ...args, y: buf.y, sequenceTargets: this.plan.kind === 'sequence' });
  }

  /** Frees a batch made by createBatch. */
  destroyBatch(buf: BatchBuffers): void {
    for (const t of [buf.x, buf.y, buf.labels]) {
      if (!t) continue;
      const k = this.#owned.indexOf(t);
      if (k >= 0) this.#owned.splice(k, 1);
      this.#sched.destroyBuffer(t.buffer);
    }
  }

  /** Reads the statistics back (for checkpoints and reports). */
  async readStats(): Promise<number[]> {
    this.lifetime.check('readStats');
    return [...(await this.#sched.read(this.stats))];
  }

  /** Frees the statistics, series, index and batch buffers it made (not the trajectory). Idempotent. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    for (const t of this.#owned) this.#sched.destroyBuffer(t.buffer);
  }

  #own(shape: number[], dtype: 'f32' | 'u32', label: string, data?: ArrayLike<number>): GpuTensor {
    const t = this.#sched.createTensor(shape, dtype, label, data);
    this.#owned.push(t);
    return t;
  }
}
