// physics-rnn-theory.test.ts — the closed form of the exercise's RNN (physicsRnnTheory)
// against the float64 eigen-solver on its own W_hh and the fixed-point equation A h + b u = h,
// for under-, critically and over-damped, undamped, negative-damping and k < 0 parameters.
import { describe, expect, it } from 'vitest';
import { physicsRnnParameters, physicsRnnTheory } from '../../src/physics-rnn';
import { eigenvalues } from '../../src/analysis/linalg';
import { classifyEigenvalues, eigenvalues2x2 } from '../../src/analysis/stability';

const CASES = [
  { name: 'under-damped', k: 1, c: 0.5, regime: 'under-damped', stability: 'stable', complex: true },
  { name: 'critically damped', k: 1, c: 2, regime: 'critically damped', stability: 'stable', complex: false },
  { name: 'over-damped', k: 1, c: 3, regime: 'over-damped', stability: 'stable', complex: false },
  { name: 'negative damping', k: 1, c: -1, regime: 'negative damping', stability: 'unstable', complex: true },
  { name: 'undamped (Euler explodes)', k: 1, c: 0, regime: 'undamped', stability: 'unstable', complex: true },
  { name: 'k < 0 (saddle)', k: -1, c: 0.5, regime: 'unstable spring', stability: 'saddle', complex: false },
] as const;

describe('physicsRnnTheory', () => {
  it.each(CASES)('$name: eigenvalues of W_hh, fixed point, regime', ({ k, c, regime, stability, complex }) => {
    const dt = 0.01;
    const th = physicsRnnTheory({ k, c, dt }, 0.7);
    const w = Float64Array.from([1, dt, -k * dt, 1 - c * dt]); // exact, not the float32 parameters
    const numeric = eigenvalues(w, 2);
    for (let i = 0; i < 2; i++) {
      expect(th.eigenvalues[i]![0]).toBeCloseTo(numeric[i]![0], 7);
      expect(Math.abs(th.eigenvalues[i]![1])).toBeCloseTo(Math.abs(numeric[i]![1]), 7);
    }
    expect(th.regime).toBe(regime);
    expect(th.stability).toBe(stability);
    expect(classifyEigenvalues(th.eigenvalues).oscillatory).toBe(complex);
    // A h* + b u = h* with b = [0, dt].
    const [x, v] = th.fixedPoint!;
    expect(x + dt * v).toBeCloseTo(x, 14);
    expect(-k * dt * x + (1 - c * dt) * v + dt * 0.7).toBeCloseTo(v, 14);
    expect(th.verdict).toMatch(stability === 'stable' ? /decays/ : /explodes|neither/);
  });

  it('the float32 parameters carry the same W', () => {
    expect([...physicsRnnParameters({ k: 2, c: 0.3, dt: 0.01 }).weight_hh_l0]).toEqual([...Float32Array.of(1, 0.01, -0.02, 0.997)]);
  });

  it('|λ|² = 1 − c·dt + k·dt² for complex λ: Euler explodes for 0 ≤ c < k·dt', () => {
    const th = physicsRnnTheory({ k: 1, c: 0.005, dt: 0.01 });
    expect(th.spectralRadius ** 2).toBeCloseTo(1 - 0.005 * 0.01 + 0.01 ** 2, 14);
    expect(th.verdict).toMatch(/Euler adds energy/);
  });

  it('k = 0 has no isolated fixed point; bad input is named', () => {
    expect(physicsRnnTheory({ k: 0, c: 1, dt: 0.1 }).fixedPoint).toBeNull();
    expect(() => physicsRnnTheory({ k: 1, c: 1, dt: 0.1 }, Number.NaN)).toThrow(/u must be a finite number, got NaN/);
    expect(() => physicsRnnTheory({ k: 1, c: 1, dt: -1 })).toThrow(/dt must be > 0/);
  });
});

describe('eigenvalues2x2 (the demo\'s closed form)', () => {
  it('matches the float64 eigen-solver on random, defective and triangular matrices', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 4 - 2;
    const cases = [[[1, 1], [0, 1]], [[2, 0], [0, -3]], [[0, 0], [0, 0]], [[1, 0.01], [-0.01, 0.997]], ...Array.from({ length: 50 }, () => [[rnd(), rnd()], [rnd(), rnd()]])];
    for (const m of cases) {
      const got = eigenvalues2x2(m);
      const want = eigenvalues(m.flat(), 2);
      for (let i = 0; i < 2; i++) {
        expect(Math.hypot(got[i]![0] - want[i]![0], Math.abs(got[i]![1]) - Math.abs(want[i]![1])), JSON.stringify(m)).toBeLessThan(1e-7);
      }
    }
    expect(() => eigenvalues2x2([[1, 2], [3]])).toThrow(/needs a 2 × 2 matrix/);
  });
});
