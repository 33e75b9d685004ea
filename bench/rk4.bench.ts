// rk4.bench.ts — oscillator-steps per second of shaders/rk4.wgsl for N = 1e3 … 1e6, against
// the float64 reference and a tuned single-threaded float32 JavaScript loop, all timed in
// the same run on the same workload: random driven damped oscillators, RK4, dt = 0.01,
// 1000 steps, x recorded every 10th step. Validates the GPU and the JS peer against the
// float64 reference before timing anything. Besides wall-clock time, rows note the CPU time
// per run of the threads doing the work (Linux): on lavapipe that is its worker threads, and
// it does not grow when other processes compete for the cores, so vs_js_by_cpu (JS CPU time
// ÷ lavapipe CPU time per core) estimates the uncontended ratio on a shared machine.
//   rk4/N                the integrator: every dispatch of the run on GPU-resident buffers
//                        (params uploaded, output allocated beforehand), until the GPU is done
//   peer/js/rk4/N        bench/js-rk4.ts on one thread, likewise into a preallocated array
//   simulate/rk4/N       simulate() end to end: validation, packing, upload, a fresh output
//                        buffer, every dispatch, GPU done (host_ms: until simulate() returns)
//   reference/f64/rk4/N  src/reference/rk4.ts (N ≤ 1e4: it is slow)
// Where the adapter has timestamp queries, rk4/N also notes gpu_ms: the GPU-measured time of
// the run's compute passes (median of 3), without submit and wait overheads.
import type { Scheduler } from '../src/gpu/scheduler';
import { STORAGE_RW } from '../src/gpu/flags';
import { simulate } from '../src/physics/simulate';
import { planSimulation } from '../src/physics/simulate-plan';
import { buildEnsemble } from '../src/physics/ensemble';
import { recordRk4Chunk, rk4Kernel, rk4Layout } from '../src/kernels/rk4';
import { packOscillatorParams } from '../src/physics/pack';
import { simulateReference } from '../src/physics/simulate-reference';
import { type OscillatorColumns } from '../src/physics/oscillator';
import { jsRk4Float32 } from './js-rk4';
import { summarize, timeGpuRuns, timeRuns, type BenchRow } from './stats';
import { coreCount, cpuSince, cpuSnapshot, type CpuUsed } from './cpu-time';
import { medianGpuMs } from '../src/gpu/timestamps';

