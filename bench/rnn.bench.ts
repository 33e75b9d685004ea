// rnn.bench.ts — forward and training-step (forward + MSE + BPTT to the parameters + Adam) times
// of the fused recurrent kernels on the lectures' configuration ("seed": B 32, T 50, I 1, H 64, 2
// layers, head on the last step) for RNN, LSTM and GRU, and on "large" (B 256, T 50, I 1, H 128,
// 1-layer LSTM); both time-loop variants; an unfused op-by-op LSTM (bench/unfused-lstm.ts) in the
// same run; dispatches and submits per step; achieved GFLOP/s against this adapter's measured
// matmul rate (ceiling/matmul). Every configuration is validated against the float64 reference
// before anything is timed ("all results match, starting benchmarks"). Where the adapter has
// timestamp queries, rows note gpu_ms: the GPU-measured time of the step's compute passes (median
// of 3). `tiny` (browser tests) runs only B 4, T 8, H 16, 1 layer. "mnist-rows" is the first
// lecture's MNIST LSTM (B 64, 28 steps of 28 pixels, H 128 → 10 classes, cross-entropy), the row
// the PyTorch peer's MNIST_ROWS_WORKLOAD pairs with.
import type { Scheduler } from '../src/gpu/scheduler';
import type { GpuTensor } from '../src/gpu/tensor';
import { RecurrentModel, cellSpec, type CellType, type ModelConfig } from '../src/model';
import { referenceConfig } from '../src/model/config';
import type { RecurrentVariant } from '../src/kernels/recurrent';
import { gemm, gemmKernelsFor } from '../src/kernels/gemm';
import { gemmReference } from '../src/reference/gemm';
import { paramsToFloat64, recurrentBackward, recurrentForward } from '../src/reference/recurrent';
import { evaluateLoss } from '../src/reference/losses';

import { Random } from '../src/util/random';
import { UnfusedLstm } from './unfused-lstm';
import { medianGpuMs } from '../src/gpu/timestamps';
import { summarize, timeGpuRuns, timeRuns, type BenchRow } from './stats';
import { BenchAdam } from './adam-step';
import { timeInterleaved } from './interleave';
import { KERNEL_PATHS, subgroupWidth, type KernelPath } from '../src/gpu/subgroups';

export interface RnnBenchOptions {
  quick?: boolean;
  /** Only the 'tiny' shape (B 4, T 8, H 16, 1 layer) for each cell and a 64³ matmul: seconds on a software adapter. */
  tiny?: boolean;
  log?: (line: string) => void;
  notes?: string[];
}

interface Shape {
  name: 'seed' | 'large' | 'tiny' | 'mnist-rows';
  batch: number;
  seqLen: number;
  hidden: number;
  layers: number;
  /** Features per step (default 1) and classes of a cross-entropy head (default none: one output, MSE). */
  inputSize?: number;
  classes?: number;
  /** Shorter sequence for the float64 validation (same kernels and tiles). */
  validateSeqLen: number;
}

const SEED: Shape = { name: 'seed', batch: 32, seqLen: 50, hidden: 64, layers: 2, validateSeqLen: 12 };
const LARGE: Shape = { name: 'large', batch: 256, seqLen: 50, hidden: 128, layers: 1, validateSeqLen: 3 };
const TINY: Shape = { name: 'tiny', batch: 4, seqLen: 8, hidden: 16, layers: 1, validateSeqLen: 4 };
const MNIST_ROWS: Shape = { name: 'mnist-rows', batch: 64, seqLen: 28, hidden: 128, layers: 1, validateSeqLen: 4, inputSize: 28, classes: 10 };
const CELLS: [string, CellType][] = [['rnn', 'rnn_tanh'], ['lstm', 'lstm'], ['gru', 'gru']];

function configOf(cell: CellType, s: Shape): ModelConfig {
  return { cell, inputSize: s.inputSize ?? 1, hiddenSize: s.hidden, numLayers: s.layers, outputSize: s.classes ?? 1, head: 'last-step' };
}

/** Multiply-adds × 2 of one forward, and of forward + backward, as the kernels compute them. */
export function recurrentFlops(config: ModelConfig, batch: number, seqLen: number): { forward: number; train: number } {
  const G = cellSpec(config.cell).gates;
  const { hiddenSize: H, numLayers: L, inputSize: I } = config;
  const rows = batch * seqLen;
  let forward = 0;
  let backward = 0;
  for (let l = 0; l < L; l++) {
    const In = l === 0 ? I : H;
    forward += 2 * rows * G * H * (In + H); // input projection + recurrent product
    // dh recurrence, dW_hh, dW_ih, and d input for the layers above the first (a training step
    // has no d loss / d x: TRAINING below).
    backward += 2 * rows * G * H * (H + H + In + (l > 0 ? In : 0));
  }
  return { forward, train: forward + backward };
}

