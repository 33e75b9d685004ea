// oscillator.ts — the oscillator domain: one oscillator's parameters, their canonical order,
// the two forms a batch of them takes (records or columns), the integrators, and the options
// of a simulation. Shared by simulate() (GPU), its float64 reference, the CSV/CLI front ends
// and the data sets. Imports nothing.

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
