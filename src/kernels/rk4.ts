// rk4.ts — typed wrapper of shaders/rk4.wgsl: records one chunk of steps for one group of
// oscillators. The whole-run driver (validation, packing, chunking, groups, the Trajectory)
// is src/physics/simulate.ts; the parameter rows are packed by src/physics/pack.ts.
import rk4Wgsl from '../../shaders/rk4.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import type { Binding, Scheduler } from '../gpu/scheduler';

/** shaders/rk4.wgsl, reflected at build time. */
export const rk4Kernel: Kernel = rk4Wgsl;

/** What TypeScript must agree on with rk4.wgsl, read from its declarations. */
export interface Rk4Layout {
  /** Bytes of one oscillator's parameter row (struct OscillatorRow: m, c, k, F, omega, phase, x0, v0). */
  paramBytes: number;
  /** Bytes of one oscillator's carried state (vec2: x, v). */
  stateBytes: number;
}

/** What rk4.wgsl expects of a group of N oscillators: rows [N, 8], state [N, 2], samples [N, S, C] (C = 2 with velocity). */
export const RK4_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({ params: '[N, 8] f32', state: '[N, 2] f32', out: '[N, S, C] f32' });

/** Workgroup size of every entry point (they share the WORKGROUP_SIZE override). */
export const rk4WorkgroupSize = (): number => workgroupWidth(rk4Kernel, 'rk4');

let layout: Rk4Layout | null = null;

/** rk4.wgsl's row sizes (reflected on first use, then kept). */
export function rk4Layout(): Rk4Layout {
  if (layout) return layout;
  const stride = (name: string) => rk4Kernel.entry('rk4').bindings.find((b) => b.name === name)!.stride;
  layout = { paramBytes: stride('params'), stateBytes: stride('state') };
  return layout;
}

/** One dispatch: steps [stepBegin, stepEnd) of `count` oscillators bound at the given ranges. */
export interface Rk4ChunkArgs {
  /** The entry point: rk4, euler or symplectic (src/physics/oscillator.ts's Integrator). */
  integrator: 'rk4' | 'euler' | 'symplectic';
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
    shapes: { declared: RK4_BINDINGS, dims: { N: a.count, S: a.samples, C: a.velocity ? 2 : 1 } },
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
