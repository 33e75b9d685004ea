// simulate-reference.ts — simulateReference(): a simulation's options checked exactly as
// simulate() checks them (validate.ts), then integrated by the float64 loops of
// src/reference/rk4.ts. The GPU result of the same options is compared with this one.
import { integrateOscillators } from '../reference/rk4';
import { oscillatorAt, type SimulationOptions } from './oscillator';
import { validateSimulation } from './validate';

/**
 * Integrates N oscillators in float64.
 * Returns Float64Array [N, S] of x, or [N, S, 2] interleaved (x, v) when `velocity` is set,
 * with S = sampleCount(steps, recordEvery). Throws (via validateSimulation) on bad options.
 */
export function simulateReference(opts: SimulationOptions): Float64Array {
  const { count } = validateSimulation(opts);
  const oscillators = Array.from({ length: count }, (_, i) => oscillatorAt(opts.params, i));
  return integrateOscillators(oscillators, opts);
}
