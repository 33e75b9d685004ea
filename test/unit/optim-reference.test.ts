// Closed forms of the optimizer references, derived by hand from torch's update rules.
import { describe, expect, it } from 'vitest';
import {
  ADAM_DEFAULTS,
  SGD_DEFAULTS,
  adamStepReference,
  adamStepScalars,
  clipScaleReference,
  sgdStepReference,
  validateAdam,
  validateSgd,
} from '../../src/reference/optim';

describe('Adam reference', () => {
  it('first step moves each weight by lr·g/(|g| + eps)', () => {
    const h = { ...ADAM_DEFAULTS, lr: 0.1, eps: 0.5 };
    const p = Float64Array.from([1, -2, 0.5]);
    const g = [2, -0.5, 0];
    adamStepReference(h, 1, p, g, new Float64Array(3), new Float64Array(3));
    expect(p[0]).toBeCloseTo(1 - (0.1 * 2) / 2.5, 14);
    expect(p[1]).toBeCloseTo(-2 + (0.1 * 0.5) / 1.0, 14);
    expect(p[2]).toBe(0.5);
  });

  it('a constant gradient keeps the bias-corrected moments at g and g²', () => {
    const h = { ...ADAM_DEFAULTS, lr: 0.01, eps: 0 };
    const p = Float64Array.from([0]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    for (let t = 1; t <= 5; t++) adamStepReference(h, t, p, [3], m, v);
    // m̂ = g, v̂ = g² every step, so each step moves by exactly lr.
    expect(p[0]).toBeCloseTo(-0.05, 12);
    expect(m[0]).toBeCloseTo(3 * (1 - 0.9 ** 5), 12);
  });

  it('weight decay adds wd·p to the gradient, scale multiplies the gradient first', () => {
    const h = { ...ADAM_DEFAULTS, lr: 1, weightDecay: 0.5 };
    const p = Float64Array.from([4]);
    adamStepReference(h, 1, p, [-1], new Float64Array(1), new Float64Array(1), 2); // g = 2·(−1) + 0.5·4 = 0
    expect(p[0]).toBe(4);
    expect(adamStepScalars(h, 2).stepSize).toBeCloseTo(1 / (1 - 0.81), 12);
  });
});

describe('SGD reference', () => {
  it('momentum accumulates g(1 + μ + μ²) after three equal gradients; nesterov looks ahead', () => {
    const h = { ...SGD_DEFAULTS, lr: 1, momentum: 0.5 };
    const p = Float64Array.from([0]);
    const buf = new Float64Array(1);
    for (let t = 0; t < 3; t++) sgdStepReference(h, t === 0, p, [1], buf);
    expect(buf[0]).toBeCloseTo(1.75, 14);
    expect(p[0]).toBeCloseTo(-(1 + 1.5 + 1.75), 14);
    const q = Float64Array.from([0]);
    sgdStepReference({ ...h, nesterov: true }, true, q, [1], new Float64Array(1));
    expect(q[0]).toBeCloseTo(-1.5, 14);
  });

  it('dampening does not apply on the first step (buffer = g)', () => {
    const h = { ...SGD_DEFAULTS, lr: 1, momentum: 0.9, dampening: 0.5 };
    const buf = new Float64Array(1);
    sgdStepReference(h, true, Float64Array.from([0]), [2], buf);
    expect(buf[0]).toBe(2);
    sgdStepReference(h, false, Float64Array.from([0]), [2], buf);
    expect(buf[0]).toBeCloseTo(0.9 * 2 + 0.5 * 2, 14);
  });
});

describe('clip reference', () => {
  it('norm of [3, 4] is 5; factor max_norm/(5 + 1e-6), capped at 1', () => {
    expect(clipScaleReference([3, 4], 1)).toEqual({ norm: 5, scale: 1 / (5 + 1e-6) });
    expect(clipScaleReference([3, 4], 100).scale).toBe(1);
  });
});

describe('validation', () => {
  it('names the offending hyper-parameter', () => {
    expect(() => validateAdam({ ...ADAM_DEFAULTS, lr: Number.NaN })).toThrow(/adam: lr must be a finite number >= 0, got NaN/);
    expect(() => validateAdam({ ...ADAM_DEFAULTS, beta2: 1 })).toThrow(/beta2 must be in \[0, 1\), got 1/);
    expect(() => validateSgd({ ...SGD_DEFAULTS, nesterov: true })).toThrow(/nesterov needs momentum > 0/);
    expect(() => validateSgd({ ...SGD_DEFAULTS, momentum: -1 })).toThrow(/momentum must be >= 0, got -1/);
  });
});
