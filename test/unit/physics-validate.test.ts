// physics-validate.test.ts — validateSimulation: returned shape, and one clear error per
// invalid option, naming the parameter (and oscillator) and the offending value.

import { describe, expect, it } from 'vitest';
import { validateSimulation } from '../../src/physics/validate';
import { DEFAULT_OSCILLATOR, PARAM_NAMES, toColumns, type OscillatorParams, type SimulationOptions } from '../../src/physics/oscillator';
import { Random } from '../../src/util/random';

const good: SimulationOptions = {
  params: [DEFAULT_OSCILLATOR, { ...DEFAULT_OSCILLATOR, k: 2 }, { ...DEFAULT_OSCILLATOR, m: -1 }],
  dt: 0.01,
  steps: 100,
  recordEvery: 7,
  integrator: 'rk4',
};
const withOpts = (over: Record<string, unknown>) => ({ ...good, ...over }) as SimulationOptions;

describe('validateSimulation', () => {
  it('returns N and S = floor(steps / recordEvery) + 1 for valid options', () => {
    expect(validateSimulation(good)).toEqual({ count: 3, samples: 15 });
    expect(validateSimulation({ ...good, params: toColumns(good.params as never), t0: -4 })).toEqual({
      count: 3,
      samples: 15,
    });
    expect(validateSimulation({ ...good, steps: 1, recordEvery: 5 }).samples).toBe(1);
  });

  it.each([
    ['dt', 0, /dt must be a finite number > 0, got 0/],
    ['dt', -0.1, /dt must be a finite number > 0, got -0.1/],
    ['dt', NaN, /dt must be a finite number > 0, got NaN/],
    ['dt', Infinity, /dt .* got Infinity/],
    ['steps', 0, /steps must be an integer >= 1, got 0/],
    ['steps', 2.5, /steps must be an integer >= 1, got 2.5/],
    ['steps', '10', /steps must be an integer >= 1, got '10' \(a string\)/],
    ['recordEvery', 0, /recordEvery must be an integer >= 1, got 0/],
    ['recordEvery', 1.5, /recordEvery must be an integer >= 1, got 1.5/],
    ['integrator', 'rk5', /integrator must be one of rk4, euler, symplectic, got 'rk5' \(a string\)/],
    ['t0', NaN, /t0 must be a finite number, got NaN/],
  ])('rejects %s = %s', (name, value, message) => {
    expect(() => validateSimulation(withOpts({ [name]: value }))).toThrow(message);
  });

  it('rejects an end time that overflows', () => {
    expect(() => validateSimulation(withOpts({ dt: 1e308, steps: 10 }))).toThrow(/end time .* overflows/);
  });

  it('rejects N < 1 for records and columns', () => {
    expect(() => validateSimulation(withOpts({ params: [] }))).toThrow(/at least one oscillator \(N >= 1\), got N=0/);
    expect(() => validateSimulation(withOpts({ params: toColumns([]) }))).toThrow(/N=0/);
  });

  it.each(['m', 'c', 'k', 'F', 'omega', 'phi', 'x0', 'v0'] as const)(
    'names the oscillator and parameter when %s is not finite',
    (name) => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const params = [DEFAULT_OSCILLATOR, DEFAULT_OSCILLATOR, { ...DEFAULT_OSCILLATOR, [name]: bad }];
        const expected = new RegExp(`oscillator 2 parameter ${name} must be a finite number, got ${bad}`);
        expect(() => validateSimulation(withOpts({ params }))).toThrow(expected);
        expect(() => validateSimulation(withOpts({ params: toColumns(params) }))).toThrow(expected);
      }
    },
  );

  it('rejects m = 0 (and -0), naming the oscillator', () => {
    for (const zero of [0, -0]) {
      const params = [{ ...DEFAULT_OSCILLATOR, m: zero }];
      expect(() => validateSimulation(withOpts({ params }))).toThrow(/oscillator 0 parameter m must be non-zero.*got 0/);
    }
  });

  it('rejects a missing parameter and columns of the wrong length', () => {
    const { k: _k, ...noK } = DEFAULT_OSCILLATOR;
    expect(() => validateSimulation(withOpts({ params: [noK] }))).toThrow(/oscillator 0 parameter k .* got undefined/);
    const cols = toColumns([DEFAULT_OSCILLATOR, DEFAULT_OSCILLATOR]);
    expect(() => validateSimulation(withOpts({ params: { ...cols, c: new Float64Array(1) } }))).toThrow(
      /column c has length 1, expected count=2/,
    );
  });

  it('gives columns (the fast path) exactly the error the array form gives, for the first bad oscillator', () => {
    const rng = new Random(7);
    const bads = [NaN, Infinity, -Infinity, 0];
    const errorOf = (params: SimulationOptions['params']) => {
      try {
        validateSimulation(withOpts({ params }));
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (let trial = 0; trial < 200; trial++) {
      const params: OscillatorParams[] = Array.from({ length: 1 + rng.int(20) }, () => ({ ...DEFAULT_OSCILLATOR, m: rng.uniform(0.5, 2) }));
      for (let b = rng.int(4); b > 0; b--) {
        const name = PARAM_NAMES[rng.int(PARAM_NAMES.length)]!;
        const bad = bads[rng.int(bads.length)]!;
        if (bad !== 0 || name === 'm') params[rng.int(params.length)]![name] = bad;
      }
      const fromArray = errorOf(params);
      expect(errorOf(toColumns(params)), fromArray).toBe(fromArray);
      if (fromArray !== 'no error') expect(fromArray).toMatch(/^simulation: oscillator \d+ parameter \w+ must be/);
    }
  });
});
