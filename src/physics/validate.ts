// validate.ts — argument checks for an oscillator simulation, shared by the float64
// reference (simulate-reference.ts) and the GPU wrapper, which calls it before any GPU work.
// Every error names the offending parameter (and oscillator index) and its value.

import { describeValue } from '../util/check';
import {
  INTEGRATORS,
  PARAM_NAMES,
  oscillatorAt,
  oscillatorCount,
  sampleCount,
  type OscillatorColumns,
  type OscillatorParams,
  type SimulationOptions,
} from './oscillator';

/** Sizes implied by valid options: output is [count, samples] (or [count, samples, 2]). */
export interface SimulationShape {
  /** N, the number of oscillators. */
  count: number;
  /** S = floor(steps / recordEvery) + 1, including the initial state. */
  samples: number;
}

/** Throws an Error naming the first invalid option; returns the output shape otherwise. */
export function validateSimulation(opts: SimulationOptions): SimulationShape {
  const samples = validateRunOptions(opts);
  const count = checkParams(opts.params);
  return { count, samples };
}

/** The options of a run other than params (a continued run has its oscillators already). */
export type RunOptions = Omit<SimulationOptions, 'params'>;

/** Checks everything but params, throwing an Error naming the option; returns S. */
export function validateRunOptions(opts: RunOptions): number {
  checkIntegrator(opts.integrator);
  checkPositiveFinite('dt', opts.dt);
  checkCount('steps', opts.steps);
  checkCount('recordEvery', opts.recordEvery);
  const t0 = opts.t0 ?? 0;
  if (typeof t0 !== 'number' || !Number.isFinite(t0)) {
    throw new Error(`simulation: t0 must be a finite number, got ${show(t0)}`);
  }
  const tEnd = t0 + opts.steps * opts.dt;
  if (!Number.isFinite(tEnd)) {
    throw new Error(`simulation: end time t0 + steps * dt overflows (t0=${t0}, steps=${opts.steps}, dt=${opts.dt})`);
  }
  return sampleCount(opts.steps, opts.recordEvery);
}

function checkIntegrator(integrator: unknown): void {
  if (!(INTEGRATORS as readonly unknown[]).includes(integrator)) {
    throw new Error(`simulation: integrator must be one of ${INTEGRATORS.join(', ')}, got ${show(integrator)}`);
  }
}

function checkPositiveFinite(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`simulation: ${name} must be a finite number > 0, got ${show(value)}`);
  }
}

function checkCount(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`simulation: ${name} must be an integer >= 1, got ${show(value)}`);
  }
}

/** Checks N >= 1, column lengths, finiteness and m != 0; returns N. */
function checkParams(params: SimulationOptions['params']): number {
  if (params === null || typeof params !== 'object') {
    throw new Error(`simulation: params must be an array of oscillators or parameter columns, got ${show(params)}`);
  }
  const count = oscillatorCount(params);
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`simulation: need at least one oscillator (N >= 1), got N=${show(count)}`);
  }
  if (Array.isArray(params)) {
    for (let i = 0; i < count; i++) checkOscillator(oscillatorAt(params, i), i);
  } else {
    checkColumns(params as Record<string, unknown>, count);
    // Fast path: scan the columns without building records; on a bad value, check the first
    // bad oscillator as a record, so the error is the one the array form gives.
    const bad = firstBadOscillator(params as OscillatorColumns, count);
    if (bad < count) checkOscillator(oscillatorAt(params, bad), bad);
  }
  return count;
}

/** Throws, naming oscillator i and the parameter, unless every parameter is finite and m != 0. */
function checkOscillator(p: OscillatorParams | null | undefined, i: number): void {
  if (p === null || typeof p !== 'object') {
    throw new Error(`simulation: oscillator ${i} must be an object of parameters, got ${show(p)}`);
  }
  for (const name of PARAM_NAMES) {
    const value: unknown = p[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`simulation: oscillator ${i} parameter ${name} must be a finite number, got ${show(value)}`);
    }
  }
  if (p.m === 0) {
    throw new Error(`simulation: oscillator ${i} parameter m must be non-zero (the equation divides by m), got 0`);
  }
}

/** Lowest oscillator index with a non-finite parameter or m = 0 (count when there is none). */
function firstBadOscillator(columns: OscillatorColumns, count: number): number {
  let bad = count;
  for (const name of PARAM_NAMES) {
    const col: ArrayLike<unknown> = columns[name];
    for (let i = 0; i < bad; i++) {
      const v = col[i];
      if (!Number.isFinite(v) || (name === 'm' && v === 0)) {
        bad = i;
        break;
      }
    }
  }
  return bad;
}

function checkColumns(columns: Record<string, unknown>, count: number): void {
  for (const name of PARAM_NAMES) {
    const col = columns[name] as ArrayLike<number> | undefined;
    if (col === undefined || col === null || typeof col.length !== 'number') {
      throw new Error(`simulation: parameter column ${name} is missing`);
    }
    if (col.length !== count) {
      throw new Error(`simulation: parameter column ${name} has length ${col.length}, expected count=${count}`);
    }
  }
}

function show(value: unknown): string {
  if (Object.is(value, -0)) return '-0';
  return describeValue(value);
}
