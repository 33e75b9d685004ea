// jacobian.test.ts — shaders/jacobian.wgsl: the state and input Jacobians of every cell along a
// GPU forward pass, for a batch, against central finite differences of the float64 step at
// the GPU's own states (awkward shapes: H 1, 5, 13; B 1, 3; In 1, 2; two layers).
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import { cellStepJacobiansFd, layerWeightsOf, stackedStepJacobian, stateMultiplier } from '../../src/reference/jacobian';
import { trajectoryDynamics, trajectoryJacobians } from '../../src/analysis/trajectory';
import { fullStateSize, stackOf } from '../../src/analysis/state-layout';
import { physicsRnn, physicsRnnTheory } from '../../src/physics-rnn';
import { jacobianKernel, jacobianSizes, recordInputJacobians, recordStateJacobians } from '../../src/kernels/jacobian';
import { Random } from '../../src/util/random';

const gpu = useGpu();

async function check(cell: CellKind, B: number, T: number, I: number, H: number, L: number) {
  const { sched } = gpu;
  await sched.prepare(jacobianKernel);
  const config: ModelConfig = { cell, inputSize: I, hiddenSize: H, numLayers: L, outputSize: 1, head: 'every-step' };
  const model = await RecurrentModel.create(sched, config, { seed: H + B });
  const params = await model.getParameters();
  // Larger weights: saturating gates make every term of the Jacobian count.
  const scaled = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.map((w) => 2.5 * w)]));
  model.setParameters(scaled);
  const rng = new Random(B * 7 + H);
  const xHost = Float32Array.from({ length: B * T * I }, () => rng.normal());
  const x = sched.createTensor([B, T, I], 'f32', 'x', xHost);
  model.forward(x);
  const tape = model.forwardTape();
  const S = stateMultiplier(cell);
  const N = S * H;
  let worst = 0;
  for (let l = 0; l < L; l++) {
    const layer = tape.layers[l]!;
    const p = model.layerParams(l);
    const args = { cell, batch: B, hidden: H, inputs: l === 0 ? I : H, tBegin: 1, steps: T - 1, wHh: p.wHh, wIh: p.wIh, hseq: layer.hseq, cseq: layer.cseq, gates: layer.gates };
    const sizes = jacobianSizes(args);
    const jac = sched.createTensor([sizes.state], 'f32', 'jac');
    const kin = sched.createTensor([sizes.input], 'f32', 'kin');
    recordStateJacobians(sched, args, jac);
    recordInputJacobians(sched, args, kin);
    const reads = [jac, kin, layer.hseq, ...(layer.cseq ? [layer.cseq] : []), ...(l > 0 ? [tape.layers[l - 1]!.hseq] : [])];
    const got = (await sched.readMany(reads)) as Float32Array[];
    const [J, K, hseq] = got as [Float32Array, Float32Array, Float32Array];
    const cseq = layer.cseq ? got[3]! : null;
    const below = l > 0 ? got[got.length - 1]! : null;
    const w = layerWeightsOf(scaled, l);
    for (let n = 0; n < T - 1; n++) {
      const t = n + 1;
      for (let b = 0; b < B; b++) {
        const state = new Float64Array(N);
        state.set(hseq.subarray((t * B + b) * H, (t * B + b + 1) * H));
        if (cseq) state.set(cseq.subarray((t * B + b) * H, (t * B + b + 1) * H), H);
        // Step t reads x[b, t] (layer 0) or h_t of the layer below (its hseq row block t + 1).
        const input = Float64Array.from(l === 0 ? xHost.subarray((b * T + t) * I, (b * T + t + 1) * I) : below!.subarray(((t + 1) * B + b) * H, ((t + 1) * B + b + 1) * H));
        const fd = cellStepJacobiansFd(cell, H, w, state, input);
        const inW = l === 0 ? I : H;
        for (let e = 0; e < N * N; e++) worst = Math.max(worst, Math.abs(J[(n * B + b) * N * N + e]! - fd.state[e]!));
        for (let e = 0; e < N * inW; e++) worst = Math.max(worst, Math.abs(K[(n * B + b) * N * inW + e]! - fd.input[e]!));
      }
    }
    sched.destroyBuffer(jac.buffer);
    sched.destroyBuffer(kin.buffer);
  }
  model.destroy();
  sched.destroyBuffer(x.buffer);
  return worst;
}

