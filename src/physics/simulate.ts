// simulate.ts — batched oscillator integration on the GPU. simulate() validates everything
// (options, float32 range, device limits) before any GPU work, then records the whole run —
// chunks of steps × groups of oscillators (src/physics/simulate-plan.ts), state carried in
// a [N, 2] buffer between chunks — and submits it once. The result stays on the GPU:
// Trajectory.tensor is [N, S] f32 of x, or [N, S, 2] of (x, v), ready for training
// kernels; read() copies it to the host. Mirrors simulateReference (simulate-reference.ts).
// With keepState the trajectory also keeps its final state [N, 2] and the packed parameters
// on the GPU, and simulate(sched, { from: trajectory, ... }) continues it without uploading
// parameters again (see ContinueOptions).
import type { Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import { describeValue } from '../util/check';
import { numel, type GpuTensor } from '../gpu/tensor';
import { STORAGE_RW } from '../gpu/flags';
import { recordRk4Chunk, rk4Kernel, rk4Layout } from '../kernels/rk4';
import { F32_MAX, F32_MIN_NORMAL, packOscillatorParams } from './pack';
import type { Integrator, SimulationOptions } from './oscillator';
import { validateRunOptions, validateSimulation } from './validate';
import {
  planSimulation,
  type PlanOptions,
  type SimulationPlan,
  type StepChunk,
} from './simulate-plan';

export interface SimulateOptions extends SimulationOptions, PlanOptions {
  /**
   * Called after each chunk of steps has finished on the GPU with the oscillator-steps done
   * so far and in all. Giving it makes the run wait for the GPU chunk by chunk.
   */
  onProgress?: (done: number, total: number) => void;
  /** Label of the output buffer (default 'trajectory'). */
  label?: string;
  /**
   * Keep the final state and the packed parameters on the GPU (Trajectory.finalState) until
   * destroy(), so that the run can be continued. Default false (they are scratch).
   */
  keepState?: boolean;
}

/**
 * Continues `from` (run with keepState): the same oscillators from its final state, without
 * uploading parameters; t0 = from.t0 + from.steps · from.dt, and sample 0 is from's last
 * state. integrator, dt, recordEvery and velocity may differ from from's. The kernel takes
 * the time of step n as (time since the parameters were packed) + n · dt in float32, the
 * first term rounded once per run: bit-identical to one longer run when those times are
 * exact in float32 (dt a power of two, moderate step counts), else equal to float32 rounding.
 */
export interface ContinueOptions extends Omit<SimulateOptions, 'params' | 't0'> {
  /** The run to continue (simulated with keepState: true). */
  from: Trajectory;
}

/** Oscillators [first, first + count) of a trajectory, as one bindable byte range. */
export interface TrajectorySlice {
  /** Index of the slice's first oscillator. */
  first: number;
  /** Oscillators in the slice. */
  count: number;
  /** The slice's byte range of the trajectory buffer, bindable as one storage binding. */
  binding: { buffer: GPUBuffer; offset: number; size: number };
}

/** A GPU-resident simulation result. */
export interface Trajectory {
  /** [N, S] f32 of x, or [N, S, 2] of interleaved (x, v) when `velocity`. */
  readonly tensor: GpuTensor;
  /** N, oscillators. */
  readonly count: number;
  /** S = floor(steps / recordEvery) + 1 samples; sample s is at t0 + s · recordEvery · dt. */
  readonly samples: number;
  /** Whether v is recorded too (layout [N, S, 2]). */
  readonly velocity: boolean;
  /** The integrator used. */
  readonly integrator: Integrator;
  /** Time step, in the time units of the parameters. */
  readonly dt: number;
  /** Time of sample 0. */
  readonly t0: number;
  /** Steps between recorded samples. */
  readonly recordEvery: number;
  /** Steps integrated, (S - 1) · recordEvery; the final state is at t0 + steps · dt. */
  readonly steps: number;
  /** [N, 2] f32 (x, v) after the last step, with keepState (else null); freed by destroy(). */
  readonly finalState: GpuTensor | null;
  /**
   * Oscillator ranges that each fit one storage binding (one slice unless N · S is large:
   * then `tensor` as a whole exceeds maxStorageBufferBindingSize and kernels bind slices).
   */
  readonly slices: readonly TrajectorySlice[];
  /** Copies the trajectory to the host: [N, S] or [N, S, 2] row-major. Throws `Trajectory.read() after destroy()`. */
  read(): Promise<Float32Array>;
  /** Frees the GPU buffer (and, with keepState, the state; the parameters once no run uses them). Idempotent. */
  destroy(): void;
  /** True after destroy(), or once its scheduler or context is gone. */
  readonly destroyed: boolean;
  /** Alive until destroy() and while its scheduler is; a Forecaster built on it depends on it. */
  readonly lifetime: Lifetime;
}

/**
 * Checks options and device limits (throwing an Error that names the parameter), then
 * records and submits the run, or continues `from` (ContinueOptions). Resolves once the work
 * is submitted (read() waits for it), or, with onProgress, once it has finished.
 */
export async function simulate(sched: Scheduler, opts: SimulateOptions | ContinueOptions): Promise<Trajectory> {
  Lifetime.require('simulate()', [sched.lifetime]);
  if (typeof opts !== 'object' || opts === null) throw new Error(`simulate: options must be an object { params, dt, steps, recordEvery, integrator }, got ${describeValue(opts)}`);
  const from = 'from' in opts && opts.from !== undefined ? continuedRun(sched, opts.from) : null;
  const t0 = from ? from.t0 + from.steps * from.dt : ((opts as SimulateOptions).t0 ?? 0);
  const { count, samples } = from
    ? { count: from.count, samples: validateRunOptions({ ...opts, t0 }) }
    : validateSimulation(opts as SimulateOptions);
  const run: RunOpts = { ...opts, t0, clock: from ? from.clock + from.steps * from.dt : 0 };
  checkFloat32Time(run);
  const velocity = opts.velocity ?? false;
  const { paramBytes, stateBytes } = rk4Layout();
  const plan = planSimulation({ count, samples, recordEvery: opts.recordEvery, velocity, paramBytes, stateBytes }, sched.device.limits, opts);
  const packed = from ? null : packOscillatorParams((opts as SimulateOptions).params, t0); // [N, 8]
  await sched.prepare(rk4Kernel);

  const label = opts.label ?? 'trajectory';
  const outBuffer = sched.createBuffer(plan.outputBytes, STORAGE_RW, label);
  const params = from ? from.params : { buffer: sched.pool.acquire(count * paramBytes, STORAGE_RW), users: 0 };
  params.users++;
  const buffers: RunBuffers = { out: outBuffer, params: params.buffer, state: sched.pool.acquire(count * stateBytes, STORAGE_RW) };
  const kept: KeptState = { params, state: buffers.state, clock: run.clock };
  // Scratch goes back to the pool before the submit that last uses it (reused after it completes).
  const releaseScratch = () => releaseKept(sched, kept);
  const total = plan.totalSteps * count;
  try {
    if (packed) sched.upload({ buffer: buffers.params, offset: 0, shape: [count, paramBytes / 4], dtype: 'f32', label: 'oscillator params' }, packed);
    if (from) sched.copy(from.finalState, range(buffers.state, 0, count, stateBytes));
    for (const [index, chunk] of plan.chunks.entries()) {
      recordChunk(sched, run, plan, chunk, buffers, samples, from !== null);
      if (opts.onProgress && index < plan.chunks.length - 1) {
        await sched.flush();
        opts.onProgress(chunk.end * count, total);
      }
    }
  } catch (e) {
    sched.discard();
    releaseScratch();
    sched.destroyBuffer(outBuffer);
    throw e;
  }
  if (!opts.keepState) releaseScratch();
  if (opts.onProgress) {
    await sched.flush();
    opts.onProgress(total, total);
  } else sched.submit();
  return makeTrajectory(sched, run, plan, outBuffer, samples, label, opts.keepState ? kept : null);
}

/** Options of one run as recorded: t0 resolved, and clock = time of step 0 after the params' phase epoch. */
type RunOpts = Omit<SimulateOptions, 'params'> & { t0: number; clock: number };

/** Packed parameters [N, 8], shared by a run and its continuations (back to the pool when unused). */
interface SharedParams {
  buffer: GPUBuffer;
  users: number;
}

/** What a keepState trajectory holds for its continuations. */
interface KeptState {
  params: SharedParams;
  /** [N, 2] f32 (x, v) after the last step. */
  state: GPUBuffer;
  clock: number;
}

const keptStates = new WeakMap<Trajectory, KeptState>();

function releaseKept(sched: Scheduler, kept: KeptState): void {
  sched.pool.release(kept.state);
  if (--kept.params.users === 0) sched.pool.release(kept.params.buffer);
}

/** What a continuation needs of `from`, checked. */
function continuedRun(sched: Scheduler, from: Trajectory): KeptState & { count: number; t0: number; steps: number; dt: number; finalState: GpuTensor } {
  const kept = keptStates.get(from);
  if (!kept || !from.finalState) {
    const why = from?.destroyed ? `trajectory '${from.tensor.label}', which was destroyed` : describeValue(from);
    throw new Error(`simulation: from must be a live trajectory run with keepState: true, got ${why}`);
  }
  sched.requireTensor('simulate()', 'from', from.finalState);
  return { ...kept, count: from.count, t0: from.t0, steps: from.steps, dt: from.dt, finalState: from.finalState };
}

/** dt and the run's length must be normal float32 numbers: the kernel computes in float32. */
function checkFloat32Time(opts: RunOpts): void {
  if (Math.abs(Math.fround(opts.dt)) < F32_MIN_NORMAL) {
    throw new Error(`simulation: dt=${opts.dt} is too small for float32 (dt >= 1.2e-38)`);
  }
  const length = opts.clock + opts.steps * opts.dt;
  if (!(length <= F32_MAX)) {
    throw new Error(`simulation: the run's length steps * dt = ${length} is outside float32's range`);
  }
}

interface RunBuffers {
  out: GPUBuffer;
  params: GPUBuffer;
  state: GPUBuffer;
}

/** Records one chunk of steps for every group of oscillators. */
function recordChunk(sched: Scheduler, opts: RunOpts, plan: SimulationPlan, chunk: StepChunk, buffers: RunBuffers, samples: number, fromState: boolean): void {
  const { paramBytes, stateBytes } = rk4Layout();
  for (const g of plan.groups) {
    recordRk4Chunk(sched, {
      integrator: opts.integrator,
      params: range(buffers.params, g.first, g.count, paramBytes),
      state: range(buffers.state, g.first, g.count, stateBytes),
      out: range(buffers.out, g.first, g.count, plan.outputBytesPerOscillator),
      count: g.count,
      samples,
      recordEvery: opts.recordEvery,
      stepBegin: chunk.begin,
      stepEnd: chunk.end,
      velocity: opts.velocity ?? false,
      dt: opts.dt,
      t0: opts.clock,
      fromState,
    });
  }
}

function range(buffer: GPUBuffer, first: number, n: number, bytesPerOscillator: number): { buffer: GPUBuffer; offset: number; size: number } {
  return { buffer, offset: first * bytesPerOscillator, size: n * bytesPerOscillator };
}

function makeTrajectory(sched: Scheduler, opts: RunOpts, plan: SimulationPlan, buffer: GPUBuffer, samples: number, label: string, kept: KeptState | null): Trajectory {
  const velocity = opts.velocity ?? false;
  const n = plan.groups.reduce((sum, g) => sum + g.count, 0);
  const tensor: GpuTensor = { buffer, offset: 0, shape: velocity ? [n, samples, 2] : [n, samples], dtype: 'f32', label };
  const slices = plan.groups.map((g) => ({ first: g.first, count: g.count, binding: range(buffer, g.first, g.count, plan.outputBytesPerOscillator) }));
  const finalState: GpuTensor | null = kept && { buffer: kept.state, offset: 0, shape: [n, 2], dtype: 'f32', label: `${label} final state` };
  const lifetime = new Lifetime('Trajectory', 'destroy', [sched.lifetime]);
  const trajectory: Trajectory = {
    tensor,
    count: n,
    samples,
    velocity,
    integrator: opts.integrator,
    dt: opts.dt,
    t0: opts.t0,
    recordEvery: opts.recordEvery,
    steps: plan.totalSteps,
    finalState,
    slices,
    lifetime,
    get destroyed() {
      return !lifetime.alive;
    },
    async read() {
      lifetime.check('read');
      // Slice by slice (one round trip), so no staging buffer exceeds one binding's size.
      const parts = (await sched.readMany(slices.map((s) => s.binding), 'f32')) as Float32Array[];
      if (parts.length === 1) return parts[0]!;
      const all = new Float32Array(numel(tensor.shape));
      parts.forEach((part, k) => all.set(part, (slices[k]!.binding.offset / 4)));
      return all;
    },
    destroy() {
      if (!lifetime.end()) return;
      sched.destroyBuffer(buffer);
      if (kept) releaseKept(sched, kept);
      keptStates.delete(trajectory);
    },
  };
  if (kept) keptStates.set(trajectory, kept);
  return trajectory;
}
