// rk4.ts — float64 plain-loop reference for batched driven damped oscillators.
// Per oscillator: m x'' + c x' + k x = F cos(omega t + phi), state (x, v), x(t0) = x0, v(t0) = v0.
// Output: Float64Array [N, S] of x, or [N, S, 2] interleaved (x, v) when velocity is set,
// where S = floor(steps / recordEvery) + 1 samples (sample 0 is the initial state and
// sample s is the state at step s * recordEvery). Time at step n is t0 + n * dt (never accumulated).
// The GPU kernel (src/kernels/rk4.ts) mirrors integrateOscillators; simulateReference
// (src/physics/simulate-reference.ts) checks a simulation's options and calls it. Imports nothing.

/** One oscillator's coefficients and start (src/physics/oscillator.ts documents each field). */
export interface Oscillator {
  readonly m: number; readonly c: number; readonly k: number; readonly F: number;
  readonly omega: number; readonly phi: number; readonly x0: number; readonly v0: number;
}

/** How a run is integrated and sampled; the caller has checked it (src/physics/validate.ts). */
export interface IntegrationRun {
  /** 'rk4' (classical Runge–Kutta), 'euler' (explicit) or 'symplectic' (semi-implicit Euler). */
  integrator: keyof typeof STEPPERS;
  /** Time step; steps taken; every recordEvery-th step is recorded. */
  dt: number;
  steps: number;
  recordEvery: number;
  /** Start time (default 0); forcing uses absolute time t0 + n * dt. */
  t0?: number;
  /** Also record v: output [N, S, 2] interleaved (x, v) instead of [N, S]. */
  velocity?: boolean;
}

/** a(x, v, t) = (F cos(omega t + phi) - c v - k x) / m. */
export function accelerationOf(p: Oscillator, x: number, v: number, t: number): number {
  return (p.F * Math.cos(p.omega * t + p.phi) - p.c * v - p.k * x) / p.m;
}

/** Mutable (x, v) state advanced in place by the step functions. */
interface State {
  x: number;
  v: number;
}

/** Classic 4-stage RK4 on (x' = v, v' = a), forcing at t, t + dt/2, t + dt. */
function stepRk4(p: Oscillator, s: State, t: number, dt: number): void {
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
function stepEuler(p: Oscillator, s: State, t: number, dt: number): void {
  const a = accelerationOf(p, s.x, s.v, t);
  const xNew = s.x + s.v * dt;
  s.v = s.v + a * dt;
  s.x = xNew;
}

/** Semi-implicit (symplectic) Euler: v first, then x with the NEW v. */
function stepSymplectic(p: Oscillator, s: State, t: number, dt: number): void {
  s.v = s.v + accelerationOf(p, s.x, s.v, t) * dt;
  s.x = s.x + s.v * dt;
}

const STEPPERS = {
  rk4: stepRk4,
  euler: stepEuler,
  symplectic: stepSymplectic,
} satisfies Record<string, (p: Oscillator, s: State, t: number, dt: number) => void>;

/**
 * Integrates N oscillators in float64. Returns Float64Array [N, S] of x, or [N, S, 2]
 * interleaved (x, v) when `velocity` is set, with S = floor(steps / recordEvery) + 1.
 */
export function integrateOscillators(oscillators: readonly Oscillator[], run: IntegrationRun): Float64Array {
  const { dt, recordEvery, velocity = false } = run;
  const t0 = run.t0 ?? 0;
  const count = oscillators.length;
  const samples = Math.floor(run.steps / recordEvery) + 1;
  const step = STEPPERS[run.integrator];
  const width = velocity ? 2 : 1;
  const out = new Float64Array(count * samples * width); // [N, S] or [N, S, 2]
  for (let i = 0; i < count; i++) {
    const p = oscillators[i]!;
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
