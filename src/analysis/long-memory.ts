// long-memory.ts — experiment (b) of gradient norms through time: RNN vs LSTM vs GRU on a
// physics task that needs memory. Each sequence is a randomly forced, damped oscillator
//   x'' + c x' + k x = σ ξ(t)   (k 1, c 0.5, σ 1, ξ white noise; x0 ~ U(−1, 1), v0 = 0)
// observed as x_t every dt = 0.1 for T samples; the model reads the whole sequence and must
// output x0 at the end. The forcing hides x0 from the late samples (its trace decays like
// e^{−c t/2}), so the first input has to be carried for T steps. Reported per cell and T: the
// test error (MSE / Var x0: 1 = predicting the mean) and ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ on the test
// batch, at initialisation and after training.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { RecurrentModel, type CellType, type ModelConfig } from '../model';
import { GpuOptimizer, GradClipper, optimizerConfig } from '../kernels/optim';
import { Random } from '../util/random';
import { requireInteger, requireNumber } from '../util/check';

/** Settings (defaults in brackets). */
export interface LongMemoryOptions {
  /** Sequence lengths T [10, 25, 50, 100, 200]. */
  lengths?: readonly number[];
  /** Cells ['rnn_tanh', 'lstm', 'gru']. */
  cells?: readonly CellType[];
  /** H [32], Adam steps [300], batch [32], lr [3e-3], train / test sequences [512 / 256], seed [1]. */
  hidden?: number;
  /** Adam steps per (cell, T) [300]. */
  iterations?: number;
  /** Sequences per training batch [32]. */
  batch?: number;
  /** Adam learning rate [3e-3] (gradients clipped to norm 1). */
  lr?: number;
  /** Training sequences [512]. */
  train?: number;
  /** Test sequences (one batch) [256]. */
  test?: number;
  /** Seed of the data and the initialisation [1]. */
  seed?: number;
  /** Called after each (cell, T) with its row. */
  onRow?: (row: LongMemoryRow) => void;
}

/** One (cell, T) of the experiment. */
export interface LongMemoryRow {
  /** The cell. */
  cell: CellType;
  /** T: samples read. */
  steps: number;
  /** Test MSE / Var(x0) after training. */
  testError: number;
  /** ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ (batch means) at initialisation and after training. */
  ratioInit: number;
  /** ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ after training (0 when ‖∂L/∂h₁‖ underflowed float32). */
  ratioTrained: number;
  /** ‖∂L/∂h_t‖, t = 1..T, after training. */
  norms: number[];
}

/** The data set: x [N, T, 1] (positions), y [N, 1] = x0. Host float64, rounded to float32. */
export function longMemoryData(count: number, steps: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const [k, c, sigma, dt, sub] = [1, 0.5, 1, 0.1, 10];
  const h = dt / sub;
  const x = new Float32Array(count * steps);
  const y = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    let pos = rng.uniform(-1, 1);
    let vel = 0;
    y[n] = pos;
    for (let t = 0; t < steps; t++) {
      x[n * steps + t] = pos;
      for (let s = 0; s < sub; s++) { // semi-implicit Euler–Maruyama
        vel += (-k * pos - c * vel) * h + sigma * Math.sqrt(h) * rng.normal();
        pos += vel * h;
      }
    }
  }
  return { x, y };
}

function batches(sched: Scheduler, data: { x: Float32Array; y: Float32Array }, T: number, B: number, label: string): { x: GpuTensor; y: GpuTensor }[] {
  const count = Math.floor(data.y.length / B);
  return Array.from({ length: count }, (_, i) => ({
    x: sched.createTensor([B, T, 1], 'f32', `${label} x${i}`, data.x.subarray(i * B * T, (i + 1) * B * T)),
    y: sched.createTensor([B, 1], 'f32', `${label} y${i}`, data.y.subarray(i * B, (i + 1) * B)),
  }));
}

