// csv-out.test.ts — trajectory CSV layout (oscillator,sample,t,x[,v]), time column and
// number formatting that reads back exactly in the array's precision.

import { describe, expect, it } from 'vitest';
import { trajectoryCsvHeader, trajectoryCsvLines, trajectoryToCsv } from '../../src/io/csv-out';

describe('trajectoryToCsv', () => {
  it('writes one row per oscillator per sample, oscillator-major, with t = t0 + s*recordEvery*dt', () => {
    // [N=2, S=3] of x
    const data = Float64Array.from([1, 0.5, -0.25, 2, 3, 4]);
    const csv = trajectoryToCsv({ data, count: 2, samples: 3, dt: 0.1, recordEvery: 3, t0: 1 });
    expect(csv).toBe(
      ['oscillator,sample,t,x', '0,0,1,1', '0,1,1.3,0.5', '0,2,1.6,-0.25', '1,0,1,2', '1,1,1.3,3', '1,2,1.6,4', ''].join('\n'),
    );
  });

  it('writes interleaved (x, v) as x and v columns', () => {
    // [N=1, S=2, 2]
    const data = Float64Array.from([1, 0, 0.75, -0.5]);
    const lines = [...trajectoryCsvLines({ data, count: 1, samples: 2, velocity: true, dt: 0.01, recordEvery: 10 })];
    expect(lines).toEqual(['oscillator,sample,t,x,v', '0,0,0,1,0', '0,1,0.1,0.75,-0.5']);
    expect(trajectoryCsvHeader(true)).toBe(lines[0]);
    expect(trajectoryCsvHeader()).toBe('oscillator,sample,t,x');
  });

  it('prints float32 values as the shortest decimal that reads back to the same float32', () => {
    const values = [0.1, 1 / 3, -2.5e-8, 123456.789, 3.4e38, 1e-40];
    const data = Float32Array.from(values);
    const lines = [...trajectoryCsvLines({ data, count: 1, samples: values.length, dt: 1, recordEvery: 1 })];
    const printed = lines.slice(1).map((l) => l.split(',')[3]!);
    expect(printed[0]).toBe('0.1');
    printed.forEach((text, i) => {
      expect(Math.fround(Number(text))).toBe(data[i]);
      const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length;
      expect(digits).toBeLessThanOrEqual(9);
    });
  });

  it('prints float64 values exactly and non-finite values by name', () => {
    const data = Float64Array.from([0.1 + 0.2, NaN, Infinity, -Infinity]);
    const lines = [...trajectoryCsvLines({ data, count: 4, samples: 1, dt: 1, recordEvery: 1 })];
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['0.30000000000000004', 'NaN', 'Infinity', '-Infinity']);
  });

  it('rejects data whose length does not match the shape', () => {
    const data = new Float32Array(5);
    expect(() => trajectoryToCsv({ data, count: 2, samples: 3, dt: 1, recordEvery: 1 })).toThrow(
      /data has length 5, expected \[2, 3\] = 6/,
    );
    expect(() => trajectoryToCsv({ data, count: 1, samples: 3, velocity: true, dt: 1, recordEvery: 1 })).toThrow(
      /expected \[1, 3, 2\] = 6/,
    );
  });
});
