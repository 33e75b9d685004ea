// jacobian.test.ts — shaders/jacobian.wgsl: the state and input Jacobians of every cell along a
// GPU forward pass, for a batch, against central finite differences of the float64 step at
// the GPU's own states (awkward shapes: H 1, 5, 13; B 1, 3; In 1, 2; two layers).
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import { cellStepJacobiansFd, layerWeightsOf, stateMultiplier } from '../../src/reference/jacobian';
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
