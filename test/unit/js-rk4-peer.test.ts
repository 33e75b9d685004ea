// js-rk4-peer.test.ts — the benchmark's JavaScript peer (bench/js-rk4.ts) computes RK4: it
// must match the float64 reference before its speed means anything.
import { describe, expect, it } from 'vitest';
import { jsRk4Float32 } from '../../bench/js-rk4';
import { buildEnsemble } from '../../src/physics/ensemble';
import { packOscillatorParams } from '../../src/physics/pack';
import { PARAM_NAMES } from '../../src/physics/oscillator';
import { simulateReference } from '../../src/physics/simulate-reference';

describe('jsRk4Float32', () => {
  it.each([
    [1, 1],
    [13, 7],
  ])('matches the float64 reference to float32 accuracy (N = %i, recordEvery = %i)', (count, recordEvery) => {
    const params = buildEnsemble({ count, seed: count, specs: { m: '0.5:2', c: '0:2', k: '0.2:3', F: '-1:1', omega: '0:3', phi: '-3:3', x0: '-1:1', v0: '-1:1' } });
    for (const name of PARAM_NAMES) params[name].forEach((v, i, a) => (a[i] = Math.fround(v)));
    const run = { params, dt: 0.01, steps: 500, recordEvery, integrator: 'rk4' as const };
    const want = simulateReference(run);
    const got = new Float32Array(want.length);
    jsRk4Float32(packOscillatorParams(params), run.dt, run.steps, recordEvery, 0, got);
    const S = want.length / count;
    for (let i = 0; i < count; i++) {
      const row = want.subarray(i * S, (i + 1) * S);
      const scale = Math.max(...row.map(Math.abs));
      for (let s = 0; s < S; s++) expect(Math.abs(got[i * S + s]! - row[s]!)).toBeLessThanOrEqual(1e-5 * scale);
    }
  });

  it('rejects an output array of the wrong size', () => {
    expect(() => jsRk4Float32(new Float32Array(8), 0.1, 10, 1, 0, new Float32Array(10))).toThrow(/expected \[1, 11\]/);
  });
});