/** Test MSE and the h₁ / h_T gradient ratio of the model on one batch. */
async function measure(sched: Scheduler, model: RecurrentModel, b: { x: GpuTensor; y: GpuTensor }, T: number): Promise<{ mse: number; ratio: number; norms: number[] }> {
  model.forward(b.x);
  const { loss, gradNorms } = model.lossAndBackward({ kind: 'mse', target: b.y }, { gradNorms: true });
  const [l, n] = (await sched.readMany([loss, gradNorms!])) as Float32Array[];
  const norms = [...n!.subarray(0, T)];
  return { mse: l![0]!, ratio: norms[0]! / norms[T - 1]!, norms };
}

async function runOne(sched: Scheduler, cell: CellType, T: number, o: Required<Omit<LongMemoryOptions, 'onRow' | 'lengths' | 'cells'>>): Promise<LongMemoryRow> {
  const config: ModelConfig = { cell, inputSize: 1, hiddenSize: o.hidden, numLayers: 1, outputSize: 1, head: 'last-step' };
  const model = await RecurrentModel.create(sched, config, { seed: o.seed });
  const opt = new GpuOptimizer(sched, model.arena, optimizerConfig('adam'));
  const clip = new GradClipper(sched, model.arena.grads, model.arena.floats, 1);
  await Promise.all([opt.prepare(), clip.prepare()]);
  const train = batches(sched, longMemoryData(o.train, T, o.seed), T, o.batch, 'train');
  const testData = longMemoryData(o.test, T, o.seed + 1000);
  const test = batches(sched, testData, T, o.test, 'test')[0]!;
  const variance = testData.y.reduce((a, v) => a + v * v, 0) / o.test - (testData.y.reduce((a, v) => a + v, 0) / o.test) ** 2;
  try {
    const init = await measure(sched, model, test, T);
    for (let i = 0; i < o.iterations; i++) {
      const b = train[i % train.length]!;
      model.forward(b.x);
      model.lossAndBackward({ kind: 'mse', target: b.y });
      clip.record();
      opt.record(o.lr, clip.scale);
      if (i % 50 === 49) await sched.flush();
    }
    const done = await measure(sched, model, test, T);
    return { cell, steps: T, testError: done.mse / variance, ratioInit: init.ratio, ratioTrained: done.ratio, norms: done.norms };
  } finally {
    sched.submit();
    for (const b of [...train, test]) {
      sched.destroyBuffer(b.x.buffer);
      sched.destroyBuffer(b.y.buffer);
    }
    opt.destroy();
    clip.destroy();
    model.destroy();
  }
}

/** Runs every (cell, T) on the GPU; see the file comment. */
export async function longMemoryExperiment(sched: Scheduler, o: LongMemoryOptions = {}): Promise<LongMemoryRow[]> {
  const lengths = o.lengths ?? [10, 25, 50, 100, 200];
  lengths.forEach((T, i) => requireInteger(`longMemory: lengths[${i}]`, T, { min: 2 }));
  const settings = {
    hidden: requireInteger('longMemory: hidden', o.hidden ?? 32, { min: 1 }),
    iterations: requireInteger('longMemory: iterations', o.iterations ?? 300, { min: 1 }),
    batch: requireInteger('longMemory: batch', o.batch ?? 32, { min: 1 }),
    lr: requireNumber('longMemory: lr', o.lr ?? 3e-3, { min: 0 }),
    train: requireInteger('longMemory: train', o.train ?? 512, { min: 1 }),
    test: requireInteger('longMemory: test', o.test ?? 256, { min: 2 }),
    seed: requireInteger('longMemory: seed', o.seed ?? 1, { min: 0 }),
  };
  if (settings.train < settings.batch) throw new Error(`longMemory: train (${settings.train}) must be at least batch (${settings.batch})`);
  const rows: LongMemoryRow[] = [];
  for (const cell of o.cells ?? (['rnn_tanh', 'lstm', 'gru'] as const)) {
    for (const T of lengths) {
      const row = await runOne(sched, cell, T, settings);
      rows.push(row);
      o.onRow?.(row);
    }
  }
  return rows;
}