export async function benchRecurrent(sched: Scheduler, opts: RnnBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const matmul = await matmulCeiling(sched, opts.quick === true, opts.tiny === true);
  rows.push(matmul);
  const ceiling = matmul.throughput;
  if (opts.tiny) {
    for (const [stem, cell] of CELLS) rows.push(...(await benchModel(sched, stem, cell, TINY, ['auto'], ceiling, { ...opts, quick: true }, log)));
    return rows;
  }
  const variants: (RecurrentVariant | 'auto')[] = opts.quick ? ['auto'] : ['auto', 'step', 'persistent'];
  for (const [stem, cell] of CELLS) {
    rows.push(...(await benchModel(sched, stem, cell, SEED, variants, ceiling, opts, log)));
  }
  for (const [stem, cell] of CELLS) rows.push(...(await benchKernelPaths(sched, stem, cell, SEED, ceiling, opts, log)));
  rows.push(...(await benchUnfused(sched, SEED, ceiling, opts, log)));
  rows.push(...(await benchModel(sched, 'lstm', 'lstm', LARGE, opts.quick ? ['auto'] : ['auto', 'step', 'persistent'], ceiling, opts, log)));
  rows.push(...(await benchModel(sched, 'lstm', 'lstm', MNIST_ROWS, ['auto'], ceiling, opts, log)));
  return rows;
}

/** The adapter's matmul rate: the best of the gemm tiles on a 512³ (256³ quick, 64³ tiny) product. */
async function matmulCeiling(sched: Scheduler, quick: boolean, tiny: boolean): Promise<BenchRow> {
  await sched.prepare(...gemmKernelsFor('plain'));
  const n = tiny ? 64 : quick ? 256 : 512;
  const rng = new Random(42);
  const a = Float32Array.from({ length: n * n }, () => rng.normal());
  const b = Float32Array.from({ length: n * n }, () => rng.normal());
  const A = sched.createTensor([n, n], 'f32', 'ceiling A', a);
  const B = sched.createTensor([n, n], 'f32', 'ceiling B', b);
  const C = sched.createTensor([n, n], 'f32', 'ceiling C');
  try {
    let best: BenchRow | null = null;
    for (const tile of [{ rows: 16, wg: 16 }, { rows: 8, wg: 16 }, { rows: 16, wg: 64 }]) {
      const run = () => gemm(sched, { a: { tensor: A, rows: n, cols: n }, b: { tensor: B, rows: n, cols: n }, c: { tensor: C, rows: n, cols: n }, tile });
      run();
      const got = await sched.read(C);
      const want = gemmReference({ a: { data: a, rows: 8, cols: n }, b: { data: b, rows: n, cols: n }, c: { data: new Float64Array(8 * n), rows: 8, cols: n } });
      for (let i = 0; i < want.length; i++) {
        if (Math.abs(got[i]! - want[i]!) > 1e-3 * Math.sqrt(n)) throw new Error(`ceiling/matmul validation failed at ${i}: ${got[i]} vs ${want[i]}`);
      }
      const times = await timeGpuRuns(sched, async () => {
        run();
        await sched.flush();
      }, { warmup: 1, minRuns: 3, minMs: quick ? 100 : 400 });
      const row = summarize('ceiling/matmul', times, 'GFLOP/s', (2 * n * n * n) / 1e9, { n, tile: `${tile.rows}x${tile.wg}` });
      if (!best || row.throughput > best.throughput) best = row;
    }
    return best!;
  } finally {
    for (const t of [A, B, C]) sched.destroyBuffer(t.buffer);
  }
}

interface Inputs {
  x: GpuTensor;
  /** [B, 1] f32 targets, or [B] u32 labels (a shape with classes). */
  y: GpuTensor;
  xs: Float32Array;
  ys: Float32Array | Uint32Array;
}

function makeInputs(sched: Scheduler, s: Shape, seqLen: number, seed: number): Inputs {
  const rng = new Random(seed);
  const I = s.inputSize ?? 1;
  const xs = Float32Array.from({ length: s.batch * seqLen * I }, () => rng.normal());
  const x = sched.createTensor([s.batch, seqLen, I], 'f32', 'bench x', xs);
  if (s.classes) {
    const ys = Uint32Array.from({ length: s.batch }, () => rng.int(s.classes!));
    return { xs, ys, x, y: sched.createTensor([s.batch], 'u32', 'bench labels', ys) };
  }
  const ys = Float32Array.from({ length: s.batch }, () => rng.normal());
  return { xs, ys, x, y: sched.createTensor([s.batch, 1], 'f32', 'bench y', ys) };
}

