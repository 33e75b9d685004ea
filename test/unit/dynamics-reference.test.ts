// dynamics-reference.test.ts — the float64 references of the dynamics analysis: step
// Jacobians of every cell (single layer and stacked) against central finite differences on
// awkward shapes; the reference's d loss / d h_t through time against the Jacobian chain
// (dL/ds_{t-1} = J_tᵀ dL/ds_t with a last-step loss) and PyTorch-checked h0 gradients; the
// geometric-rate fit; and the host linear algebra on matrices with known spectra.
import { describe, expect, it } from 'vitest';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import { cellStep, cellStepJacobians, cellStepJacobiansFd, layerWeightsOf, stackedStepJacobian, stateMultiplier, type StackedCell } from '../../src/reference/jacobian';
import { initRecurrentParams } from '../../src/model/init';
import { paramsToFloat64 } from '../../src/reference/recurrent-params';
import { recurrentBackward, recurrentForward, type RecurrentConfig } from '../../src/reference/recurrent';
import { mseLoss } from '../../src/reference/losses';
import { batchMeanNorms, geometricRate } from '../../src/reference/grad-norms';
import { eigenvalues, lyapunovExponents, principalAxes, singularValues, solve, spectralRadius } from '../../src/analysis/linalg';
import { Random } from '../../src/util/random';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function randomArray(rng: Random, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniform(-scale, scale));
}

/** Larger-than-default weights so gates saturate partly and every term matters. */
function modelParams(cell: CellKind, inputSize: number, hidden: number, layers: number, seed: number) {
  const config: RecurrentConfig = { cell, inputSize, hiddenSize: hidden, numLayers: layers, outputSize: 2, headOnLastStepOnly: true };
  const p = paramsToFloat64(initRecurrentParams(config, seed));
  for (const v of Object.values(p)) for (let i = 0; i < v.length; i++) v[i]! *= 2.5;
  return { config, params: p };
}

describe('step Jacobians against finite differences', () => {
  const shapes = [[1, 1], [3, 2], [5, 7]] as const;
  for (const cell of CELL_KINDS) {
    it.each(shapes)(`${cell}: H %i, In %i`, (H, I) => {
      const rng = new Random(H * 31 + I);
      const { params } = modelParams(cell, I, H, 1, H + I);
      const w = layerWeightsOf(params, 0);
      const state = randomArray(rng, stateMultiplier(cell) * H, 0.9);
      const x = randomArray(rng, I);
      const exact = cellStepJacobians(cell, H, w, state, x);
      const fd = cellStepJacobiansFd(cell, H, w, state, x);
      expect(maxAbsDiff(exact.state, fd.state)).toBeLessThan(1e-8);
      expect(maxAbsDiff(exact.input, fd.input)).toBeLessThan(1e-8);
      expect(maxAbsDiff(exact.next, cellStep(cell, H, w, state, x))).toBe(0);
    });
  }

  it.each([['lstm', 3], ['gru', 2], ['rnn_tanh', 3]] as const)('stacked %s (%i layers): the full-state Jacobian', (cell, L) => {
    const H = 3;
    const rng = new Random(7);
    const { params } = modelParams(cell, 2, H, L, 11);
    const stack: StackedCell = { cell, hidden: H, layers: Array.from({ length: L }, (_, l) => layerWeightsOf(params, l)) };
    const N = L * stateMultiplier(cell) * H;
    const s = randomArray(rng, N, 0.8);
    const u = randomArray(rng, 2);
    const { next, jacobian } = stackedStepJacobian(stack, s, u);
    const eps = 1e-6;
    for (let k = 0; k < N; k++) {
      const plus = Float64Array.from(s);
      const minus = Float64Array.from(s);
      plus[k]! += eps;
      minus[k]! -= eps;
      const a = stackedStepJacobian(stack, plus, u).next;
      const b = stackedStepJacobian(stack, minus, u).next;
      for (let r = 0; r < N; r++) expect(Math.abs(jacobian[r * N + k]! - (a[r]! - b[r]!) / (2 * eps))).toBeLessThan(1e-8);
    }
    expect(next.length).toBe(N);
  });
});

