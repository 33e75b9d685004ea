// vanishing-run.ts — the GPU side of panel 5 ("Why gradients vanish"): an RNN, an LSTM and a
// GRU with their default initialisation, W_hh multiplied by a scale, trained a few Adam steps
// at a time on the long-memory task (read T samples of a forced oscillator, output x0 at the
// end; src/analysis/long-memory.ts), and after each round ‖∂L/∂h_t‖ against t on a fixed
// batch, from the backward kernels' gradient norms.
import type { Scheduler } from '../../src/gpu/scheduler';
import type { GpuTensor } from '../../src/gpu/tensor';
import { RecurrentModel, type CellType } from '../../src/model';
import { GpuOptimizer, GradClipper, optimizerConfig } from '../../src/kernels/optim';
import { longMemoryData } from '../../src/analysis/long-memory';

/** The three cells the panel compares, in its order. */
export const VANISH_CELLS: readonly CellType[] = ['rnn_tanh', 'lstm', 'gru'];
/** T steps, H units, B sequences per batch, Adam steps per round, training batches. */
export const VANISH = { steps: 40, hidden: 16, batch: 16, stepsPerRound: 8, trainBatches: 4, lr: 3e-3 } as const;

/** One cell's measurement: ‖∂L/∂h_t‖, t = 1..T, and the loss on the fixed batch. */
export interface CellCurve {
  cell: CellType;
  norms: number[];
  loss: number;
}

interface Trained {
  model: RecurrentModel;
  opt: GpuOptimizer;
  clip: GradClipper;
}

/** Three models, their optimizers and the task's batches on the GPU (one per panel run). */
export class VanishingRun {
  private readonly cells = new Map<CellType, Trained>();
  private readonly owned: GpuTensor[] = [];
  private readonly train: { x: GpuTensor; y: GpuTensor }[] = [];
  private readonly evalBatch: { x: GpuTensor; y: GpuTensor; host: { x: Float32Array; y: Float32Array } };
  private step = 0;

  /** Builds the three models with W_hh × scale (seeded). */
  static async create(sched: Scheduler, scale: number, seed = 1): Promise<VanishingRun> {
    if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`recurrent-weight scale must be a number > 0, got ${scale}`);
    const run = new VanishingRun(sched, seed);
    for (const cell of VANISH_CELLS) {
      const model = await RecurrentModel.create(sched, { cell, inputSize: 1, hiddenSize: VANISH.hidden, numLayers: 1, outputSize: 1, head: 'last-step' }, { seed });
      const p = await model.getParameters();
      model.setParameters({ ...p, weight_hh_l0: p.weight_hh_l0!.map((w) => w * scale) });
      const opt = new GpuOptimizer(sched, model.arena, optimizerConfig('adam'));
      const clip = new GradClipper(sched, model.arena.grads, model.arena.floats, 1);
      await Promise.all([opt.prepare(), clip.prepare()]);
      run.cells.set(cell, { model, opt, clip });
    }
    return run;
  }

  private constructor(private readonly sched: Scheduler, seed: number) {
    const { steps: T, batch: B } = VANISH;
    const make = (shape: number[], data: Float32Array, label: string) => {
      const t = sched.createTensor(shape, 'f32', label, data);
      this.owned.push(t);
      return t;
    };
    const data = longMemoryData(B * VANISH.trainBatches, T, seed + 1);
    for (let i = 0; i < VANISH.trainBatches; i++) {
      this.train.push({ x: make([B, T, 1], data.x.slice(i * B * T, (i + 1) * B * T), `train x${i}`), y: make([B, 1], data.y.slice(i * B, (i + 1) * B), `train y${i}`) });
    }
    const host = longMemoryData(B, T, seed);
    this.evalBatch = { x: make([B, T, 1], host.x, 'eval x'), y: make([B, 1], host.y, 'eval y'), host };
  }

  /** The fixed batch the curves are measured on (host copies). */
  get evalData(): { x: Float32Array; y: Float32Array } {
    return this.evalBatch.host;
  }

  /** Adam steps taken by each model so far. */
  get stepsTaken(): number {
    return this.step;
  }

  /** Trains every model VANISH.stepsPerRound steps (recorded, one submit per step). */
  async round(): Promise<void> {
    for (let i = 0; i < VANISH.stepsPerRound; i++) {
      const b = this.train[(this.step + i) % this.train.length]!;
      for (const { model, opt, clip } of this.cells.values()) {
        model.forward(b.x);
        model.lossAndBackward({ kind: 'mse', target: b.y });
        clip.record();
        opt.record(VANISH.lr, clip.scale);
      }
      this.sched.submit();
    }
    this.step += VANISH.stepsPerRound;
    await this.sched.flush();
  }

  /** ‖∂L/∂h_t‖ of every cell on the fixed batch (one read). */
  async measure(): Promise<CellCurve[]> {
    const reads: GpuTensor[] = [];
    for (const { model } of this.cells.values()) {
      model.forward(this.evalBatch.x);
      const { loss, gradNorms } = model.lossAndBackward({ kind: 'mse', target: this.evalBatch.y }, { gradNorms: true });
      reads.push(loss, gradNorms!);
    }
    const got = (await this.sched.readMany(reads)) as Float32Array[];
    return VANISH_CELLS.map((cell, i) => ({ cell, loss: got[2 * i]![0]!, norms: [...got[2 * i + 1]!.subarray(0, VANISH.steps)] }));
  }

  /** A cell's current parameters by state_dict name. */
  async parameters(cell: CellType): Promise<Record<string, Float32Array>> {
    return this.cells.get(cell)!.model.getParameters();
  }

  destroy(): void {
    this.sched.submit();
    for (const { model, opt, clip } of this.cells.values()) {
      opt.destroy();
      clip.destroy();
      model.destroy();
    }
    this.cells.clear();
    for (const t of this.owned) this.sched.destroyBuffer(t.buffer);
    this.owned.length = 0;
  }
}