/** A training step's backward: the parameters' gradients only, as the trainer records it (and the peers: no input gradient). */
const TRAINING = { inputGradient: false } as const;

/** The loss target of a shape's inputs. */
function lossTarget(inputs: Inputs) {
  return inputs.y.dtype === 'u32' ? { kind: 'cross_entropy' as const, labels: inputs.y } : { kind: 'mse' as const, target: inputs.y };
}

function freeInputs(sched: Scheduler, i: Inputs): void {
  sched.destroyBuffer(i.x.buffer);
  sched.destroyBuffer(i.y.buffer);
}

/** Checks out, loss and every gradient of one training step against the float64 reference. */
function checkAgainstReference(what: string, config: ModelConfig, params: Record<string, Float32Array>, inputs: Inputs, batch: number, seqLen: number, got: { out: ArrayLike<number>; loss: number; grads: Record<string, Float32Array> }): void {
  const rc = referenceConfig(config);
  const p64 = paramsToFloat64(params);
  const fwd = recurrentForward(rc, p64, { x: Float64Array.from(inputs.xs), batch, seqLen });
  const target = inputs.ys instanceof Uint32Array ? { kind: 'cross_entropy' as const, labels: inputs.ys } : { kind: 'mse' as const, target: Float64Array.from(inputs.ys) };
  const { loss, dOut } = evaluateLoss(fwd.out, config.outputSize, target);
  const grads = recurrentBackward(rc, p64, fwd, dOut);
  for (let i = 0; i < fwd.out.length; i++) {
    if (!(Math.abs(got.out[i]! - fwd.out[i]!) <= 1e-5 + 1e-4 * Math.abs(fwd.out[i]!))) throw new Error(`${what}: out[${i}] = ${got.out[i]} but the reference gives ${fwd.out[i]}`);
  }
  if (!(Math.abs(got.loss - loss) <= 1e-5 + 1e-4 * Math.abs(loss))) throw new Error(`${what}: loss ${got.loss} but the reference gives ${loss}`);
  for (const [name, want] of Object.entries(grads.params)) {
    const g = got.grads[name]!;
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(g[i]! - want[i]!));
      scale = Math.max(scale, Math.abs(want[i]!));
    }
    if (!(diff <= 1e-4 * scale)) throw new Error(`${what}: gradient ${name} is off by ${diff} (max |grad| ${scale})`);
  }
}

/** Checks forward, loss and gradients, then the Adam step on those gradients. */
async function validateModel(sched: Scheduler, model: RecurrentModel, adam: BenchAdam, s: Shape, what: string): Promise<void> {
  const inputs = makeInputs(sched, s, s.validateSeqLen, 7);
  try {
    const fwd = model.forward(inputs.x);
    const { loss } = model.lossAndBackward(lossTarget(inputs), TRAINING);
    const [out, lossValue] = (await sched.readMany([fwd.out, loss])) as Float32Array[];
    checkAgainstReference(what, model.config, await model.getParameters(), inputs, s.batch, s.validateSeqLen, { out: out!, loss: lossValue![0]!, grads: await model.getGradients() });
    await adam.check(what);
  } finally {
    freeInputs(sched, inputs);
  }
}

interface Timed {
  times: number[];
  dispatches: number;
  submits: number;
  /** CPU ms per run of every thread but the JS one (the software adapter's work), or null. */
  workerCpuMs: number | null;
  /** GPU-measured ms of one run's compute passes (timestamp queries), or null. */
  gpuMs: number | null;
}

/**
 * CPU milliseconds so far of every thread of this process except the JS thread, from Linux
 * /proc (null elsewhere). On a software adapter that is the kernels' work, which — unlike wall
 * time — other processes on a shared machine barely change.
 */
function workerCpuMs(): number | null {
  const getModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; pid?: number } }).process;
  const fs = getModule?.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs || !getModule?.pid) return null;
  try {
    let total = 0;
    for (const tid of fs.readdirSync('/proc/self/task')) {
      if (tid === String(getModule.pid)) continue;
      total += Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    }
    return total;
  } catch {
    return null;
  }
}

/**
 * Times `record` + one submit-and-wait per run; counts dispatches and submits per run.
 * (The scheduler itself sleeps through most of an expected wait in Node: see politeWait.)
 */
