// fixed-points.test.ts — the fixed-point search (src/analysis/fixed-points.ts): the GPU's
// ∇q = Jᵀ r − r against central finite differences of the float64 q, and the fixed points of
// the exercise's physics RNN for constant u against the closed form h* = (u/k, 0) with the
// Euler matrix's eigenvalues, for under-, critically and over-damped, negative-damping and
// k < 0 parameters.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { physicsRnn, physicsRnnTheory } from '../../src/physics-rnn';
import { findFixedPoints, fixedPointGradient, qValue } from '../../src/analysis/fixed-points';
import { fullStateSize, stackOf } from '../../src/analysis/state-layout';
import { Random } from '../../src/util/random';

const gpu = useGpu();

describe('q(s) = ½‖F(s) − s‖² and its GPU gradient', () => {
  it.each([['rnn_tanh', 1, 5], ['lstm', 2, 3], ['gru', 1, 7], ['rnn_relu', 2, 2]] as const)('%s, %i layer(s), H %i: against finite differences', async (cell, L, H) => {
    const { sched } = gpu;
    const config: ModelConfig = { cell, inputSize: 2, hiddenSize: H, numLayers: L, outputSize: 1, head: 'last-step' };
    const model = await RecurrentModel.create(sched, config, { seed: 3 });
    const params = await model.getParameters();
    model.setParameters(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.map((w) => 3 * w)])));
    const D = fullStateSize(config);
    const K = 3;
    const rng = new Random(5);
    const states = Float64Array.from({ length: K * D }, () => Math.fround(rng.uniform(-0.8, 0.8)));
    const u = [0.3, -0.2];
    const { q, grad } = await fixedPointGradient(sched, model, states, u);
    const stack = stackOf(config, await model.getParameters());
    const uu = Float64Array.from(u.map(Math.fround));
    const eps = 1e-5;
    for (let k = 0; k < K; k++) {
      const s = states.slice(k * D, (k + 1) * D);
      expect(q[k]).toBeCloseTo(qValue(stack, s, uu), 6);
      let scale = 0;
      let diff = 0;
      for (let d = 0; d < D; d++) {
        const plus = Float64Array.from(s);
        const minus = Float64Array.from(s);
        plus[d]! += eps;
        minus[d]! -= eps;
        const fd = (qValue(stack, plus, uu) - qValue(stack, minus, uu)) / (2 * eps);
        diff = Math.max(diff, Math.abs(grad[k * D + d]! - fd));
        scale = Math.max(scale, Math.abs(fd));
      }
      expect(diff / scale).toBeLessThan(1e-4);
    }
    model.destroy();
  });

  it('names bad starts before any GPU work', async () => {
    const model = await physicsRnn(gpu.sched, { k: 1, c: 1, dt: 0.1 });
    await expect(findFixedPoints(gpu.sched, model, { starts: [1, 2, 3] })).rejects.toThrow(/starts must hold K × 2 values/);
    await expect(findFixedPoints(gpu.sched, model, { starts: [1, Number.NaN] })).rejects.toThrow(/starts\[1\] must be a finite number/);
    await expect(findFixedPoints(gpu.sched, model, { starts: [1, 0], input: [1, 2] })).rejects.toThrow(/input must hold 1 values/);
    model.destroy();
  });
});

describe('fixed points of the physics RNN against the closed form', () => {
  const cases = [
    ['under-damped', 1, 0.5, 'stable', true],
    ['critically damped', 1, 2, 'stable', false],
    ['over-damped', 1, 3, 'stable', false],
    ['negative damping', 1, -1, 'unstable', true],
    ['k < 0', -1, 0.5, 'saddle', false],
  ] as const;
  it.each(cases)('%s (k %d, c %d), u = 0.5', async (_name, k, c, stability, oscillatory) => {
    const dt = 0.01;
    const u = 0.5;
    const model = await physicsRnn(gpu.sched, { k, c, dt });
    const rng = new Random(9);
    // Starts: points of the Euler trajectory from (1, 0) under u, plus noise.
    const starts: number[] = [];
    let [x, v] = [1, 0];
    for (let t = 0; t < 160; t++) {
      [x, v] = [x + v * dt, v + (u - k * x - c * v) * dt];
      if (t % 20 === 0) starts.push(x + 0.1 * rng.normal(), v + 0.1 * rng.normal());
    }
    const result = await findFixedPoints(gpu.sched, model, { starts, input: [u] });
    model.destroy();
    const theory = physicsRnnTheory({ k, c, dt }, u);
    // The GPU's float32 search alone gets within float32 reach of h* …
    expect(Math.max(...result.qGpu)).toBeLessThan(1e-9);
    // … and after the float64 polish every start lands on the one fixed point.
    expect(result.points).toHaveLength(1);
    const p = result.points[0]!;
    expect(p.starts).toBe(starts.length / 2);
    expect(p.state[0]).toBeCloseTo(theory.fixedPoint![0], 6);
    expect(p.state[1]).toBeCloseTo(theory.fixedPoint![1], 6);
    expect(p.q).toBeLessThan(1e-20);
    expect(p.stability).toBe(stability);
    // At critical damping the double eigenvalue splits by dt·√(float32 rounding of the weights).
    const critical = _name === 'critically damped';
    if (critical) expect(Math.abs(p.eigenvalues[0]![1])).toBeLessThan(1e-4);
    else expect(p.oscillatory).toBe(oscillatory);
    for (let i = 0; i < 2; i++) {
      expect(p.eigenvalues[i]![0]).toBeCloseTo(theory.eigenvalues[i]![0], critical ? 4 : 6);
      expect(Math.abs(p.eigenvalues[i]![1])).toBeCloseTo(Math.abs(theory.eigenvalues[i]![1]), critical ? 4 : 6);
    }
  });
});
