// trainer-state.ts — a Trainer's checkpoint: the weights, the optimizer state per parameter
// (state_dict names) and the progress, read back in one go, and restored in the same three
// parts. Used by the run's checkpoints (run-cell.ts, checkpoint.ts); what it reads and writes
// on the GPU is the Trainer's (lossSums, resume()), its model's arena and its optimizer's.
import { TrainingDivergedError, type Trainer, type TrainerProgress } from '../trainer';
import { stateNames } from '../../kernels/optim';

/** Weights and optimizer state by parameter name, and the progress: what a checkpoint holds. */
export interface TrainerSnapshot {
  /** The weights by state_dict name. */
  params: Record<string, Float32Array>;
  /** The optimizer's state buffers by state name (exp_avg …), each by parameter name. */
  optimizer: Record<string, Record<string, Float32Array>>;
  /** Epoch, step, history; mid-epoch the step of the epoch and its loss sums. */
  progress: TrainerProgress;
}

/**
 * Reads `trainer`'s weights, optimizer state (per parameter) and progress; mid-epoch (batch > 0)
 * also the epoch's loss sums so far. Throws TrainingDivergedError when those are not finite.
 */
export async function snapshotTrainer(trainer: Trainer): Promise<TrainerSnapshot> {
  const { arena } = trainer.model;
  const params = await arena.read('params');
  const flat = await trainer.optimizer.readState();
  const optimizer: Record<string, Record<string, Float32Array>> = {};
  for (const [name, values] of Object.entries(flat)) {
    optimizer[name] = Object.fromEntries(arena.slots.map((s) => [s.name, values.slice(s.offset / 4, s.offset / 4 + s.count)]));
  }
  const progress: TrainerProgress = { epoch: trainer.epoch, step: trainer.optimizer.step, history: [...trainer.history], batch: trainer.batch };
  if (trainer.batch > 0) {
    const sums = Array.from((await trainer.lossSums.read()) as Float32Array);
    const loss = sums[0]! / sums[trainer.opts.loss === 'cross_entropy' ? 2 : 1]!;
    if (!Number.isFinite(loss)) throw new TrainingDivergedError(trainer.epoch + 1, `the training loss is ${loss}`, trainer.history.at(-1) ?? null);
    progress.lossSums = sums;
  }
  return { params, optimizer, progress };
}

/** Restores a snapshot (weights, optimizer state, epoch, step, history; mid-epoch: batch and loss sums); throws naming what is missing. */
export function restoreTrainer(trainer: Trainer, { params, optimizer, progress }: TrainerSnapshot): void {
  const { arena } = trainer.model;
  const flat: Record<string, Float32Array> = {};
  for (const name of stateNames(trainer.opts.optimizer)) {
    const per = optimizer[name];
    if (!per) throw new Error(`checkpoint: optimizer state '${name}' is missing`);
    const values = new Float32Array(arena.floats);
    for (const s of arena.slots) {
      const v = per[s.name];
      if (!v || v.length !== s.count) throw new Error(`checkpoint: optimizer state '${name}.${s.name}' is missing or has the wrong size`);
      values.set(v, s.offset / 4);
    }
    flat[name] = values;
  }
  trainer.resume(progress); // checks the progress before anything is written
  arena.write(params);
  trainer.optimizer.writeState(progress.step, flat);
}
