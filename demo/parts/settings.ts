// settings.ts — panel 1's settings as plain numbers, and how they map onto the library's
// oscillator m x'' + c x' + k x = F cos(omega t + phi): the exercise's inputs u = 0, u = 1
// and u = sin(a t) are F = 0; omega = 0; and F = 1, phi = -π/2.

import type { Integrator, OscillatorParams } from '../../src/physics/oscillator';

export type InputKind = 'none' | 'step' | 'sin' | 'cos';

export interface SystemSettings {
  k: number;
  c: number;
  m: number;
  dt: number;
  /** Simulated time span; steps = min(round(duration / dt), MAX_STEPS). */
  duration: number;
  input: InputKind;
  /** Angular frequency of u = sin(a t). */
  a: number;
  /** Amplitude of the step and of F cos(Ω t). */
  F: number;
  /** Ω of F cos(Ω t). */
  omega: number;
  integrator: Integrator;
}

/** Every step is recorded (the exercise compares step by step), so the run is capped. */
export const MAX_STEPS = 10_000;

/** The state the mass starts from, as in the exercise: h(0) = [1, 0]. */
export const X0 = 1;
export const V0 = 0;

export const SLIDER_NAMES = ['k', 'c', 'm', 'dt', 'duration', 'a', 'F', 'omega'] as const;
export type SliderName = (typeof SLIDER_NAMES)[number];

/** The forcing F cos(omega t + phi) that makes u(t). */
export function forcingOf(s: SystemSettings): { F: number; omega: number; phi: number } {
  switch (s.input) {
    case 'none':
      return { F: 0, omega: 0, phi: 0 };
    case 'step':
      return { F: s.F, omega: 0, phi: 0 };
    case 'sin':
      return { F: 1, omega: s.a, phi: -Math.PI / 2 };
    case 'cos':
      return { F: s.F, omega: s.omega, phi: 0 };
  }
}

export function oscillatorOf(s: SystemSettings): OscillatorParams {
  return { m: s.m, c: s.c, k: s.k, ...forcingOf(s), x0: X0, v0: V0 };
}

export function stepsOf(s: SystemSettings): number {
  return Math.max(1, Math.min(Math.round(s.duration / s.dt), MAX_STEPS));
}

/** u(t_n) at t_n = n · dt for n = 0 … count − 1 (float64). */
export function inputSeries(s: SystemSettings, count: number): Float64Array {
  const { F, omega, phi } = forcingOf(s);
  const u = new Float64Array(count);
  for (let n = 0; n < count; n++) u[n] = F * Math.cos(omega * n * s.dt + phi);
  return u;
}
