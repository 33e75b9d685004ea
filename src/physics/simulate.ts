// simulate.ts — batched oscillator integration on the GPU. simulate() validates everything
// (options, float32 range, device limits) before any GPU work, then records the whole run —
// chunks of steps × groups of oscillators (src/physics/simulate-plan.ts), state carried in
// a [N, 2] buffer between chunks — and submits it once. The result stays on the GPU:
// Trajectory.tensor is [N, S] f32 of x, or [N, S, 2] of (x, v), ready for training
// kernels; read() copies it to the host. Mirrors simulateReference (src/reference/rk4.ts).
import type { Scheduler } from '../gpu/scheduler';
import { numel, type GpuTensor } from '../gpu/tensor';
import { STORAGE_RW } from '../gpu/flags';
import { packOscillatorParams, recordRk4Chunk, rk4Kernel } from '../kernels/rk4';
import type { Integrator, SimulationOptions } from '../reference/rk4';
import { validateSimulation } from './validate';
import {
  PARAM_BYTES_PER_OSCILLATOR,
  STATE_BYTES_PER_OSCILLATOR,
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
}

/** Oscillators [first, first + count) of a trajectory, as one bindable byte range. */
export interface TrajectorySlice {
  first: number;
  count: number;
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
  readonly velocity: boolean;
  readonly integrator: Integrator;
  readonly dt: number;
  readonly t0: number;
  readonly recordEvery: number;
  /**
   * Oscillator ranges that each fit one storage binding (one slice unless N · S is large:
   * then `tensor` as a whole exceeds maxStorageBufferBindingSize and kernels bind slices).
   */
  readonly slices: readonly TrajectorySlice[];
  /** Copies the trajectory to the host: [N, S] or [N, S, 2] row-major. */
  read(): Promise<Float32Array>;
  /** Frees the GPU buffer. */
  destroy(): void;
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;

/**
 * Checks options and device limits (throwing an Error that names the parameter), then
 * records and submits the run. Resolves once the work is submitted (read() waits for it),
 * or, with onProgress, once it has finished.
 */
export async function simulate(sched: Scheduler, opts: SimulateOptions): Promise<Trajectory> {
  const { count, samples } = validateSimulation(opts);
  checkFloat32Time(opts);
  const velocity = opts.velocity ?? false;
  const plan = planSimulation({ count, samples, recordEvery: opts.recordEvery, velocity }, sched.device.limits, opts);
  const packed = packOscillatorParams(opts.params, opts.t0 ?? 0); // [N, 8]
  await sched.prepare(rk4Kernel);

  const label = opts.label ?? 'trajectory';
  const outBuffer = sched.createBuffer(plan.outputBytes, STORAGE_RW, label);
  const buffers: RunBuffers = {
    out: outBuffer,
    params: sched.pool.acquire(count * PARAM_BYTES_PER_OSCILLATOR, STORAGE_RW),
    state: sched.pool.acquire(count * STATE_BYTES_PER_OSCILLATOR, STORAGE_RW),
  };
  // Scratch goes back to the pool before the submit that last uses it (reused after it completes).
  const releaseScratch = () => [buffers.params, buffers.state].forEach((b) => sched.pool.release(b));
  const total = plan.totalSteps * count;
  try {
    sched.upload({ buffer: buffers.params, offset: 0, shape: [count, 8], dtype: 'f32', label: 'oscillator params' }, packed);
    for (const [index, chunk] of plan.chunks.entries()) {
      recordChunk(sched, opts, plan, chunk, buffers, samples);
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
  releaseScratch();
  if (opts.onProgress) {
    await sched.flush();
    opts.onProgress(total, total);
  } else sched.submit();
  return makeTrajectory(sched, opts, plan, outBuffer, samples, label);
}

/** dt and the run's length must be normal float32 numbers: the kernel computes in float32. */
function checkFloat32Time(opts: SimulationOptions): void {
  if (Math.abs(Math.fround(opts.dt)) < F32_MIN_NORMAL) {
    throw new Error(`simulation: dt=${opts.dt} is too small for float32 (dt >= 1.2e-38)`);
  }
  const length = opts.steps * opts.dt;
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
function recordChunk(sched: Scheduler, opts: SimulateOptions, plan: SimulationPlan, chunk: StepChunk, buffers: RunBuffers, samples: number): void {
  for (const g of plan.groups) {
    recordRk4Chunk(sched, {
      integrator: opts.integrator,
      params: range(buffers.params, g.first, g.count, PARAM_BYTES_PER_OSCILLATOR),
      state: range(buffers.state, g.first, g.count, STATE_BYTES_PER_OSCILLATOR),
      out: range(buffers.out, g.first, g.count, plan.outputBytesPerOscillator),
      count: g.count,
      samples,
      recordEvery: opts.recordEvery,
      stepBegin: chunk.begin,
      stepEnd: chunk.end,
      velocity: opts.velocity ?? false,
      dt: opts.dt,
    });
  }
}

function range(buffer: GPUBuffer, first: number, n: number, bytesPerOscillator: number): { buffer: GPUBuffer; offset: number; size: number } {
  return { buffer, offset: first * bytesPerOscillator, size: n * bytesPerOscillator };
}

function makeTrajectory(sched: Scheduler, opts: SimulateOptions, plan: SimulationPlan, buffer: GPUBuffer, samples: number, label: string): Trajectory {
  const velocity = opts.velocity ?? false;
  const n = plan.groups.reduce((sum, g) => sum + g.count, 0);
  const tensor: GpuTensor = { buffer, offset: 0, shape: velocity ? [n, samples, 2] : [n, samples], dtype: 'f32', label };
  const slices = plan.groups.map((g) => ({ first: g.first, count: g.count, binding: range(buffer, g.first, g.count, plan.outputBytesPerOscillator) }));
  let destroyed = false;
  return {
    tensor,
    count: n,
    samples,
    velocity,
    integrator: opts.integrator,
    dt: opts.dt,
    t0: opts.t0 ?? 0,
    recordEvery: opts.recordEvery,
    slices,
    async read() {
      if (destroyed) throw new Error(`${label}: read() after destroy()`);
      // Slice by slice (one round trip), so no staging buffer exceeds one binding's size.
      const parts = (await sched.readMany(slices.map((s) => s.binding), 'f32')) as Float32Array[];
      if (parts.length === 1) return parts[0]!;
      const all = new Float32Array(numel(tensor.shape));
      parts.forEach((part, k) => all.set(part, (slices[k]!.binding.offset / 4)));
      return all;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      sched.destroyBuffer(buffer);
    },
  };
}
