// oscillator-exact.ts — closed-form solution of m x'' + c x' + k x = F cos(omega t + phi)
// with x(t0) = x0, v(t0) = v0, in float64, for any finite parameters with m != 0.
//
// Divided by m: x'' + 2 beta x' + w0sq x = f cos(omega t + phi), beta = c/(2m), w0sq = k/m,
// f = F/m. The solution is x = x_p + x_h: a particular solution x_p plus the homogeneous
// solution x_h that fixes the initial state. x_h is written through the pair
//   C(tau) = e^{-beta tau} cos(wd tau),  S(tau) = e^{-beta tau} sin(wd tau) / wd   (disc < 0)
//   C(tau) = e^{-beta tau},             S(tau) = e^{-beta tau} tau                (disc = 0)
//   C(tau) = e^{-beta tau} cosh(mu tau), S(tau) = e^{-beta tau} sinh(mu tau) / mu (disc > 0)
// (disc = beta^2 - w0sq, wd = sqrt(-disc), mu = sqrt(disc)), which is continuous across
// critical damping, so near-critical parameters lose no precision (unlike A e^{r1 t} + B e^{r2 t},
// whose coefficients blow up like 1/(r1 - r2)). Undamped forcing (beta = 0, w0sq > 0) uses a
// product form that stays exact at and near resonance. Known limit: with tiny but non-zero
// damping close to resonance, x_p and x_h are each ~ f / (2 beta omega) and cancel early on, so
// the absolute error is ~ 1e-16 * |f / (2 beta omega)|.

import type { Oscillator } from './rk4';

/** Position and velocity at one time. */
export interface ExactState {
  x: number;
  v: number;
}

/** Normalised coefficients of x'' + 2 beta x' + w0sq x = f cos(omega tau + phase). */
interface Normalised {
  beta: number;
  w0sq: number;
  f: number;
  omega: number; // >= 0
  phase: number; // forcing phase at tau = 0, i.e. phi + omega * t0
}

/** Exact (x, v) at absolute time t for an oscillator that starts at (x0, v0) at time t0. */
export function exactState(p: Oscillator, t: number, t0 = 0): ExactState {
  const q = normalise(p, t0);
  const tau = t - t0;
  if (q.f === 0) return homogeneous(q, p.x0, p.v0, tau);
  if (q.beta === 0 && q.w0sq > 0) return addState(homogeneous(q, p.x0, p.v0, tau), undampedForced(q, tau));
  const xp = particular(q, tau);
  const xp0 = particular(q, 0);
  return addState(xp, homogeneous(q, p.x0 - xp0.x, p.v0 - xp0.v, tau));
}

/** Exact x at absolute time t (see exactState). */
export function exactPosition(p: Oscillator, t: number, t0 = 0): number {
  return exactState(p, t, t0).x;
}

/**
 * Exact trajectory sampled like simulateReference: Float64Array [S] of x (or [S, 2] of (x, v))
 * at t0 + s * recordEvery * dt for s = 0 .. S-1, S = floor(steps / recordEvery) + 1.
 */
export function exactTrajectory(
  p: Oscillator,
  opts: { dt: number; steps: number; recordEvery: number; t0?: number; velocity?: boolean },
): Float64Array {
  const t0 = opts.t0 ?? 0;
  const samples = Math.floor(opts.steps / opts.recordEvery) + 1;
  const width = opts.velocity ? 2 : 1;
  const out = new Float64Array(samples * width);
  for (let s = 0; s < samples; s++) {
    const st = exactState(p, t0 + s * opts.recordEvery * opts.dt, t0);
    out[s * width] = st.x;
    if (opts.velocity) out[s * width + 1] = st.v;
  }
  return out;
}

function normalise(p: Oscillator, t0: number): Normalised {
  // cos(omega t + phi) = cos(-omega t - phi): make omega >= 0 so omega + w0 > 0 below.
  const sign = p.omega < 0 ? -1 : 1;
  const omega = sign * p.omega;
  const phi = sign * p.phi;
  return { beta: p.c / (2 * p.m), w0sq: p.k / p.m, f: p.F / p.m, omega, phase: phi + omega * t0 };
}

function addState(a: ExactState, b: ExactState): ExactState {
  return { x: a.x + b.x, v: a.v + b.v };
}

