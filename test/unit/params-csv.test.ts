// params-csv.test.ts — parsing oscillator parameter CSVs: column subsets and order,
// defaults, comments/blank lines, and every error naming its line and column.

import { describe, expect, it } from 'vitest';
import { parseParamsCsv } from '../../src/io/params-csv';
import { parseFiniteNumber } from '../../src/util/check';
import { DEFAULT_OSCILLATOR, PARAM_NAMES } from '../../src/physics/oscillator';

describe('parseParamsCsv', () => {
  it('reads columns in any order and fills missing ones with defaults', () => {
    const p = parseParamsCsv('k,m\n4,2\n9,0.5\n');
    expect(p.count).toBe(2);
    expect(Array.from(p.k)).toEqual([4, 9]);
    expect(Array.from(p.m)).toEqual([2, 0.5]);
    for (const name of PARAM_NAMES) {
      expect(p[name]).toBeInstanceOf(Float64Array);
      expect(p[name].length).toBe(2);
      if (name !== 'k' && name !== 'm') expect(Array.from(p[name])).toEqual([DEFAULT_OSCILLATOR[name], DEFAULT_OSCILLATOR[name]]);
    }
  });

  it('reads all eight columns, signs, exponents, spaces and CRLF', () => {
    const text = 'v0, x0,phi,omega,F,k,c,m\r\n-1e-3, +2.5, .5, 1., -0 ,3E2, 0.0, 7\r\n';
    const p = parseParamsCsv(text);
    expect(p.count).toBe(1);
    expect([p.v0[0], p.x0[0], p.phi[0], p.omega[0], p.F[0], p.k[0], p.c[0], p.m[0]]).toEqual([
      -0.001, 2.5, 0.5, 1, -0, 300, 0, 7,
    ]);
  });

  it('skips blank lines, # comments (also before the header), a BOM and a missing final newline', () => {
    const text = '\uFEFF# oscillators\n\n  # another comment\nc\n\n0.1\n   \n# mid\n0.2';
    const p = parseParamsCsv(text);
    expect(p.count).toBe(2);
    expect(Array.from(p.c)).toEqual([0.1, 0.2]);
  });

  it('rejects an empty file, comments only, and a header without rows', () => {
    expect(() => parseParamsCsv('')).toThrow(/empty/);
    expect(() => parseParamsCsv('\n# nothing\n\n')).toThrow(/empty/);
    expect(() => parseParamsCsv('m,c\n\n')).toThrow(/no data rows/);
  });

  it('rejects an unknown column, naming it and listing the allowed ones', () => {
    expect(() => parseParamsCsv('m,mass\n1,2\n')).toThrow(
      /line 1: unknown column "mass"; allowed columns: m, c, k, F, omega, phi, x0, v0/,
    );
    expect(() => parseParamsCsv('f\n1\n')).toThrow(/unknown column "f" \(did you mean F\?/);
  });

  it('rejects duplicate and empty header columns', () => {
    expect(() => parseParamsCsv('# c\nm,c,m\n1,2,3\n')).toThrow(/line 2: duplicate column "m"/);
    expect(() => parseParamsCsv('m,,c\n1,2,3\n')).toThrow(/header column 2 is empty/);
  });

  it('reports the 1-based line of a row with the wrong field count', () => {
    const text = 'm,c\n1,2\n# comment\n\n3\n';
    expect(() => parseParamsCsv(text)).toThrow(/line 5: expected 2 fields \(m,c\), got 1/);
    expect(() => parseParamsCsv('m,c\n1,2,3\n')).toThrow(/line 2: expected 2 fields \(m,c\), got 3/);
  });

  it.each([['abc'], [''], ['1.2.3'], ['0x10'], ['Infinity'], ['NaN'], ['1e999'], ['inf'], ['1,5']])(
    'reports line and column for the bad value %j',
    (bad) => {
      const text = `m,k\n1,2\n3,${bad}\n`;
      const expected = bad === '1,5' ? /line 3: expected 2 fields/ : /line 3, column k: expected a finite number/;
      expect(() => parseParamsCsv(text)).toThrow(expected);
    },
  );

  it('uses the source name in messages', () => {
    expect(() => parseParamsCsv('m\nx\n', 'osc.csv')).toThrow(/^osc\.csv line 2, column m: expected a finite number, got "x"$/);
  });
});

describe('parseFiniteNumber', () => {
  it('accepts decimal numbers and rejects everything else', () => {
    expect(parseFiniteNumber(' 1.5e-3 ')).toBe(0.0015);
    expect(parseFiniteNumber('-.25')).toBe(-0.25);
    for (const bad of ['', ' ', '1e', 'e5', '--1', '0b1', '1_0', 'Infinity', '-1e400']) {
      expect(parseFiniteNumber(bad)).toBeNull();
    }
  });
});
