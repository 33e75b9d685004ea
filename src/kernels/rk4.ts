// rk4.ts — typed wrapper of shaders/rk4.wgsl: records one chunk of steps for one group of
// oscillators, and packs parameters into the kernel's [N, 8] f32 layout. The whole-run
// driver (validation, chunking, groups, the Trajectory) is src/physics/simulate.ts.
import rk4Wgsl from '../../shaders/rk4.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { grid1d } from '../gpu/grid';
import type { Binding, Scheduler } from '../gpu/scheduler';
import { PARAM_NAMES, toColumns, type Integrator, type OscillatorColumns, type SimulationOptions } from '../reference/rk4';

/** shaders/rk4.wgsl, reflected at build time. */
export const rk4Kernel: Kernel = rk4Wgsl;

/** Floats per oscillator in the packed parameter rows: m, c, k, F, omega, phase, x0, v0. */
export const PARAMS_PER_OSCILLATOR = 8;
/** Floats per oscillator in the carried state: x, v. */
export const STATE_PER_OSCILLATOR = 2;

/** Workgroup size of every entry point (they share the WORKGROUP_SIZE override). */
export const rk4WorkgroupSize = (): number => workgroupWidth(rk4Kernel, 'rk4');

/** One dispatch: steps [stepBegin, stepEnd) of `count` oscillators bound at the given ranges. */
export interface Rk4ChunkArgs {
  integrator: Integrator;
  /** [count, 8] f32 parameter rows. */
  params: Binding;
  /** [count, 2] f32 (x, v), read when stepBegin > 0 or fromState, written at the end. */
  state: Binding;
  /** [count, samples] f32, or [count, samples, 2] when velocity is set. */
  out: Binding;
  count: number;
  samples: number;
  recordEvery: number;
  stepBegin: number;
  stepEnd: number;
  velocity: boolean;
  dt: number;
  /**
   * Time of step 0 after the time at which the packed phase holds (packOscillatorParams' t0),
   * float32 on the GPU; default 0. simulate() folds its t0 into the phase and passes 0, which
   * keeps a late start exact; a nonzero value here costs float32 rounding of t0 + n·dt.
   */
  t0?: number;
  /**
   * Continue a run: step 0 starts from `state` (recorded as sample 0) instead of the packed
   * (x0, v0). Default false.
   */
  fromState?: boolean;
}

/** Records one chunk. The caller has validated sizes (see src/physics/simulate.ts). */
export function recordRk4Chunk(sched: Scheduler, a: Rk4ChunkArgs): void {
  const lastStep = (a.samples - 1) * a.recordEvery;
  if (!(a.stepBegin >= 0 && a.stepBegin <= a.stepEnd && a.stepEnd <= lastStep)) {
    throw new Error(`rk4 chunk: steps [${a.stepBegin}, ${a.stepEnd}) must lie within [0, ${lastStep}]`);
  }
  sched.dispatch(rk4Kernel, a.integrator, {
    bindings: { params: a.params, state: a.state, out: a.out },
    uniforms: {
      count: a.count,
      samples: a.samples,
      recordEvery: a.recordEvery,
      stepBegin: a.stepBegin,
      stepEnd: a.stepEnd,
      velocity: a.velocity ? 1 : 0,
      t0: a.t0 ?? 0,
      dt: a.dt,
      fromState: a.fromState ? 1 : 0,
    },
    workgroups: grid1d(a.count, rk4WorkgroupSize(), sched.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;
const TWO_PI = 6.283185307179586; // 2π as a literal (2 * Math.PI at module level is code a bundler keeps)
const PHASE_SLOT = /* @__PURE__ */ PARAM_NAMES.indexOf('phi');

/**
 * Packs oscillators into the kernel's [N, 8] f32 rows (m, c, k, F, omega, phase, x0, v0),
 * phase = omega t0 + phi reduced to [-π, π] in float64 (the kernel counts time from t0).
 * Throws, naming the oscillator and parameter, when a value does not survive the cast to
 * float32 (|value| > 3.4e38, or |m| below float32's smallest normal number).
 */
export function packOscillatorParams(params: SimulationOptions['params'], t0 = 0): Float32Array {
  const columns = Array.isArray(params) ? toColumns(params) : (params as OscillatorColumns);
  const count = columns.count;
  const packed = new Float32Array(count * PARAMS_PER_OSCILLATOR); // [N, 8]
  PARAM_NAMES.forEach((name, j) => {
    const column = columns[name];
    for (let i = 0; i < count; i++) {
      const value = column[i]!;
      if (!(Math.abs(value) <= F32_MAX)) {
        throw new Error(`simulation: oscillator ${i} parameter ${name}=${value} is outside float32's range (|value| <= 3.4e38)`);
      }
      packed[i * PARAMS_PER_OSCILLATOR + j] = value;
    }
  });
  for (let i = 0; i < count; i++) {
    const phase = columns.omega[i]! * t0 + columns.phi[i]!;
    packed[i * PARAMS_PER_OSCILLATOR + PHASE_SLOT] = phase - TWO_PI * Math.round(phase / TWO_PI);
    if (Math.abs(packed[i * PARAMS_PER_OSCILLATOR]!) < F32_MIN_NORMAL) {
      throw new Error(`simulation: oscillator ${i} parameter m=${columns.m[i]} is too small for float32 (|m| >= 1.2e-38; the equation divides by m)`);
    }
  }
  return packed;
}