/**
 * Solution of x'' + 2 beta x' + w0sq x = 0 with x(0) = y0, x'(0) = w0:
 *   x = y0 C + (w0 + beta y0) S,  v = w0 C - (w0sq y0 + beta w0) S.
 */
function homogeneous(q: Normalised, y0: number, w0: number, tau: number): ExactState {
  const { C, S } = dampedPair(q.beta, q.w0sq, tau);
  return { x: y0 * C + (w0 + q.beta * y0) * S, v: w0 * C - (q.w0sq * y0 + q.beta * w0) * S };
}

/** The pair (C, S) defined in the file header, evaluated without overflow or cancellation. */
function dampedPair(beta: number, w0sq: number, tau: number): { C: number; S: number } {
  const disc = beta * beta - w0sq;
  if (disc < 0) {
    const wd = Math.sqrt(-disc);
    const decay = Math.exp(-beta * tau);
    return { C: decay * Math.cos(wd * tau), S: decay * (Math.sin(wd * tau) / wd) };
  }
  if (disc === 0) {
    const decay = Math.exp(-beta * tau);
    return { C: decay, S: decay * tau };
  }
  const mu = Math.sqrt(disc);
  // Roots -beta +- mu; the one of larger magnitude directly, the other from r+ r- = w0sq.
  const big = beta >= 0 ? -beta - mu : -beta + mu;
  const small = w0sq / big;
  const [rPlus, rMinus] = beta >= 0 ? [small, big] : [big, small];
  const C = 0.5 * (Math.exp(rPlus * tau) + Math.exp(rMinus * tau));
  // (e^{r+ tau} - e^{r- tau}) / (2 mu): via expm1 while mu tau is small, else directly.
  const S =
    Math.abs(mu * tau) < 1
      ? (Math.exp(rMinus * tau) * Math.expm1(2 * mu * tau)) / (2 * mu)
      : (Math.exp(rPlus * tau) - Math.exp(rMinus * tau)) / (2 * mu);
  return { C, S };
}

/**
 * Particular solution for D = A^2 + B^2 > 0 (A = w0sq - omega^2, B = 2 beta omega):
 *   x_p = f (A cos th + B sin th) / D, th = omega tau + phase.
 * D = 0 with beta != 0 or w0sq <= 0 only happens for omega = 0, w0sq = 0 (constant force,
 * no spring): then x_p is a ramp f0 tau / (2 beta) or, with beta = 0 too, f0 tau^2 / 2.
 */
function particular(q: Normalised, tau: number): ExactState {
  const A = q.w0sq - q.omega * q.omega;
  const B = 2 * q.beta * q.omega;
  const D = A * A + B * B;
  if (D === 0) {
    const f0 = q.f * Math.cos(q.phase);
    if (q.beta !== 0) return { x: (f0 * tau) / (2 * q.beta), v: f0 / (2 * q.beta) };
    return { x: 0.5 * f0 * tau * tau, v: f0 * tau };
  }
  const th = q.omega * tau + q.phase;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  return {
    x: (q.f * (A * cos + B * sin)) / D,
    v: (q.f * q.omega * (B * cos - A * sin)) / D,
  };
}

/**
 * Undamped (beta = 0, w0 = sqrt(w0sq) > 0) response to the forcing from zero initial state:
 *   x = f / sig [2 sin(sig tau / 2 + phase) sin(del tau / 2) / del - sin(phase) sin(w0 tau) / w0]
 * with sig = omega + w0, del = omega - w0 (f = F / m). sin(del tau/2)/del
 * tends to tau/2 at resonance, so this is exact there and loses nothing close to it.
 */
function undampedForced(q: Normalised, tau: number): ExactState {
  const w0 = Math.sqrt(q.w0sq);
  const sig = q.omega + w0;
  const del = q.omega - w0;
  const halfDel = 0.5 * del * tau;
  const beat = del === 0 ? 0.5 * tau : Math.sin(halfDel) / del; // sin(del tau / 2) / del
  const carrier = 0.5 * sig * tau + q.phase;
  const sinPhase = Math.sin(q.phase);
  const scale = q.f / sig;
  return {
    x: scale * (2 * Math.sin(carrier) * beat - (sinPhase * Math.sin(w0 * tau)) / w0),
    v: scale * (sig * Math.cos(carrier) * beat + Math.sin(carrier) * Math.cos(halfDel) - sinPhase * Math.cos(w0 * tau)),
  };
}
