// rk4.ts — float64 plain-loop reference for batched driven damped oscillators.
// Per oscillator: m x'' + c x' + k x = F cos(omega t + phi), state (x, v), x(t0) = x0, v(t0) = v0.
// Output: Float64Array [N, S] of x, or [N, S, 2] interleaved (x, v) when velocity is set,
// where S = floor(steps / recordEvery) + 1 samples (sample 0 is the initial state and
// sample s is the state at step s * recordEvery). Time at step n is t0 + n * dt (never accumulated).
// The GPU kernel (src/kernels/rk4.ts) mirrors simulateReference.

import { validateSimulation } from '../physics/validate';

/** Parameter names in their canonical order (CSV columns, packed layouts, CLI flags). */
export const PARAM_NAMES = ['m', 'c', 'k', 'F', 'omega', 'phi', 'x0', 'v0'] as const;

/** One of the eight oscillator parameter names. */
export type ParamName = (typeof PARAM_NAMES)[number];

/** One oscillator: m x'' + c x' + k x = F cos(omega t + phi), x(t0) = x0, v(t0) = v0. */
export interface OscillatorParams {
  /** Mass (must be non-zero). */
  m: number;
  /** Damping coefficient. */
  c: number;
  /** Spring constant. */
  k: number;
  /** Forcing amplitude. */
  F: number;
  /** Forcing angular frequency (0 means a constant force F cos(phi)). */
  omega: number;
  /** Forcing phase in radians. */
  phi: number;
  /** Initial position at t0. */
  x0: number;
  /** Initial velocity at t0. */
  v0: number;
}

/** The lecture oscillator: x'' + 0.4 x' + x = cos(0.5 t), x0 = 1, v0 = 0. */
export const DEFAULT_OSCILLATOR: Readonly<OscillatorParams> = /* @__PURE__ */ Object.freeze({
  m: 1,
  c: 0.4,
  k: 1,
  F: 1,
  omega: 0.5,
  phi: 0,
  x0: 1,
  v0: 0,
});

/** Columnar parameters for `count` oscillators: each column is a Float64Array [count]. */
export type OscillatorColumns = { readonly count: number } & {
  readonly [K in ParamName]: Float64Array;
};

/** Time integrators; see the step functions below for their exact update rules. */
export type Integrator = 'rk4' | 'euler' | 'symplectic';

/** Integrator names accepted by simulateReference and the GPU kernel. */
export const INTEGRATORS: readonly Integrator[] = ['rk4', 'euler', 'symplectic'];

/** Options shared by simulateReference and the GPU wrapper. */
export interface SimulationOptions {
  /** N oscillators, as an array of records or as columns. */
  params: readonly OscillatorParams[] | OscillatorColumns;
  /** Time step (finite, > 0). */
  dt: number;
  /** Number of integration steps (integer >= 1). */
  steps: number;
  /** Record every recordEvery-th step (integer >= 1). */
  recordEvery: number;
  /** 'rk4' (classical Runge–Kutta), 'euler' (explicit) or 'symplectic' (semi-implicit Euler). */
  integrator: Integrator;
  /** Start time (default 0); forcing uses absolute time t0 + n * dt. */
  t0?: number;
  /** Also record v: output [N, S, 2] interleaved (x, v) instead of [N, S]. */
  velocity?: boolean;
}

/** Number of recorded samples S = floor(steps / recordEvery) + 1, including the initial state. */
export function sampleCount(steps: number, recordEvery: number): number {
  return Math.floor(steps / recordEvery) + 1;
}

/** Number of oscillators in either parameter form. */
export function oscillatorCount(params: SimulationOptions['params']): number {
  return isColumns(params) ? params.count : params.length;
}

/** Oscillator i as a record, from either parameter form. */
export function oscillatorAt(params: SimulationOptions['params'], i: number): OscillatorParams {
  if (!isColumns(params)) return params[i]!;
  const p = {} as OscillatorParams;
  for (const name of PARAM_NAMES) p[name] = params[name][i]!;
  return p;
}

