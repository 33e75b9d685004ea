// trainer.ts — trains one model on GPU-resident windows. A training step is one submit:
//   gather the minibatch → forward → loss → backward → loss sum into acc → clip → optimizer.
// Losses accumulate on the GPU; each epoch's sums are copied into a history buffer and read
// back every `logEvery` epochs (never per step). Shuffling is a permutation seeded from
// (seed, epoch) alone, and every reduction has a fixed order, so the same seed on the same
// adapter gives the same run — and a run resumed from a checkpoint (at an epoch boundary, or
// mid-epoch after a stop request: steps done and the epoch's loss sums so far) continues bit
// for bit as if it had not stopped. A non-finite loss, seen where the losses are read back
// anyway, throws TrainingDivergedError.
import type { Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import type { GpuTensor, Tensor } from '../gpu/tensor';
import { STORAGE_RW } from '../gpu/flags';
import { GpuOptimizer, GradClipper, type OptimizerConfig } from '../kernels/optim';
import { metricsKernel, recordLabelAccumulate, recordSqErrAccumulate } from '../kernels/metrics';
import type { BatchBuffers, GpuWindows } from '../data/gpu-data';
import { batchesPerEpoch } from '../data/windows';
import { learningRate, type Schedule } from './schedule';
import type { LossKind, ModelHandle } from './model-handle';

/** How a Trainer trains: sizes, optimizer, loss, schedule and how often it reads the losses back. */
export interface TrainerOptions {
  /** Epochs of the whole run (sizes the loss history). */
  epochs: number;
  /** Minibatch size (windows per step). */
  batch: number;
  /** Base learning rate (the schedule scales it). */
  lr: number;
  /** Learning-rate schedule. */
  schedule: Schedule;
  /** Optimizer and hyper-parameters. */
  optimizer: OptimizerConfig;
  /** Global-norm gradient clipping threshold, or null for none. */
  clip: number | null;
  /** Seeds the shuffling (a permutation per epoch from (seed, epoch) alone). */
  seed: number;
  /** Back-propagate through the last N steps of each window only (truncated BPTT), or null for all. */
  tbptt: number | null;
  /** Training loss. */
  loss: LossKind;
  /** Classes of a sequence-to-label model (its output size), else 0. */
  classes: number;
  /** Rows per forward when evaluating. */
  evalBatch: number;
  /** Read the loss history back every N epochs. */
  logEvery: number;
}

/** One epoch as read back: mean training loss, test loss (and accuracy for labels). */
export interface EpochReport {
  /** Epoch number, from 1. */
  epoch: number;
  /** Mean training loss over the epoch's steps (in normalised units for 'delta' targets). */
  trainLoss: number;
  /** Loss on the test windows after the epoch. */
  testLoss: number;
  /** Fraction of test windows classified right (sequence-to-label data only). */
  testAccuracy?: number;
}

/** Training progress that a checkpoint must carry. */
export interface TrainerProgress {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken (epoch · batchesPerEpoch + batch). */
  step: number;
  /** Every completed epoch's report. */
  history: EpochReport[];
  /** Steps of epoch `epoch` already taken (0 at an epoch boundary). */
  batch?: number;
  /** The loss sums of those steps (the accumulator's SLOTS floats); needed when batch > 0. */
  lossSums?: number[];
}

/** Lets train() stop early: checked between steps (see train()). */
export interface TrainControl {
  /** True asks train() to return at the next step boundary. */
  stopRequested(): boolean;
  /**
   * Wall-clock ms of GPU work queued between two checks (default 200). Steps are recorded far
   * ahead of the GPU; a check waits for what is queued, so this bounds how long a stop takes.
   */
  checkEveryMs?: number;
}

/** Thrown when an epoch's training or test loss (or a partial epoch's), or the weights, are not finite. */
export class TrainingDivergedError extends Error {
  constructor(
    /** The epoch (1-based) in which it was seen. */
    readonly epoch: number,
    /** What was not finite, e.g. 'the training loss is NaN'. */
    readonly detail: string,
    /** The last epoch with finite losses, or null when there was none. */
    readonly lastFinite: EpochReport | null,
  ) {
    const last = lastFinite ? `last finite training loss ${lastFinite.trainLoss.toExponential(3)}, in epoch ${lastFinite.epoch}` : 'no epoch had a finite loss';
    super(`training diverged in epoch ${epoch}: ${detail} (${last})`);
    this.name = 'TrainingDivergedError';
  }
}

/** Floats of the loss accumulator (and of a checkpoint's lossSums). */
export const SLOTS = 8; // acc: train (Σ, n | Σce, correct, n) at 0, test at 4

/** Trains one model on GPU-resident windows: each step (gather, forward, loss, backward, clip, optimizer) is one submit; losses accumulate on the GPU and are read back every `logEvery` epochs. The same seed on the same adapter gives the same run, and a run resumed from a checkpoint continues bit for bit. */
export class Trainer {
  /** Alive until destroy() (and while its scheduler, model and windows are). */
  readonly lifetime: Lifetime;
  /** The fused optimizer over the model's arena. */
  readonly optimizer: GpuOptimizer;
  /** Global-norm gradient clipping (factor 1 without `clip`). */
  readonly clipper: GradClipper;
  /** Epochs completed so far. */
  epoch = 0;
  /** Reports of the epochs read back so far. */
  readonly history: EpochReport[] = [];
  readonly #accHistory: GPUBuffer;
  readonly #full: BatchBuffers;
  readonly #last: BatchBuffers | null;
  /** The batch buffers evaluation uses. */
  readonly evalBuf: BatchBuffers;
  /**
   * [8] f32 on the GPU: the loss sums of the current epoch's steps so far (train Σ, n — Σce,
   * correct, n for labels — at 0, the test's at 4), copied into the history at each epoch's
   * end; what a mid-epoch checkpoint carries (see resume()).
   */
  readonly lossSums: Tensor;
  /** Steps of epoch `epoch` already taken (non-zero after a stop or a mid-epoch restore). */
  batch = 0;
  #epochsRead = 0; // epochs whose history has been read
  #stepsPerCheck = 1; // steps recorded between two stop checks, adapted to checkEveryMs
  readonly #sched: Scheduler;

  constructor(
    sched: Scheduler,
    /** The model being trained. */
    readonly model: ModelHandle,
    /** The windows it trains and tests on. */
    readonly data: GpuWindows,
    /** How it trains. */
    readonly opts: TrainerOptions,
  ) {
    this.#sched = sched;
    this.lifetime = new Lifetime('Trainer', 'destroy', [sched.lifetime, data.lifetime, ...(model.lifetime ? [model.lifetime] : [])]);
    this.lifetime.check('new');
    this.optimizer = new GpuOptimizer(sched, model.arena, opts.optimizer);
    this.clipper = new GradClipper(sched, model.arena.grads, model.arena.floats, opts.clip);
    this.lossSums = sched.createTensor([SLOTS], 'f32', 'loss sums', new Float32Array(SLOTS));
    this.#accHistory = sched.createBuffer(4 * SLOTS * opts.epochs, STORAGE_RW, 'loss history');
    const batch = Math.min(opts.batch, data.trainCount);
    this.#full = data.createBatch(batch, 'batch');
    const rest = data.trainCount % batch;
    this.#last = rest > 0 ? data.createBatch(rest, 'last batch') : null;
    this.evalBuf = data.createBatch(Math.min(opts.evalBatch, Math.max(data.testCount, data.trainCount)), 'eval batch');
  }

  /** Compiles every kernel the training step uses (await once before train()). */
  async prepare(): Promise<void> {
    this.lifetime.check('prepare');
    await Promise.all([this.model.prepare(), this.optimizer.prepare(), this.clipper.prepare(), this.data.prepare(), this.#sched.prepare(metricsKernel)]);
  }

  /** Optimizer steps per epoch (the last batch may be smaller). */
  get batchesPerEpoch(): number {
    return batchesPerEpoch(this.data.trainCount, this.#full.batch);
  }

  /** Records one training step on windows [offset, offset + buf.batch) of this epoch's order, and submits it. */
  #step(buf: BatchBuffers, offset: number, lr: number): void {
    this.data.recordBatch('train', offset, buf.batch, buf);
    // A training forward: dropout masks keyed by the optimizer step (restored with a checkpoint).
    const out = this.model.forward(buf.x, buf.batch, { step: this.optimizer.step });
    const target = buf.labels ?? buf.y;
    this.model.lossBackward(buf.batch, target, this.opts.loss, this.opts.tbptt);
    this.#accumulate(out, buf, buf.batch, 0);
    this.clipper.record();
    this.optimizer.record(lr, this.clipper.scale);
    this.#sched.submit();
  }

  #accumulate(out: GpuTensor, buf: BatchBuffers, rows: number, slot: number): void {
    if (buf.labels) {
      recordLabelAccumulate(this.#sched, out, buf.labels, rows, this.opts.classes, this.lossSums, slot);
      return;
    }
    const perRow = buf.y.shape.length === 2 ? buf.y.shape[1]! : 1;
    recordSqErrAccumulate(this.#sched, { out, stride: 1, offset: 0 }, buf.y, rows * perRow, this.lossSums, slot);
  }

  /** Records the test loss of the current weights into the test slots (chunks of evalBatch). */
  #recordTestLoss(): void {
    const b = this.evalBuf;
    for (let off = 0; off < this.data.testCount; off += b.batch) {
      const count = Math.min(b.batch, this.data.testCount - off);
      this.data.recordBatch('test', off, count, b);
      const out = this.model.forward(b.x, b.batch);
      this.#accumulate(out, b, count, 4);
      this.#sched.submit();
    }
  }

  /**
   * Trains epochs [this.epoch, toEpoch) (from step `batch` of the first); onEpoch sees each
   * epoch once its sums are read back. With `control`, a stop request returns 'stopped' at the
   * next step boundary (epoch and batch say where), with every finished epoch read back.
   * Throws TrainingDivergedError when a loss read back is not finite.
   */
  async train(toEpoch: number, onEpoch?: (r: EpochReport) => unknown, control?: TrainControl): Promise<'done' | 'stopped'> {
    this.lifetime.check('train');
    if (toEpoch > this.opts.epochs) throw new Error(`train: toEpoch ${toEpoch} exceeds the configured ${this.opts.epochs} epochs`);
    const B = this.#full.batch;
    const nFull = Math.floor(this.data.trainCount / B);
    const report = async () => {
      for (const r of await this.#readHistory()) await onEpoch?.(r);
    };
    let sinceCheck = 0;
    let checkedAt = performance.now();
    const stopHere = async (): Promise<boolean> => {
      if (!control) return false;
      if (sinceCheck >= this.#stepsPerCheck) {
        await this.#sched.flush();
        const now = performance.now();
        const perStep = (now - checkedAt) / sinceCheck;
        this.#stepsPerCheck = Math.max(1, Math.min(4096, Math.round((control.checkEveryMs ?? 200) / Math.max(perStep, 1e-3))));
        sinceCheck = 0;
        checkedAt = now;
      }
      return control.stopRequested();
    };
    while (this.epoch < toEpoch) {
      const e = this.epoch;
      const lr = learningRate(this.opts.schedule, this.opts.lr, e, this.opts.epochs);
      this.data.beginEpoch(this.opts.seed, e);
      for (; this.batch < this.batchesPerEpoch; this.batch++, sinceCheck++) {
        if (await stopHere()) {
          await report();
          return 'stopped';
        }
        this.#step(this.batch < nFull ? this.#full : this.#last!, this.batch * B, lr);
      }
      this.#recordTestLoss();
      this.#sched.copy(this.lossSums, { buffer: this.#accHistory, offset: 4 * SLOTS * e, size: 4 * SLOTS });
      this.#sched.clear(this.lossSums);
      this.epoch++;
      this.batch = 0;
      if (this.epoch % this.opts.logEvery === 0 || this.epoch === toEpoch || control?.stopRequested()) await report();
      if (this.epoch < toEpoch && control?.stopRequested()) return 'stopped';
    }
    return 'done';
  }

  /** Reads the epochs finished since the last read; throws TrainingDivergedError at a non-finite loss. */
  async #readHistory(): Promise<EpochReport[]> {
    const from = this.#epochsRead;
    if (from >= this.epoch) return [];
    const sums = (await this.#sched.read({ buffer: this.#accHistory, offset: 4 * SLOTS * from, size: 4 * SLOTS * (this.epoch - from) })) as Float32Array;
    const out: EpochReport[] = [];
    for (let e = from; e < this.epoch; e++) {
      const s = sums.subarray((e - from) * SLOTS, (e - from + 1) * SLOTS);
      const r: EpochReport = this.opts.loss === 'cross_entropy'
        ? { epoch: e + 1, trainLoss: s[0]! / s[2]!, testLoss: s[4]! / s[6]!, testAccuracy: s[5]! / s[6]! }
        : { epoch: e + 1, trainLoss: s[0]! / s[1]!, testLoss: s[4]! / s[5]! };
      const bad = !Number.isFinite(r.trainLoss) ? `the training loss is ${r.trainLoss}` : !Number.isFinite(r.testLoss) ? `the test loss is ${r.testLoss}` : null;
      if (bad) {
        this.#epochsRead = this.epoch; // the diverged epochs are not history
        throw new TrainingDivergedError(r.epoch, bad, this.history.at(-1) ?? null);
      }
      out.push(r);
      this.history.push(r);
    }
    this.#epochsRead = this.epoch;
    return out;
  }

  /**
   * Continues from a checkpoint's progress: epoch, step, history and, mid-epoch (batch > 0),
   * the epoch's loss sums. The weights and the optimizer state are restored apart
   * (model.arena.write, optimizer.writeState); src/train/node/trainer-state.ts does all three.
   */
  resume(progress: TrainerProgress): void {
    this.lifetime.check('resume');
    const batch = progress.batch ?? 0;
    if (!Number.isInteger(batch) || batch < 0 || batch >= this.batchesPerEpoch) throw new Error(`resume: batch must be an integer in [0, ${this.batchesPerEpoch - 1}], got ${batch}`);
    if (batch > 0 && progress.lossSums?.length !== SLOTS) throw new Error(`resume: a mid-epoch resume (batch ${batch}) needs the ${SLOTS} loss sums`);
    this.#sched.upload(this.lossSums, Float32Array.from(batch > 0 ? progress.lossSums! : new Array<number>(SLOTS).fill(0)));
    this.epoch = progress.epoch;
    this.batch = batch;
    this.#epochsRead = progress.epoch;
    this.history.length = 0;
    this.history.push(...progress.history);
  }

  /** Frees the batches, optimizer, clipper and loss buffers (not the model or data). Idempotent. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    for (const b of [this.#full, this.#last, this.evalBuf]) if (b) this.data.destroyBatch(b);
    this.optimizer.destroy();
    this.clipper.destroy();
    this.#sched.destroyBuffer(this.lossSums.buffer);
    this.#sched.destroyBuffer(this.#accHistory);
  }
}