describe('step Jacobians on the GPU', () => {
  for (const cell of CELL_KINDS) {
    it.each([[1, 4, 1, 1, 1], [3, 3, 2, 5, 2], [1, 2, 2, 13, 1]] as const)(`${cell}: B %i, T %i, In %i, H %i, layers %i`, async (B, T, I, H, L) => {
      const worst = await check(cell, B, T, I, H, L);
      expect(worst).toBeLessThan(2e-5);
    });
  }
});

describe('full-state Jacobians along a trajectory (trajectoryJacobians)', () => {
  it('2-layer LSTM: the assembled GPU Jacobians equal the float64 stacked step at the GPU states', async () => {
    const { sched } = gpu;
    const config: ModelConfig = { cell: 'lstm', inputSize: 2, hiddenSize: 3, numLayers: 2, outputSize: 1, head: 'last-step' };
    const model = await RecurrentModel.create(sched, config, { seed: 4 });
    const rng = new Random(2);
    const [B, T] = [2, 3];
    const xHost = Float32Array.from({ length: B * T * 2 }, () => rng.normal());
    const x = sched.createTensor([B, T, 2], 'f32', 'x', xHost);
    model.forward(x);
    const tape = model.forwardTape();
    const seqs = (await sched.readMany(tape.layers.flatMap((l) => [l.hseq, l.cseq!]))) as Float32Array[];
    const jacobians = await trajectoryJacobians(sched, model, 2);
    const stack = stackOf(config, await model.getParameters());
    const D = fullStateSize(config);
    let worst = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const s = new Float64Array(D);
        for (let l = 0; l < 2; l++) {
          s.set(seqs[2 * l]!.subarray((t * B + b) * 3, (t * B + b + 1) * 3), l * 6);
          s.set(seqs[2 * l + 1]!.subarray((t * B + b) * 3, (t * B + b + 1) * 3), l * 6 + 3);
        }
        const ref = stackedStepJacobian(stack, s, Float64Array.from(xHost.subarray((b * T + t) * 2, (b * T + t + 1) * 2))).jacobian;
        for (let e = 0; e < D * D; e++) worst = Math.max(worst, Math.abs(jacobians[b]![t]![e]! - ref[e]!));
      }
    }
    expect(worst).toBeLessThan(1e-6);
    model.destroy();
    sched.destroyBuffer(x.buffer);
  });

  it.each([[1, 0.5], [1, 3], [1, -1]] as const)('physics RNN (k %d, c %d): spectral radius and Lyapunov exponents are the Euler matrix\'s', async (k, c) => {
    const { sched } = gpu;
    const dt = 0.01;
    const model = await physicsRnn(sched, { k, c, dt });
    const T = 3000;
    const u = sched.createTensor([1, T, 1], 'f32', 'u', new Float32Array(T).fill(0.3));
    const h0 = sched.createTensor([1, 1, 2], 'f32', 'h0', [1, 0]);
    model.forward(u, { h0 });
    const dyn = trajectoryDynamics(await trajectoryJacobians(sched, model, 1), 2);
    const theory = physicsRnnTheory({ k, c, dt });
    for (const r of dyn.spectralRadius[0]!) expect(r).toBeCloseTo(theory.spectralRadius, 6);
    const expected = theory.eigenvalues.map(([re, im]) => Math.log(Math.hypot(re, im))).sort((a, b) => b - a);
    // Their sum is ln|det J| per step exactly; each converges to ln|λ| like 1/T (J is not normal).
    const [l1, l2] = dyn.lyapunov[0]!;
    expect(l1! + l2!).toBeCloseTo(expected[0]! + expected[1]!, 6); // float32 weights
    for (let i = 0; i < 2; i++) expect(Math.abs(dyn.lyapunov[0]![i]! - expected[i]!)).toBeLessThan(3 / T);
    model.destroy();
    sched.destroyBuffer(u.buffer);
    sched.destroyBuffer(h0.buffer);
  });
});