async function timeSteps(sched: Scheduler, record: () => void, quick: boolean, slow: boolean): Promise<Timed> {
  const opts = { warmup: slow ? 1 : 2, minRuns: slow || quick ? 3 : 7, minMs: quick ? 200 : 1000 };
  const run = async () => {
    record();
    await sched.flush();
  };
  sched.resetWaitEstimate(); // the last benchmark's waits say nothing about this one's
  for (let i = 0; i < opts.warmup; i++) await run();
  const d0 = sched.counters.dispatches;
  const s0 = sched.counters.submits;
  const c0 = workerCpuMs();
  let runs = 0;
  const times = await timeRuns(async () => {
    await run();
    runs++;
  }, { ...opts, warmup: 0 });
  const c1 = workerCpuMs();
  const dispatches = (sched.counters.dispatches - d0) / runs;
  const submits = (sched.counters.submits - s0) / runs;
  const gpuMs = await medianGpuMs(sched, record, 3); // after the counts: its runs are not timed ones
  return { gpuMs, times, dispatches, submits, workerCpuMs: c0 !== null && c1 !== null ? (c1 - c0) / runs : null };
}

function stepRow(name: string, t: Timed, flops: number, ceiling: number, notes: Record<string, number | string>): BenchRow {
  const cpu: Record<string, number> = t.workerCpuMs === null ? {} : { adapter_cpu_ms: +t.workerCpuMs.toFixed(1) };
  if (t.gpuMs !== null) cpu.gpu_ms = +t.gpuMs.toPrecision(3);
  const row = summarize(name, t.times, 'steps/s', 1, { ...notes, dispatches_per_step: t.dispatches, submits_per_step: t.submits, ...cpu });
  const gflops = flops / 1e9 / (row.median_ms / 1000);
  row.notes = { ...row.notes, gflop_per_step: +(flops / 1e9).toFixed(4), gflops: +gflops.toFixed(2), of_matmul: +(gflops / ceiling).toFixed(3) };
  return row;
}

