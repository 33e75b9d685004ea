// demo-parts.test.ts — the demo page's pure pieces, without a browser or GPU: the input
// mapping u(t) → F cos(omega t + phi), the exercise's solution matrices (m ≠ 1 included)
// against the float64 Euler reference, and the chart's tick choice.
import { describe, expect, it } from 'vitest';
import { forcingOf, inputSeries, oscillatorOf, stepsOf, MAX_STEPS, type SystemSettings } from '../../demo/parts/settings';
import { solutionMatrices } from '../../demo/parts/physics-rnn-runner';
import { niceTicks } from '../../demo/parts/chart';
import { simulateReference } from '../../src/physics/simulate-reference';

const BASE: SystemSettings = {
  k: 0.7, c: 0.25, m: 1, dt: 0.01, duration: 10, input: 'none', a: 0.8, F: 1.5, omega: 0.5, integrator: 'euler',
};

/** Runs h(n+1) = W [h(n); u(n)], y = R h in float64 and returns y(1 … T). */
function runLinearRnn(W: number[][], R: number[], h0: number[], u: ArrayLike<number>): Float64Array {
  let [h1, h2] = h0 as [number, number];
  const y = new Float64Array(u.length);
  for (let n = 0; n < u.length; n++) {
    const u0 = u[n]!;
    [h1, h2] = [W[0]![0]! * h1 + W[0]![1]! * h2 + W[0]![2]! * u0, W[1]![0]! * h1 + W[1]![1]! * h2 + W[1]![2]! * u0];
    y[n] = R[0]! * h1 + R[1]! * h2;
  }
  return y;
}

describe('demo settings', () => {
  it('maps the exercise inputs onto the oscillator forcing', () => {
    const t = 3.7;
    const u = (s: SystemSettings) => {
      const f = forcingOf(s);
      return f.F * Math.cos(f.omega * t + f.phi);
    };
    expect(u({ ...BASE, input: 'none' })).toBe(0);
    expect(u({ ...BASE, input: 'step' })).toBe(1.5);
    expect(u({ ...BASE, input: 'sin' })).toBeCloseTo(Math.sin(0.8 * t), 12);
    expect(u({ ...BASE, input: 'cos' })).toBeCloseTo(1.5 * Math.cos(0.5 * t), 12);
    expect(inputSeries({ ...BASE, input: 'sin' }, 4)[3]).toBeCloseTo(Math.sin(0.8 * 3 * 0.01), 12);
  });

  it('caps the recorded steps', () => {
    expect(stepsOf(BASE)).toBe(1000);
    expect(stepsOf({ ...BASE, dt: 0.001, duration: 100 })).toBe(MAX_STEPS);
  });
});

describe('the exercise solution', () => {
  for (const [input, m] of [['none', 1], ['step', 1], ['sin', 1], ['cos', 2.5]] as const) {
    it(`is the Euler integrator (u: ${input}, m = ${m})`, () => {
      const s: SystemSettings = { ...BASE, input, m };
      const steps = stepsOf(s);
      const ref = simulateReference({ params: [oscillatorOf(s)], dt: s.dt, steps, recordEvery: 1, integrator: 'euler' });
      const { W, R } = solutionMatrices(s);
      const y = runLinearRnn(W, R, [1, 0], inputSeries(s, steps));
      let worst = 0;
      let scale = 0;
      for (let n = 0; n < steps; n++) {
        worst = Math.max(worst, Math.abs(y[n]! - ref[n + 1]!));
        scale = Math.max(scale, Math.abs(ref[n + 1]!));
      }
      // physicsRnnParameters hands out float32 weights: the gap is float32 rounding of W, not a design error.
      expect(worst).toBeLessThan(2e-5 * scale);
    });
  }

  it('a wrong design is far off (the check can fail)', () => {
    const s: SystemSettings = { ...BASE, input: 'sin', m: 2 };
    const { W, R } = solutionMatrices({ ...s, m: 1 }); // forgets the mass
    const steps = stepsOf(s);
    const ref = simulateReference({ params: [oscillatorOf(s)], dt: s.dt, steps, recordEvery: 1, integrator: 'euler' });
    const y = runLinearRnn(W, R, [1, 0], inputSeries(s, steps));
    expect(Math.abs(y[steps - 1]! - ref[steps]!)).toBeGreaterThan(0.05);
  });
});

describe('chart ticks', () => {
  it.each([[0, 1], [-4.6e-7, 4.6e-7], [-1.7, 2.3], [12, 96], [3, 3.0001]])('gives at least 3 round ticks inside [%d, %d]', (lo, hi) => {
    const ticks = niceTicks(lo, hi, 4);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of ticks) {
      expect(t).toBeGreaterThanOrEqual(lo - 1e-12);
      expect(t).toBeLessThanOrEqual(hi + 1e-12);
    }
    const step = ticks[1]! - ticks[0]!;
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    expect([0.5, 1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6 || Math.abs(mantissa - 10 * m) < 1e-6)).toBe(true);
  });
});
