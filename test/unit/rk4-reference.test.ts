// rk4-reference.test.ts — the float64 integrators against the closed-form solution:
// accuracy per damping regime, measured convergence order, sampling and t0 handling.

import { describe, expect, it } from 'vitest';
import { DEFAULT_OSCILLATOR, PARAM_NAMES, sampleCount, toColumns, type Integrator, type OscillatorParams } from '../../src/physics/oscillator';
import { accelerationOf } from '../../src/reference/rk4';
import { simulateReference } from '../../src/physics/simulate-reference';
import { exactTrajectory } from '../../src/reference/oscillator-exact';

const osc = (over: Partial<OscillatorParams>): OscillatorParams => ({ ...DEFAULT_OSCILLATOR, ...over });

// Each regime once; forcing phases and initial states vary so no term is trivially zero.
const CASES: Record<string, OscillatorParams> = {
  lecture: osc({}),
  underdamped: osc({ m: 1.5, c: 0.3, k: 2, F: 0.8, omega: 1.7, phi: 0.4, x0: -0.5, v0: 1 }),
  critical: osc({ m: 2, c: 2 * Math.sqrt(2 * 3), k: 3, F: 0.5, omega: 0.9, phi: -1, x0: 1, v0: -2 }),
  overdamped: osc({ m: 0.5, c: 3, k: 1, F: 1.2, omega: 2.5, phi: 2, x0: 0.3, v0: 0.7 }),
  undriven: osc({ c: 0.1, k: 4, F: 0, x0: 1, v0: 0.5 }),
  step: osc({ c: 0.6, k: 2, F: 1.5, omega: 0, phi: 0.25, x0: 0, v0: 0 }),
  nearResonance: osc({ m: 1, c: 0.05, k: 1, F: 1, omega: 0.999, phi: 0, x0: 0, v0: 0 }),
};