/** Records → columns (Float64Array [N] per parameter). */
export function toColumns(params: readonly OscillatorParams[]): OscillatorColumns {
  const count = params.length;
  const cols = { count } as { count: number } & Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) {
    const col = new Float64Array(count);
    for (let i = 0; i < count; i++) col[i] = params[i]![name];
    cols[name] = col;
  }
  return cols;
}

function isColumns(params: SimulationOptions['params']): params is OscillatorColumns {
  return !Array.isArray(params);
}

/** a(x, v, t) = (F cos(omega t + phi) - c v - k x) / m. */
export function accelerationOf(p: OscillatorParams, x: number, v: number, t: number): number {
  return (p.F * Math.cos(p.omega * t + p.phi) - p.c * v - p.k * x) / p.m;
}

/** Mutable (x, v) state advanced in place by the step functions. */
interface State {
  x: number;
  v: number;
}

/** Classic 4-stage RK4 on (x' = v, v' = a), forcing at t, t + dt/2, t + dt. */
function stepRk4(p: OscillatorParams, s: State, t: number, dt: number): void {
  const { x, v } = s;
  const half = 0.5 * dt;
  const k1x = v;
  const k1v = accelerationOf(p, x, v, t);
  const k2x = v + half * k1v;
  const k2v = accelerationOf(p, x + half * k1x, v + half * k1v, t + half);
  const k3x = v + half * k2v;
  const k3v = accelerationOf(p, x + half * k2x, v + half * k2v, t + half);
  const k4x = v + dt * k3v;
  const k4v = accelerationOf(p, x + dt * k3x, v + dt * k3v, t + dt);
  s.x = x + (dt / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
  s.v = v + (dt / 6) * (k1v + 2 * k2v + 2 * k3v + k4v);
}

/** Naive explicit Euler: both updates read the OLD state. */
function stepEuler(p: OscillatorParams, s: State, t: number, dt: number): void {
  const a = accelerationOf(p, s.x, s.v, t);
  const xNew = s.x + s.v * dt;
  s.v = s.v + a * dt;
  s.x = xNew;
}

/** Semi-implicit (symplectic) Euler: v first, then x with the NEW v. */
function stepSymplectic(p: OscillatorParams, s: State, t: number, dt: number): void {
  s.v = s.v + accelerationOf(p, s.x, s.v, t) * dt;
  s.x = s.x + s.v * dt;
}

const STEPPERS: Record<Integrator, (p: OscillatorParams, s: State, t: number, dt: number) => void> = {
  rk4: stepRk4,
  euler: stepEuler,
  symplectic: stepSymplectic,
};

/**
 * Integrate N oscillators in float64.
 * Returns Float64Array [N, S] of x, or [N, S, 2] interleaved (x, v) when `velocity` is set,
 * with S = sampleCount(steps, recordEvery). Throws (via validateSimulation) on bad options.
 */
export function simulateReference(opts: SimulationOptions): Float64Array {
  const { count, samples } = validateSimulation(opts);
  const { dt, recordEvery, velocity = false } = opts;
  const t0 = opts.t0 ?? 0;
  const step = STEPPERS[opts.integrator];
  const width = velocity ? 2 : 1;
  const out = new Float64Array(count * samples * width); // [N, S] or [N, S, 2]
  for (let i = 0; i < count; i++) {
    const p = oscillatorAt(opts.params, i);
    const s: State = { x: p.x0, v: p.v0 };
    let base = i * samples * width;
    out[base] = s.x;
    if (velocity) out[base + 1] = s.v;
    // Steps after the last recorded sample cannot change the output, so they are skipped.
    for (let n = 0; n < (samples - 1) * recordEvery; n++) {
      step(p, s, t0 + n * dt, dt);
      if ((n + 1) % recordEvery !== 0) continue;
      base += width;
      out[base] = s.x;
      if (velocity) out[base + 1] = s.v;
    }
  }
  return out;
}