export interface Rk4BenchOptions {
  /** Fewer repetitions (the sizes stay 1e3 … 1e6). */
  quick?: boolean;
  /** Override the oscillator counts. */
  sizes?: readonly number[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

const WORKLOAD = { dt: 0.01, steps: 1000, recordEvery: 10, integrator: 'rk4' as const };
const REFERENCE_MAX_N = 1e4;

export async function benchRk4(sched: Scheduler, opts: Rk4BenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const sizes = opts.sizes ?? [1e3, 1e4, 1e5, 1e6];
  await sched.prepare(rk4Kernel);
  await validate(sched);
  log('rk4: GPU and JS peer match the float64 reference; timing');
  const rows: BenchRow[] = [];
  const cores = coreCount();
  for (const n of sizes) {
    const params = oscillators(n);
    const label = sizeLabel(n);
    const work = n * WORKLOAD.steps;
    const notes = { N: n, steps: WORKLOAD.steps, recordEvery: WORKLOAD.recordEvery };
    const kernel = await timeKernel(sched, params, opts.quick);
    const jsRun = timeJs(params, n, opts.quick);
    const byCpu: Record<string, number> = kernel.cpu && jsRun.cpu && cores ? { vs_js_by_cpu: round(jsRun.cpu.mainMs / (kernel.cpu.otherMs / cores)) } : {};
    const gpuMs: Record<string, number> = kernel.gpuMs === null ? {} : { gpu_ms: round(kernel.gpuMs) };
    const gpuRow = summarize(`rk4/${label}`, kernel.times, 'oscillator-steps/s', work, { ...notes, ...cpuNotes(kernel.cpu, 'other'), ...byCpu, ...gpuMs });
    gpuRow.notes = { ...gpuRow.notes, gbps: round(kernel.bytes / 1e9 / (gpuRow.median_ms / 1000)) };
    const js = summarize(`peer/js/rk4/${label}`, jsRun.times, 'oscillator-steps/s', work, { ...notes, ...cpuNotes(jsRun.cpu, 'main') });
    const whole = await timeSimulate(sched, params, opts.quick);
    rows.push(gpuRow, js, summarize(`simulate/rk4/${label}`, whole.times, 'oscillator-steps/s', work, { ...notes, host_ms: round(whole.hostMs) }));
    if (n <= REFERENCE_MAX_N) {
      const times = await timeRuns(() => void simulateReference({ params, ...WORKLOAD }), { warmup: 0, minRuns: 1, maxRuns: opts.quick ? 1 : 3, minMs: 0 });
      rows.push(summarize(`reference/f64/rk4/${label}`, times, 'oscillator-steps/s', work, notes));
    }
    const cpuText = byCpu.vs_js_by_cpu !== undefined ? ` (by CPU time: ${byCpu.vs_js_by_cpu}×)` : '';
    log(`rk4/${label}: ${gpuRow.throughput.toExponential(2)} oscillator-steps/s, ${round(gpuRow.throughput / js.throughput)}× the JS loop${cpuText}`);
  }
  return rows;
}

/** The benchmark's oscillators: every regime, forcing on. */
function oscillators(count: number): OscillatorColumns {
  return buildEnsemble({
    count,
    seed: 1,
    specs: { m: '0.5:2', c: '0:1', k: '0.5:3', F: '-1:1', omega: '0:3', phi: '-3:3', x0: '-1:1', v0: '-1:1' },
  });
}

/** GPU and JS peer against the float64 reference on 257 oscillators, before any timing. */
async function validate(sched: Scheduler): Promise<void> {
  const params = oscillators(257);
  const run = { params, dt: 0.01, steps: 400, recordEvery: 5, integrator: 'rk4' as const };
  const want = simulateReference(run);
  const trajectory = await simulate(sched, run);
  const gpu = await trajectory.read();
  trajectory.destroy();
  const js = new Float32Array(want.length);
  jsRk4Float32(packOscillatorParams(params), run.dt, run.steps, run.recordEvery, 0, js);
  for (const [name, got] of [['GPU', gpu], ['JS peer', js]] as const) {
    const err = maxRelativeError(got, want, want.length / params.count);
    if (!(err <= 1e-4)) throw new Error(`rk4 bench: ${name} does not match the float64 reference (relative error ${err}); not timing`);
  }
}

/** Largest |got - want| per oscillator, relative to that oscillator's largest |want|. */
function maxRelativeError(got: ArrayLike<number>, want: ArrayLike<number>, perOscillator: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i += perOscillator) {
    let err = 0;
    let scale = 0;
    for (let j = i; j < i + perOscillator; j++) {
      err = Math.max(err, Math.abs(got[j]! - want[j]!));
      scale = Math.max(scale, Math.abs(want[j]!));
    }
    worst = Math.max(worst, err / scale);
  }
  return worst;
}

async function timeSimulate(sched: Scheduler, params: OscillatorColumns, quick?: boolean): Promise<{ times: number[]; hostMs: number }> {
  const host: number[] = [];
  const times = await timeGpuRuns(sched, async () => {
    const start = performance.now();
    const trajectory = await simulate(sched, { params, ...WORKLOAD });
    host.push(performance.now() - start);
    await sched.flush();
    trajectory.destroy();
  }, { warmup: 1, minRuns: quick ? 3 : 5, maxRuns: 20, minMs: quick ? 200 : 1000 });
  host.sort((a, b) => a - b);
  return { times, hostMs: host[Math.floor(host.length / 2)]! };
}

/** The same dispatches simulate() records, on buffers allocated and filled once. */
async function timeKernel(sched: Scheduler, params: OscillatorColumns, quick?: boolean): Promise<Timed & { gpuMs: number | null; bytes: number }> {
  const count = params.count;
  const samples = WORKLOAD.steps / WORKLOAD.recordEvery + 1;
  const { paramBytes, stateBytes } = rk4Layout();
  const plan = planSimulation({ count, samples, recordEvery: WORKLOAD.recordEvery, velocity: false, paramBytes, stateBytes }, sched.device.limits);
  const paramsBuffer = sched.createBuffer(paramBytes * count, STORAGE_RW, 'bench params');
  const state = sched.createBuffer(stateBytes * count, STORAGE_RW, 'bench state');
  const out = sched.createBuffer(plan.outputBytes, STORAGE_RW, 'bench out');
  sched.upload({ buffer: paramsBuffer, offset: 0, shape: [count, paramBytes / 4], dtype: 'f32', label: 'bench params' }, packOscillatorParams(params));
  const slice = (buffer: GPUBuffer, first: number, n: number, bytes: number) => ({ buffer, offset: first * bytes, size: n * bytes });
  const record = () => {
    for (const chunk of plan.chunks) {
      for (const g of plan.groups) {
        recordRk4Chunk(sched, {
          ...WORKLOAD, count: g.count, samples, velocity: false, stepBegin: chunk.begin, stepEnd: chunk.end,
          params: slice(paramsBuffer, g.first, g.count, paramBytes), state: slice(state, g.first, g.count, stateBytes),
          out: slice(out, g.first, g.count, plan.outputBytesPerOscillator),
        });
      }
    }
  };
  const run = async () => {
    record();
    await sched.flush();
  };
  sched.resetWaitEstimate(); // before the warm-up, which then teaches the scheduler this run's wait
  await run(); // warm-up (outside the CPU-time window)
  const before = cpuSnapshot();
  const times = await timeRuns(run, { warmup: 0, minRuns: quick ? 3 : 5, maxRuns: 20, minMs: quick ? 200 : 1000 });
  const cpu = perRun(cpuSince(before, cpuSnapshot()), times.length);
  const gpuMs = await medianGpuMs(sched, record, 3);
  for (const b of [paramsBuffer, state, out]) sched.destroyBuffer(b);
  // Memory traffic of one run: the trajectory written once; per chunk, parameters read and the state read and written.
  const bytes = plan.outputBytes + plan.chunks.length * count * (32 + 2 * 8);
  return { times, cpu, gpuMs, bytes };
}

function timeJs(params: OscillatorColumns, count: number, quick?: boolean): Timed {
  const packed = packOscillatorParams(params);
  const out = new Float32Array(count * (WORKLOAD.steps / WORKLOAD.recordEvery + 1));
  const runs = count >= 1e5 ? (quick ? 1 : 3) : quick ? 3 : 5;
  const times: number[] = [];
  const before = cpuSnapshot();
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    jsRk4Float32(packed, WORKLOAD.dt, WORKLOAD.steps, WORKLOAD.recordEvery, 0, out);
    times.push(performance.now() - start);
  }
  return { times, cpu: perRun(cpuSince(before, cpuSnapshot()), runs) };
}

/** Wall-clock times per run, and CPU used per run (null where it cannot be measured). */
interface Timed {
  times: number[];
  cpu: CpuUsed | null;
}

function perRun(used: CpuUsed | null, runs: number): CpuUsed | null {
  return used && { mainMs: used.mainMs / runs, otherMs: used.otherMs / runs, otherThreads: used.otherThreads };
}

/** CPU notes of a row: the main thread's, or the other (lavapipe worker) threads'. */
function cpuNotes(cpu: CpuUsed | null, which: 'main' | 'other'): Record<string, number> {
  if (!cpu) return {};
  return which === 'main' ? { cpu_ms: round(cpu.mainMs) } : { cpu_ms: round(cpu.otherMs), threads: cpu.otherThreads };
}

function sizeLabel(n: number): string {
  const exp = Math.log10(n);
  return Number.isInteger(exp) ? `1e${exp}` : String(n);
}

function round(x: number): number {
  return Number(x.toPrecision(3));
}
