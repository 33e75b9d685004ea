// adam-step.ts — the optimizer part of a benchmarked training step: Adam (lr 1e-3, torch's
// defaults) as one fused dispatch over a model's parameter arena, as the trainer and the
// peers (TF.js, PyTorch) run it. check() validates one step against adamStepReference in
// float64 before anything is timed.
import type { Scheduler } from '../src/gpu/scheduler';
import type { RecurrentModel } from '../src/model';
import { GpuOptimizer, GradClipper, optimizerConfig } from '../src/kernels/optim';
import { ADAM_DEFAULTS, adamStepReference } from '../src/reference/optim';

export const BENCH_LR = 1e-3;

export class BenchAdam {
  private readonly optimizer: GpuOptimizer;
  /** Clipping off: its scale buffer holds 1, the factor Adam multiplies gradients by. */
  private readonly unitScale: GradClipper;

  private constructor(private readonly sched: Scheduler, private readonly model: RecurrentModel) {
    this.optimizer = new GpuOptimizer(sched, model.arena, optimizerConfig('adam', { lr: BENCH_LR }));
    this.unitScale = new GradClipper(sched, model.arena.grads, model.arena.floats, null);
  }

  static async create(sched: Scheduler, model: RecurrentModel): Promise<BenchAdam> {
    const adam = new BenchAdam(sched, model);
    await adam.optimizer.prepare();
    return adam;
  }

  /** Records one Adam step on the gradients in the model's gradient arena. */
  record(): void {
    this.optimizer.record(BENCH_LR, this.unitScale.scale);
  }

  /**
   * Records and reads back one step on the current gradients, and checks the new weights
   * against the float64 reference (first step from zero state only; call it first).
   */
  async check(what: string): Promise<void> {
    if (this.optimizer.step !== 0) throw new Error(`${what}: BenchAdam.check must run before any other step`);
    const before = await this.model.arena.read('params');
    const grads = await this.model.arena.read('grads');
    this.record();
    const after = await this.model.arena.read('params');
    for (const [name, p] of Object.entries(before)) {
      const want = Float64Array.from(p);
      const zeros = () => new Float64Array(p.length);
      adamStepReference({ ...ADAM_DEFAULTS, lr: BENCH_LR }, 1, want, grads[name]!, zeros(), zeros());
      for (let i = 0; i < want.length; i++) {
        const got = after[name]![i]!;
        if (!(Math.abs(got - want[i]!) <= 1e-6 + 1e-5 * Math.abs(want[i]!))) throw new Error(`${what}: Adam step gives ${name}[${i}] = ${got} but the reference gives ${want[i]}`);
      }
    }
  }

  destroy(): void {
    this.optimizer.destroy();
    this.unitScale.destroy();
  }
}