async function benchModel(sched: Scheduler, stem: string, cell: CellType, s: Shape, variants: (RecurrentVariant | 'auto')[], ceiling: number, opts: RnnBenchOptions, log: (l: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const config = configOf(cell, s);
  const flops = recurrentFlops(config, s.batch, s.seqLen);
  for (const variant of variants) {
    const model = await RecurrentModel.create(sched, config, { seed: 1, variant });
    const adam = await BenchAdam.create(sched, model);
    const inputs = makeInputs(sched, s, s.seqLen, 3);
    try {
      const suffix = variant === 'auto' ? '' : `@${variant}`;
      await validateModel(sched, model, adam, s, `${stem}/${s.name}${suffix}`);
      log(`rnn bench: ${stem}/${s.name}${suffix} matches the float64 reference; timing`);
      const slow = s.name === 'large';
      const fwd = await timeSteps(sched, () => model.forward(inputs.x), opts.quick === true, slow);
      const train = await timeSteps(sched, () => {
        model.forward(inputs.x);
        model.lossAndBackward(lossTarget(inputs), TRAINING);
        adam.record();
      }, opts.quick === true, slow);
      const notes = { variant: variant === 'auto' ? `auto` : variant, B: s.batch, T: s.seqLen, H: s.hidden, L: s.layers, ...(s.classes ? { I: s.inputSize ?? 1, loss: `cross_entropy/${s.classes}` } : {}) };
      rows.push(stepRow(`forward/${stem}/${s.name}${suffix}`, fwd, flops.forward, ceiling, notes));
      rows.push(stepRow(`train_step/${stem}/${s.name}${suffix}`, train, flops.train, ceiling, { ...notes, optimizer: 'adam' }));
    } finally {
      freeInputs(sched, inputs);
      adam.destroy();
      model.destroy();
    }
  }
  return rows;
}

/**
 * The A/B of the kernel paths (src/gpu/subgroups.ts) on one shape: a model per path, each
 * validated, then training steps timed in alternating blocks (bench/interleave.ts) so both see
 * the same machine. Rows train_step/<stem>/<shape>@plain and @subgroups, the latter noting
 * its speed-up; none where the device has no subgroups.
 */
async function benchKernelPaths(sched: Scheduler, stem: string, cell: CellType, s: Shape, ceiling: number, opts: RnnBenchOptions, log: (l: string) => void): Promise<BenchRow[]> {
  if (subgroupWidth(sched) === null) return [];
  const config = configOf(cell, s);
  const inputs = makeInputs(sched, s, s.seqLen, 3);
  const made: { path: KernelPath; model: RecurrentModel; adam: BenchAdam }[] = [];
  try {
    for (const path of KERNEL_PATHS) {
      const model = await RecurrentModel.create(sched, config, { seed: 1, path });
      made.push({ path, model, adam: await BenchAdam.create(sched, model) });
      await validateModel(sched, model, made.at(-1)!.adam, s, `${stem}/${s.name}@${path}`);
    }
    log(`rnn bench: ${stem}/${s.name}@${KERNEL_PATHS.join('/@')} match the float64 reference; timing them interleaved`);
    const d0 = sched.counters.dispatches;
    made[0]!.model.forward(inputs.x);
    made[0]!.model.lossAndBackward(lossTarget(inputs), TRAINING);
    made[0]!.adam.record();
    await sched.flush();
    const dispatches = sched.counters.dispatches - d0;
    const timed = await timeInterleaved(sched, Object.fromEntries(made.map(({ path, model, adam }) => [path, () => {
      model.forward(inputs.x);
      model.lossAndBackward(lossTarget(inputs), TRAINING);
      adam.record();
    }])), opts.quick ? { minRuns: 3, minMs: 300 } : {});
    const flops = recurrentFlops(config, s.batch, s.seqLen).train;
    const rows = made.map(({ path }) => stepRow(`train_step/${stem}/${s.name}@${path}`, { ...timed[path]!, dispatches, submits: 1, gpuMs: null }, flops, ceiling, {
      path, interleaved: 'yes', B: s.batch, T: s.seqLen, H: s.hidden, L: s.layers, optimizer: 'adam',
    }));
    const plain = rows[0]!;
    const cpu = (r: BenchRow) => r.notes?.adapter_cpu_ms;
    for (const r of rows.slice(1)) {
      const c0 = cpu(plain);
      const c1 = cpu(r);
      const cpuSpeedup: Record<string, number> = typeof c0 === 'number' && typeof c1 === 'number' && c1 > 0 ? { cpu_speedup_vs_plain: +(c0 / c1).toFixed(2) } : {};
      r.notes = { ...r.notes, speedup_vs_plain: +(plain.median_ms / r.median_ms).toFixed(2), ...cpuSpeedup };
    }
    return rows;
  } finally {
    freeInputs(sched, inputs);
    for (const m of made) {
      m.adam.destroy();
      m.model.destroy();
    }
  }
}

async function benchUnfused(sched: Scheduler, s: Shape, ceiling: number, opts: RnnBenchOptions, log: (l: string) => void): Promise<BenchRow[]> {
  const config = configOf('lstm', s);
  const flops = recurrentFlops(config, s.batch, s.seqLen);
  await UnfusedLstm.prepare(sched);
  const model = await RecurrentModel.create(sched, config, { seed: 1 });
  const adam = await BenchAdam.create(sched, model);
  const check = new UnfusedLstm(sched, model, s.batch, s.validateSeqLen);
  const unfused = new UnfusedLstm(sched, model, s.batch, s.seqLen);
  const inputs = makeInputs(sched, s, s.seqLen, 3);
  const vin = makeInputs(sched, s, s.validateSeqLen, 7);
  try {
    const out = check.forward(vin.x);
    check.lossAndBackward(vin.y);
    const [o, l] = (await sched.readMany([out, check.loss])) as Float32Array[];
    checkAgainstReference('lstm/seed/unfused', config, await model.getParameters(), vin, s.batch, s.validateSeqLen, { out: o!, loss: l![0]!, grads: await model.getGradients() });
    await adam.check('lstm/seed/unfused');
    log('rnn bench: lstm/seed/unfused matches the float64 reference; timing');
    const fwd = await timeSteps(sched, () => unfused.forward(inputs.x), opts.quick === true, false);
    const train = await timeSteps(sched, () => {
      unfused.forward(inputs.x);
      unfused.lossAndBackward(inputs.y);
      adam.record();
    }, opts.quick === true, false);
    const notes = { variant: 'unfused', B: s.batch, T: s.seqLen, H: s.hidden, L: s.layers };
    return [
      stepRow(`forward/lstm/${s.name}/unfused`, fwd, flops.forward, ceiling, notes),
      stepRow(`train_step/lstm/${s.name}/unfused`, train, flops.train, ceiling, { ...notes, optimizer: 'adam' }),
    ];
  } finally {
    check.destroy();
    unfused.destroy();
    freeInputs(sched, inputs);
    freeInputs(sched, vin);
    adam.destroy();
    model.destroy();
  }
}
