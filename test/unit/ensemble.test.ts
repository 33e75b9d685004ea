// ensemble.test.ts — building N oscillators from --param specs: fixed values, seeded
// uniform ranges (reproducible, in range, independent per parameter) and flag errors.

import { describe, expect, it } from 'vitest';
import { buildEnsemble, parseParamSpec } from '../../src/physics/ensemble';
import { DEFAULT_OSCILLATOR, PARAM_NAMES } from '../../src/physics/oscillator';

describe('parseParamSpec', () => {
  it('parses numbers, numeric strings and ranges', () => {
    expect(parseParamSpec('--c', 0.4)).toEqual({ kind: 'fixed', value: 0.4 });
    expect(parseParamSpec('--c', ' -1.5e-1 ')).toEqual({ kind: 'fixed', value: -0.15 });
    expect(parseParamSpec('--k', '-1.5:1.5')).toEqual({ kind: 'range', lo: -1.5, hi: 1.5 });
    expect(parseParamSpec('--k', '2:2')).toEqual({ kind: 'range', lo: 2, hi: 2 });
  });

  it.each([
    ['abc', /--omega: expected a number or a range "lo:hi", got "abc"/],
    ['', /--omega: expected a number or a range/],
    ['1:', /--omega: a range must be "lo:hi" with two finite numbers, got "1:"/],
    [':2', /--omega: a range must be "lo:hi"/],
    ['1:2:3', /--omega: a range must be "lo:hi" .* got "1:2:3"/],
    ['a:b', /--omega: a range must be "lo:hi"/],
    ['3:1', /--omega: range "3:1" has lo > hi \(3 > 1\)/],
    ['inf', /--omega: expected a number/],
    [NaN, /--omega: expected a finite number, got NaN/],
  ] as const)('rejects %j naming the flag', (spec, message) => {
    expect(() => parseParamSpec('--omega', spec)).toThrow(message);
  });
});

describe('buildEnsemble', () => {
  it('fills unspecified parameters from the defaults, or from base', () => {
    const e = buildEnsemble({ count: 3, specs: { k: 2, c: '0.1' } });
    expect(e.count).toBe(3);
    for (const name of PARAM_NAMES) {
      const expected = name === 'k' ? 2 : name === 'c' ? 0.1 : DEFAULT_OSCILLATOR[name];
      expect(Array.from(e[name])).toEqual([expected, expected, expected]);
    }
    const based = buildEnsemble({ count: 1, base: { ...DEFAULT_OSCILLATOR, F: 0 } });
    expect(based.F[0]).toBe(0);
  });

  it('draws ranges inside [lo, hi), spread over the range', () => {
    const e = buildEnsemble({ count: 2000, seed: 7, specs: { k: '0.5:2', omega: '-1:1' } });
    const k = Array.from(e.k);
    expect(Math.min(...k)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...k)).toBeLessThan(2);
    // Uniform on [0.5, 2): mean 1.25, sd 0.433 / sqrt(2000) ≈ 0.01.
    expect(Math.abs(k.reduce((a, b) => a + b) / k.length - 1.25)).toBeLessThan(0.05);
    expect(Math.min(...k)).toBeLessThan(0.6);
    expect(Math.max(...k)).toBeGreaterThan(1.9);
    expect(new Set(e.omega).size).toBe(2000);
  });

  it('is reproducible for a seed and changes with the seed', () => {
    const specs = { c: '0:1', x0: '-1:1' };
    const a = buildEnsemble({ count: 50, seed: 3, specs });
    const b = buildEnsemble({ count: 50, seed: 3, specs });
    const c = buildEnsemble({ count: 50, seed: 4, specs });
    expect(a.c).toEqual(b.c);
    expect(a.x0).toEqual(b.x0);
    expect(a.c).not.toEqual(c.c);
  });

  it('gives each parameter its own stream: adding a range elsewhere leaves draws unchanged', () => {
    const alone = buildEnsemble({ count: 20, seed: 9, specs: { k: '1:3' } });
    const more = buildEnsemble({ count: 20, seed: 9, specs: { m: '1:2', k: '1:3', v0: '0:1' } });
    expect(more.k).toEqual(alone.k);
    const same = buildEnsemble({ count: 20, seed: 9, specs: { c: '1:3' } });
    expect(same.c).not.toEqual(alone.k); // different parameter, different stream
  });

  it('rejects bad counts, seeds, unknown parameters and bad specs, naming the flag', () => {
    expect(() => buildEnsemble({ count: 0 })).toThrow(/count must be an integer >= 1, got 0/);
    expect(() => buildEnsemble({ count: 2.5 })).toThrow(/count .* got 2.5/);
    expect(() => buildEnsemble({ count: 1, seed: NaN })).toThrow(/seed must be a finite number, got NaN/);
    expect(() => buildEnsemble({ count: 1, specs: { mass: 1 } as never })).toThrow(/unknown parameter "mass"; allowed: m, c/);
    expect(() => buildEnsemble({ count: 1, specs: { phi: '1..2' } })).toThrow(/--phi: expected a number/);
  });
});
