import { describe, expect, it } from 'vitest';
import { describeDataset, functionValue, type DatasetOptions } from '../../src/data/datasets';

const base: DatasetOptions = { name: 'sine', noise: 0, seed: 1, rows: 8, seq: 50 };

describe('data sets', () => {
  it('function data sets sample t = linspace(0, 10π, 1000) with (f, f′)', () => {
    const spec = describeDataset({ ...base, name: 'combined' });
    const xv = spec.host!();
    expect(spec.samples).toBe(1000);
    const t = (10 * Math.PI * 137) / 999;
    expect(xv[2 * 137]).toBeCloseTo(Math.sin(t) + 0.5 * Math.sin(2 * t), 6);
    expect(xv[2 * 999]).toBeCloseTo(0, 5); // sin(10π) + ½ sin(20π)
    const [, dv] = functionValue('damped', 0);
    expect(dv).toBeCloseTo(1, 14); // d/dt e^{−t/10} sin t at 0
  });

  it('noise is Gaussian with the given σ and reproducible from the seed', () => {
    const a = describeDataset({ ...base, noise: 0.05 }).host!();
    const b = describeDataset({ ...base, noise: 0.05 }).host!();
    const clean = describeDataset(base).host!();
    expect([...a]).toEqual([...b]);
    let s2 = 0;
    for (let i = 0; i < 1000; i++) s2 += (a[2 * i]! - clean[2 * i]!) ** 2;
    expect(Math.sqrt(s2 / 1000)).toBeGreaterThan(0.045);
    expect(Math.sqrt(s2 / 1000)).toBeLessThan(0.055);
    expect([...describeDataset({ ...base, noise: 0.05, seed: 2 }).host!()]).not.toEqual([...a]);
  });

  it('ensembles draw (γ, Ω, F) in their ranges; regimes carry labels matching ζ', () => {
    const e = describeDataset({ ...base, name: 'ensemble' });
    for (const p of e.integration!.params) {
      expect(p.c / 2).toBeGreaterThanOrEqual(0.05);
      expect(p.c / 2).toBeLessThan(0.5);
      expect(p.omega).toBeGreaterThanOrEqual(0.2);
      expect(p.F).toBeLessThan(1.5);
    }
    const r = describeDataset({ ...base, name: 'regime', rows: 60, seq: 40 });
    expect(r.samples).toBe(40);
    r.integration!.params.forEach((p, i) => {
      const zeta = p.c / (2 * Math.sqrt(p.k * p.m));
      const want = zeta < 1 ? 0 : zeta === 1 ? 1 : 2;
      expect(r.labels![i]).toBe(want);
      expect(p.F).toBe(0);
    });
    expect(new Set(r.labels).size).toBe(3);
  });
});
