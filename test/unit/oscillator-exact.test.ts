// oscillator-exact.test.ts — the closed form checked against its own definition (initial
// state and ODE residual by central differences), independently of any integrator, plus
// continuity where the formula switches branches (critical damping, resonance).

import { describe, expect, it } from 'vitest';
import { DEFAULT_OSCILLATOR, type OscillatorParams } from '../../src/physics/oscillator';
import { exactPosition, exactState, exactTrajectory } from '../../src/reference/oscillator-exact';

const osc = (over: Partial<OscillatorParams>): OscillatorParams => ({ ...DEFAULT_OSCILLATOR, ...over });

const CASES: Record<string, OscillatorParams> = {
  lecture: osc({}),
  underdamped: osc({ m: 1.5, c: 0.3, k: 2, F: 0.8, omega: 1.7, phi: 0.4, x0: -0.5, v0: 1 }),
  critical: osc({ c: 2, k: 1, F: 0.7, omega: 1.3, phi: 0.3, x0: -1, v0: 2 }),
  overdamped: osc({ m: 0.5, c: 3, k: 1, F: 1.2, omega: 2.5, phi: 2, x0: 0.3, v0: 0.7 }),
  stronglyOverdamped: osc({ c: 40, k: 1, F: 1, omega: 0.2, x0: 1, v0: 3 }),
  undriven: osc({ c: 0.1, k: 4, F: 0, x0: 1, v0: 0.5 }),
  step: osc({ c: 0.6, k: 2, F: 1.5, omega: 0, phi: 0.25, x0: 0, v0: 0 }),
  undampedResonance: osc({ c: 0, k: 4, F: 1, omega: 2, phi: 0.7, x0: 0.5, v0: 0.1 }),
  undampedOffResonance: osc({ c: 0, k: 4, F: 1, omega: 0.7, phi: -0.2, x0: 0.5, v0: 0.1 }),
  negativeOmega: osc({ c: 0.2, k: 1, omega: -0.8, phi: 0.9 }),
  noSpringStep: osc({ c: 0.3, k: 0, omega: 0, phi: 0.2, x0: 0.5, v0: 0.1 }),
  freeFallLike: osc({ c: 0, k: 0, omega: 0, phi: 0.2, x0: 0.5, v0: 0.1 }),
  noSpringDriven: osc({ c: 0, k: 0, omega: 1, phi: 0.2 }),
  antiDamped: osc({ c: -0.2, k: 1, omega: 0.6 }),
  invertedSpring: osc({ c: 0.2, k: -1, omega: 1 }),
  negativeMass: osc({ m: -1.5, c: 0.3, k: -2, omega: 0.8, phi: 0.2 }),
};

describe('exactState satisfies its definition', () => {
  const t0 = 0.7;
  it.each(Object.entries(CASES))('%s: initial state at t0', (_name, p) => {
    const s = exactState(p, t0, t0);
    expect(s.x).toBeCloseTo(p.x0, 13);
    expect(s.v).toBeCloseTo(p.v0, 13);
  });

  it.each(Object.entries(CASES))('%s: x\' = v and m x\'\' + c x\' + k x = F cos(omega t + phi)', (_name, p) => {
    const h = 1e-4;
    for (const t of [0.9, 2.3, 5.1, 8]) {
      const ahead = exactState(p, t + h, t0);
      const behind = exactState(p, t - h, t0);
      const now = exactState(p, t, t0);
      const dx = (ahead.x - behind.x) / (2 * h);
      const dv = (ahead.v - behind.v) / (2 * h);
      const scale = 1 + Math.abs(now.x) + Math.abs(now.v) + Math.abs(p.F);
      expect(Math.abs(dx - now.v) / scale).toBeLessThan(1e-6);
      const residual = p.m * dv + p.c * now.v + p.k * now.x - p.F * Math.cos(p.omega * t + p.phi);
      expect(Math.abs(residual) / (scale * (Math.abs(p.m) + Math.abs(p.c) + Math.abs(p.k)))).toBeLessThan(1e-6);
    }
  });
});

describe('branch switches are continuous', () => {
  it('damping just below, at and just above critical agree to ~1e-7', () => {
    const at = osc({ c: 2, k: 1, F: 0.7, omega: 1.3, phi: 0.3, x0: -1, v0: 2 });
    for (const dc of [-1e-9, 1e-9, -1e-12, 1e-12]) {
      for (const t of [0.5, 3, 10, 30]) {
        const a = exactState({ ...at, c: at.c + dc }, t);
        const b = exactState(at, t);
        expect(Math.abs(a.x - b.x)).toBeLessThan(1e-7);
        expect(Math.abs(a.v - b.v)).toBeLessThan(1e-7);
      }
    }
  });

  it('undamped forcing approaching resonance approaches the resonant solution', () => {
    const res = CASES.undampedResonance!;
    for (const t of [1, 10, 50]) {
      const exact = exactState(res, t);
      for (const eps of [1e-7, 1e-10]) {
        const near = exactState({ ...res, omega: res.omega + eps }, t);
        expect(Math.abs(near.x - exact.x)).toBeLessThan(1e-4 * (1 + Math.abs(exact.x)));
      }
    }
    // Secular growth: amplitude F t / (2 m omega) dominates for large t.
    const late = Math.max(...Array.from({ length: 200 }, (_, i) => Math.abs(exactPosition(res, 100 + i * 0.05))));
    expect(late).toBeGreaterThan(0.9 * (res.F * 100) / (2 * res.m * res.omega));
  });

  it('tiny damping is continuous with zero damping', () => {
    const res = CASES.undampedOffResonance!;
    for (const t of [1, 10]) {
      expect(exactPosition({ ...res, c: 1e-12 }, t)).toBeCloseTo(exactPosition(res, t), 9);
    }
  });
});

describe('conventions', () => {
  it('negative omega is the same force as positive omega with negated phase', () => {
    const p = CASES.negativeOmega!;
    const q = { ...p, omega: -p.omega, phi: -p.phi };
    for (const t of [0, 1, 4]) expect(exactPosition(p, t)).toBeCloseTo(exactPosition(q, t), 14);
  });

  it('exactTrajectory samples t0 + s * recordEvery * dt, optionally with v', () => {
    const p = CASES.underdamped!;
    const run = { dt: 0.1, steps: 7, recordEvery: 3, t0: 1.5 };
    const xs = exactTrajectory(p, run);
    const xvs = exactTrajectory(p, { ...run, velocity: true });
    expect(xs.length).toBe(3);
    expect(xvs.length).toBe(6);
    for (let s = 0; s < 3; s++) {
      const st = exactState(p, 1.5 + s * 0.3, 1.5);
      expect(xs[s]).toBe(st.x);
      expect([xvs[2 * s], xvs[2 * s + 1]]).toEqual([st.x, st.v]);
    }
  });
});
