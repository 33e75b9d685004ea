// pack.ts — oscillators into the parameter rows shaders/rk4.wgsl reads: [N, 8] f32 in
// PARAM_NAMES order (m, c, k, F, omega, phase, x0, v0), the phase taken at the run's start.
// The float32 range checks live here, with the constants simulate() also checks dt against.
import { rk4Layout } from '../kernels/rk4';
import { PARAM_NAMES, toColumns, type OscillatorColumns, type SimulationOptions } from './oscillator';

/** Largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;
/** Smallest normal float32 magnitude. */
export const F32_MIN_NORMAL = 1.1754943508222875e-38;

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
  const ROW = rk4Layout().paramBytes / 4; // floats per row, as rk4.wgsl declares it
  const packed = new Float32Array(count * ROW); // [N, 8]
  PARAM_NAMES.forEach((name, j) => {
    const column = columns[name];
    for (let i = 0; i < count; i++) {
      const value = column[i]!;
      if (!(Math.abs(value) <= F32_MAX)) {
        throw new Error(`simulation: oscillator ${i} parameter ${name}=${value} is outside float32's range (|value| <= 3.4e38)`);
      }
      packed[i * ROW + j] = value;
    }
  });
  for (let i = 0; i < count; i++) {
    const phase = columns.omega[i]! * t0 + columns.phi[i]!;
    packed[i * ROW + PHASE_SLOT] = phase - TWO_PI * Math.round(phase / TWO_PI);
    if (Math.abs(packed[i * ROW]!) < F32_MIN_NORMAL) {
      throw new Error(`simulation: oscillator ${i} parameter m=${columns.m[i]} is too small for float32 (|m| >= 1.2e-38; the equation divides by m)`);
    }
  }
  return packed;
}