describe('d loss / d h_t through time (BPTT by hand)', () => {
  it.each(CELL_KINDS.map((c) => [c] as const))('%s: dL/ds_{t-1} = J_tᵀ dL/ds_t, and dL/ds_0 is the h0 gradient', (cell) => {
    const [B, T, I, H] = [3, 7, 2, 5];
    const rng = new Random(3);
    const { config, params } = modelParams(cell, I, H, 1, 5);
    const x = randomArray(rng, B * T * I);
    const h0 = randomArray(rng, B * H, 0.5);
    const c0 = cell === 'lstm' ? randomArray(rng, B * H, 0.5) : null;
    const fwd = recurrentForward(config, params, { x, batch: B, seqLen: T, h0, c0 });
    const grads = recurrentBackward(config, params, fwd, mseLoss(fwd.out, randomArray(rng, B * 2)).dOut);
    const w = layerWeightsOf(params, 0);
    const S = stateMultiplier(cell);
    const N = S * H;
    for (let b = 0; b < B; b++) {
      const stateAt = (t: number): Float64Array => { // s_t, t = 0 (initial) .. T
        const s = new Float64Array(N);
        s.set(t === 0 ? h0.subarray(b * H, (b + 1) * H) : fwd.layers[0]!.steps[t - 1]!.h.subarray(b * H, (b + 1) * H));
        if (S === 2) s.set(t === 0 ? c0!.subarray(b * H, (b + 1) * H) : fwd.layers[0]!.steps[t - 1]!.c!.subarray(b * H, (b + 1) * H), H);
        return s;
      };
      const gradAt = (t: number): Float64Array => { // dL/ds_t for t = 1..T (recorded), t = 0 from grads.h0/c0
        const g = new Float64Array(N);
        const src = (arr: Float64Array) => (t === 0 ? arr.subarray(b * H, (b + 1) * H) : arr.subarray(((t - 1) * B + b) * H, ((t - 1) * B + b + 1) * H));
        g.set(src(t === 0 ? grads.h0 : grads.dh));
        if (S === 2) g.set(src(t === 0 ? grads.c0! : grads.dc!), H);
        return g;
      };
      for (let t = T; t >= 1; t--) {
        const xt = x.subarray((b * T + t - 1) * I, (b * T + t) * I);
        const J = cellStepJacobians(cell, H, w, stateAt(t - 1), Float64Array.from(xt)).state;
        const gNext = gradAt(t);
        const pulled = Float64Array.from({ length: N }, (_, k) => gNext.reduce((acc, g, r) => acc + g * J[r * N + k]!, 0));
        expect(maxAbsDiff(pulled, gradAt(t - 1))).toBeLessThan(1e-12);
      }
    }
  });

  it('batchMeanNorms averages the per-sequence L2 norms', () => {
    // [L 1, T 2, B 2, H 2]: step 0 norms 5 and 0, step 1 norms 1 and 1.
    expect([...batchMeanNorms([3, 4, 0, 0, 1, 0, 0, -1], 1, 2, 2, 2)]).toEqual([2.5, 1]);
    expect(() => batchMeanNorms([1, 2], 1, 2, 2, 2)).toThrow(/expected \[1, 2, 2, 2\]/);
  });

  it('geometricRate recovers r from C·r^t and rejects zeros', () => {
    const curve = Array.from({ length: 20 }, (_, t) => 3 * 0.9 ** t);
    expect(geometricRate(curve)).toBeCloseTo(0.9, 12);
    expect(geometricRate(curve, 5, 15)).toBeCloseTo(0.9, 12);
    expect(() => geometricRate([1, 0, 1])).toThrow(/norm at step 1 is 0/);
  });
});

describe('host linear algebra (float64)', () => {
  it('eigenvalues: a scaled rotation and a triangular matrix, largest |λ| first', () => {
    const th = 0.3;
    const rho = 1.1;
    const eig = eigenvalues([rho * Math.cos(th), -rho * Math.sin(th), rho * Math.sin(th), rho * Math.cos(th)], 2);
    expect(eig[0]![0]).toBeCloseTo(rho * Math.cos(th), 12);
    expect(Math.abs(eig[0]![1])).toBeCloseTo(rho * Math.sin(th), 12);
    expect(eig[0]![1]).toBeGreaterThan(0);
    expect(spectralRadius([0.5, 7, 0, 0, -2, 1, 0, 0, 0.1], 3)).toBeCloseTo(2, 12);
  });

  it('singular values and solve', () => {
    expect(singularValues([3, 0, 0, 0, -4, 0], 2, 3).map((v) => +v.toFixed(12))).toEqual([4, 3]);
    const x = solve([2, 1, 1, 3], [3, 5], 2);
    expect(x[0]).toBeCloseTo(0.8, 12);
    expect(x[1]).toBeCloseTo(1.4, 12);
    expect(() => solve([1, 2, 2, 4], [1, 1], 2)).toThrow(/singular/);
  });

  it('Lyapunov exponents: ln of the diagonal for a constant diagonal map, ln ρ twice for a scaled rotation', () => {
    const diag = Array.from({ length: 30 }, () => [0.5, 0, 0, 2]);
    const lam = lyapunovExponents(diag, 2);
    expect(lam[0]).toBeCloseTo(Math.log(2), 12);
    expect(lam[1]).toBeCloseTo(Math.log(0.5), 12);
    const rot = Array.from({ length: 50 }, () => [0.9 * Math.cos(1), -0.9 * Math.sin(1), 0.9 * Math.sin(1), 0.9 * Math.cos(1)]);
    for (const v of lyapunovExponents(rot, 2)) expect(v).toBeCloseTo(Math.log(0.9), 10);
    expect(lyapunovExponents(diag, 2, 1)).toHaveLength(1);
  });

  it('principal axes of points along a line', () => {
    const pts = Array.from({ length: 10 }, (_, i) => [i, 2 * i, 1]).flat();
    const { mean, axes } = principalAxes(pts, 10, 3, 2);
    expect(mean[0]).toBeCloseTo(4.5, 12);
    expect(Math.abs(axes[0]![1]! / axes[0]![0]!)).toBeCloseTo(2, 10);
  });
});
