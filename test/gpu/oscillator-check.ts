// oscillator-check.ts — the GPU-vs-float64 comparison shared by the oscillator tests.
import { expect } from 'vitest';
import type { SimulateOptions } from '../../src/physics/simulate';
import { simulateReference } from '../../src/physics/simulate-reference';
import { toColumns, type OscillatorColumns, type OscillatorParams } from '../../src/physics/oscillator';

const EPS32 = 2 ** -24;

/**
 * GPU vs float64 reference, sample by sample: each step adds float32 rounding of the state
 * (a random walk, ~sqrt(n) units) and of the forcing phase ω (t - t0) (~|ω (t - t0)| units); both are
 * relative to that oscillator's amplitude of x (or v). An O(dt²) bug is ~100× this bound.
 */
export function expectNearReference(got: Float32Array, opts: SimulateOptions): void {
  const want = simulateReference(opts);
  expect(got.length).toBe(want.length);
  const cols = Array.isArray(opts.params) ? toColumns(opts.params as OscillatorParams[]) : (opts.params as OscillatorColumns);
  const width = opts.velocity ? 2 : 1;
  const samples = want.length / (cols.count * width);
  let worst = 0;
  for (let i = 0; i < cols.count; i++) {
    for (let c = 0; c < width; c++) {
      let scale = 0;
      for (let s = 0; s < samples; s++) scale = Math.max(scale, Math.abs(want[(i * samples + s) * width + c]!));
      for (let s = 0; s < samples; s++) {
        const n = s * opts.recordEvery;
        const t = n * opts.dt; // since t0: the wrapper folds omega t0 into the phase in float64
        const at = (i * samples + s) * width + c;
        const bound = EPS32 * Math.max(scale, 1e-30) * (8 * Math.sqrt(n + 1) + 4 * Math.abs(cols.omega[i]!) * t + 2);
        const ratio = Math.abs(got[at]! - want[at]!) / bound;
        if (!(ratio <= 1)) throw new Error(`oscillator ${i} sample ${s} ${c ? 'v' : 'x'}: GPU ${got[at]} vs reference ${want[at]} (${ratio.toFixed(2)}× the bound)`);
        worst = Math.max(worst, ratio);
      }
    }
  }
  expect(worst).toBeLessThanOrEqual(1);
}