/** max |a - b| / max |b| over all entries (b is the exact trajectory). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

describe('simulateReference vs closed form', () => {
  const names = Object.keys(CASES);
  const params = names.map((n) => CASES[n]!);
  const run = { dt: 0.01, steps: 2000, recordEvery: 1 };
  const x = simulateReference({ params, ...run, integrator: 'rk4' }); // [N, S]
  const xv = simulateReference({ params, ...run, integrator: 'rk4', velocity: true }); // [N, S, 2]
  const S = sampleCount(run.steps, run.recordEvery);

  it.each(names.map((n, i) => [n, i] as const))('%s: rk4 x within 2e-4 of exact', (_name, i) => {
    const exact = exactTrajectory(params[i]!, run);
    expect(relativeError(x.subarray(i * S, (i + 1) * S), exact)).toBeLessThanOrEqual(2e-4);
  });

  it.each(names.map((n, i) => [n, i] as const))('%s: rk4 v within 2e-4 of exact', (_name, i) => {
    const exact = exactTrajectory(params[i]!, { ...run, velocity: true });
    const row = xv.subarray(i * S * 2, (i + 1) * S * 2);
    const pick = (a: Float64Array, c: number) => a.filter((_, j) => j % 2 === c);
    expect(relativeError(pick(row, 0), pick(exact, 0))).toBeLessThanOrEqual(2e-4);
    expect(relativeError(pick(row, 1), pick(exact, 1))).toBeLessThanOrEqual(2e-4);
  });

  it('near resonance really is near resonance (amplitude grows to 5x the static F/k)', () => {
    const i = names.indexOf('nearResonance');
    const peak = Math.max(...x.subarray(i * S, (i + 1) * S).map(Math.abs));
    expect(peak).toBeGreaterThan(5);
  });

  it('columnar params give bit-identical output to records', () => {
    expect(simulateReference({ params: toColumns(params), ...run, integrator: 'rk4' })).toEqual(x);
  });
});

/** Least-squares slope of log(err) against log(dt). */
function logLogSlope(dts: number[], errs: number[]): number {
  const lx = dts.map(Math.log);
  const ly = errs.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length;
  const my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

/** Max error at t = 0, 1, ..., 10 for dt = 0.1 / 2^j, j = 0..4 (recordEvery keeps times aligned). */
function errorsByDt(integrator: Integrator, p: OscillatorParams): { dts: number[]; errs: number[] } {
  const dts: number[] = [];
  const errs: number[] = [];
  for (let j = 0; j < 5; j++) {
    const dt = 0.1 / 2 ** j;
    const run = { dt, steps: 100 * 2 ** j, recordEvery: 10 * 2 ** j };
    const got = simulateReference({ params: [p], ...run, integrator });
    const exact = exactTrajectory(p, run);
    expect(got.length).toBe(11);
    dts.push(dt);
    errs.push(Math.max(...got.map((g, s) => Math.abs(g - exact[s]!))));
  }
  return { dts, errs };
}

describe('convergence order', () => {
  const forced = osc({ c: 0.3, k: 2, F: 1, omega: 1.3, phi: 0.5, x0: 1, v0: -0.5 });

  it('rk4 is fourth order', () => {
    const { dts, errs } = errorsByDt('rk4', forced);
    expect(Math.abs(logLogSlope(dts, errs) - 4)).toBeLessThan(0.3);
  });

  it('rk4 is fourth order on the lecture oscillator too', () => {
    const { dts, errs } = errorsByDt('rk4', DEFAULT_OSCILLATOR);
    expect(Math.abs(logLogSlope(dts, errs) - 4)).toBeLessThan(0.3);
  });

  it('euler is first order', () => {
    const { dts, errs } = errorsByDt('euler', forced);
    expect(Math.abs(logLogSlope(dts, errs) - 1)).toBeLessThan(0.2);
  });

  it('symplectic euler is first order', () => {
    const { dts, errs } = errorsByDt('symplectic', forced);
    expect(Math.abs(logLogSlope(dts, errs) - 1)).toBeLessThan(0.2);
  });
});

describe('single steps by hand', () => {
  // m=2, c=1, k=4, unforced, (x, v) = (1, 2): a = (0 - 1*2 - 4*1) / 2 = -3.
  const p = osc({ m: 2, c: 1, k: 4, F: 0, x0: 1, v0: 2 });
  const one = (integrator: Integrator) =>
    simulateReference({ params: [p], dt: 0.1, steps: 1, recordEvery: 1, integrator, velocity: true });

  it('accelerationOf', () => {
    expect(accelerationOf(p, 1, 2, 0)).toBe(-3);
    // forcing 3 cos(2 * 0.5 + (-1)) = 3 at t = 0.5
    expect(accelerationOf(osc({ m: 2, c: 1, k: 4, F: 3, omega: 2, phi: -1 }), 1, 2, 0.5)).toBeCloseTo(-1.5, 15);
  });

  it('euler updates x and v from the old state', () => {
    const [x0, v0, x1, v1] = one('euler');
    expect([x0, v0]).toEqual([1, 2]);
    expect(x1).toBeCloseTo(1 + 2 * 0.1, 15); // old v
    expect(v1).toBeCloseTo(2 - 3 * 0.1, 15);
  });

  it('symplectic euler updates v first and moves x with the new v', () => {
    const [, , x1, v1] = one('symplectic');
    expect(v1).toBeCloseTo(1.7, 15);
    expect(x1).toBeCloseTo(1 + 1.7 * 0.1, 15);
  });

  it('rk4 step equals the 4th-order Taylor polynomial of exp(A dt) for an undriven oscillator', () => {
    // y' = A y with A = [[0, 1], [-k/m, -c/m]]; one RK4 step is (I + hA + (hA)^2/2 + (hA)^3/6 + (hA)^4/24) y.
    const h = 0.1;
    const A = [0, 1, -p.k / p.m, -p.c / p.m];
    const mul = (a: number[], b: number[]) => [
      a[0]! * b[0]! + a[1]! * b[2]!, a[0]! * b[1]! + a[1]! * b[3]!,
      a[2]! * b[0]! + a[3]! * b[2]!, a[2]! * b[1]! + a[3]! * b[3]!,
    ];
    let term = [1, 0, 0, 1];
    let sum = [1, 0, 0, 1];
    for (let n = 1; n <= 4; n++) {
      term = mul(term, A).map((e) => (e * h) / n);
      sum = sum.map((e, i) => e + term[i]!);
    }
    const [, , x1, v1] = one('rk4');
    expect(x1).toBeCloseTo(sum[0]! * p.x0 + sum[1]! * p.v0, 14);
    expect(v1).toBeCloseTo(sum[2]! * p.x0 + sum[3]! * p.v0, 14);
  });
});

describe('sampling', () => {
  const params = [CASES.underdamped!, CASES.overdamped!, CASES.lecture!];
  const base = { params, dt: 0.05, integrator: 'rk4' as const };

  it.each([
    [10, 3, 4],
    [9, 3, 4],
    [8, 3, 3],
    [2, 5, 1],
    [7, 1, 8],
    [12, 12, 2],
  ])('steps=%i recordEvery=%i gives S=%i', (steps, recordEvery, S) => {
    expect(sampleCount(steps, recordEvery)).toBe(S);
    expect(simulateReference({ ...base, steps, recordEvery }).length).toBe(params.length * S);
    expect(simulateReference({ ...base, steps, recordEvery, velocity: true }).length).toBe(params.length * S * 2);
  });

  it('sample s is step s*recordEvery of the unsampled run, for x and interleaved (x, v)', () => {
    const steps = 23;
    const every = 4;
    const S = sampleCount(steps, every);
    const full = simulateReference({ ...base, steps, recordEvery: 1, velocity: true }); // [N, 24, 2]
    const xs = simulateReference({ ...base, steps, recordEvery: every }); // [N, S]
    const xvs = simulateReference({ ...base, steps, recordEvery: every, velocity: true }); // [N, S, 2]
    for (let i = 0; i < params.length; i++) {
      expect([xvs[i * S * 2], xvs[i * S * 2 + 1]]).toEqual([params[i]!.x0, params[i]!.v0]);
      for (let s = 0; s < S; s++) {
        const at = (i * (steps + 1) + s * every) * 2;
        expect(xs[i * S + s]).toBe(full[at]);
        expect(xvs[(i * S + s) * 2]).toBe(full[at]);
        expect(xvs[(i * S + s) * 2 + 1]).toBe(full[at + 1]);
      }
    }
  });
});

describe('t0', () => {
  const p = osc({ c: 0.25, k: 1.5, F: 1, omega: 1.1, phi: 0.3, x0: 0.2, v0: -1 });

  it('forcing uses absolute time t0 + n dt (agrees with the closed form started at t0)', () => {
    const run = { dt: 0.01, steps: 2000, recordEvery: 5, t0: 3.7 };
    const got = simulateReference({ params: [p], ...run, integrator: 'rk4' });
    expect(relativeError(got, exactTrajectory(p, run))).toBeLessThanOrEqual(2e-4);
    // A forcing at relative time would be far off: the phase differs by omega * t0 ≈ 4 rad.
    expect(relativeError(got, exactTrajectory(p, { ...run, t0: 0 }))).toBeGreaterThan(1e-2);
  });

  it.each(['rk4', 'euler', 'symplectic'] as const)('%s: shifting t0 equals shifting phi by omega t0', (integrator) => {
    const t0 = 2.5;
    const run = { dt: 0.02, steps: 300, recordEvery: 3, integrator };
    const shifted = simulateReference({ params: [p], ...run, t0 });
    const phased = simulateReference({ params: [{ ...p, phi: p.phi + p.omega * t0 }], ...run });
    for (let s = 0; s < shifted.length; s++) expect(shifted[s]).toBeCloseTo(phased[s]!, 10);
  });
});

describe('validation is applied', () => {
  it('rejects m = 0 and names the oscillator', () => {
    const run = { dt: 0.1, steps: 1, recordEvery: 1, integrator: 'rk4' as const };
    expect(() => simulateReference({ params: [DEFAULT_OSCILLATOR, osc({ m: 0 })], ...run })).toThrow(/oscillator 1.*\bm\b/);
  });

  it('PARAM_NAMES lists every field of DEFAULT_OSCILLATOR in order', () => {
    expect(Object.keys(DEFAULT_OSCILLATOR)).toEqual([...PARAM_NAMES]);
  });
});
