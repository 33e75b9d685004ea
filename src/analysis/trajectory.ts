// trajectory.ts — the Jacobians J_t = ∂s_t/∂s_{t-1} of a model's full state along the
// trajectory of its last forward pass, computed on the GPU for a batch (shaders/jacobian.wgsl,
// one dispatch per layer and chunk of steps) and read back once per chunk; then, on the host
// in float64, per step the spectral radius max |λ(J_t)| and the largest singular value
// σ_max(J_t), and per sequence the finite-time Lyapunov exponents of J_T ⋯ J_1 by QR iteration.
import type { Scheduler } from '../gpu/scheduler';
import type { RecurrentModel } from '../model/recurrent-model';
import { jacobianKernel, jacobianSizes, recordInputJacobians, recordStateJacobians } from '../kernels/jacobian';
import { assembleStackJacobian, stateMultiplier } from '../reference/jacobian';
import { lyapunovExponents, singularValues, spectralRadius } from './linalg';
import { requireInteger } from '../util/check';

/** Bytes of Jacobians one chunk of steps may hold on the GPU (and read back at once). */
const CHUNK_BYTES = 33_554_432; // 32 MiB (a literal: a shift would be code run at import)

/**
 * Full-state Jacobians of the last forward for its first `sequences` sequences:
 * result[b][t] = J_{t+1} [D, D] row-major (D = L·S·H), t = 0..T−1. onProgress(steps done, T).
 */
export async function trajectoryJacobians(sched: Scheduler, model: RecurrentModel, sequences: number, onProgress?: (done: number, total: number) => void): Promise<Float64Array[][]> {
  const tape = model.forwardTape();
  requireInteger('trajectoryJacobians: sequences', sequences, { min: 1, max: tape.batch });
  const { cell, hiddenSize: H, inputSize: I, numLayers: L } = model.config;
  const N = stateMultiplier(cell) * H;
  const B = tape.batch;
  const T = tape.seqLen;
  const perStep = jacobianSizes({ cell, batch: B, hidden: H, inputs: Math.max(I, H), steps: 1 });
  const chunk = Math.max(1, Math.min(T, Math.floor(CHUNK_BYTES / (4 * (perStep.state + perStep.input)))));
  await sched.prepare(jacobianKernel);
  const out: Float64Array[][] = Array.from({ length: sequences }, () => []);
  for (let t0 = 0; t0 < T; t0 += chunk) {
    const steps = Math.min(chunk, T - t0);
    const blocks: { state: Float32Array; input: Float32Array; inputs: number }[] = [];
    const owned = [];
    for (let l = 0; l < L; l++) {
      const layer = tape.layers[l]!;
      const p = model.layerParams(l);
      const args = { cell, batch: B, hidden: H, inputs: l === 0 ? I : H, tBegin: t0, steps, wHh: p.wHh, wIh: p.wIh, hseq: layer.hseq, cseq: layer.cseq, gates: layer.gates };
      const sizes = jacobianSizes(args);
      const jac = sched.createTensor([sizes.state], 'f32', `jacobian l${l}`);
      const kin = sched.createTensor([sizes.input], 'f32', `input jacobian l${l}`);
      owned.push(jac, kin);
      recordStateJacobians(sched, args, jac);
      if (l > 0) recordInputJacobians(sched, args, kin);
    }
    const got = (await sched.readMany(owned)) as Float32Array[];
    for (const t of owned) sched.destroyBuffer(t.buffer);
    for (let l = 0; l < L; l++) blocks.push({ state: got[2 * l]!, input: got[2 * l + 1]!, inputs: l === 0 ? I : H });
    for (let n = 0; n < steps; n++) {
      for (let b = 0; b < sequences; b++) {
        const at = (blk: (typeof blocks)[number], width: number, arr: Float32Array) => arr.subarray((n * B + b) * N * width, (n * B + b + 1) * N * width);
        // Layer 0's input Jacobian is not needed (the model input is not part of the state).
        const parts = blocks.map((blk, l) => ({ state: at(blk, N, blk.state), input: l === 0 ? new Float32Array(0) : at(blk, blk.inputs, blk.input) }));
        out[b]!.push(assembleStackJacobian(parts, N));
      }
    }
    onProgress?.(t0 + steps, T);
  }
  return out;
}

/** Per-step and per-sequence dynamics of a trajectory (see the file comment). */
export interface TrajectoryDynamics {
  /** [sequences][T]: max |λ(J_t)|. */
  spectralRadius: number[][];
  /** [sequences][T]: σ_max(J_t). */
  largestSingularValue: number[][];
  /** [sequences][count]: finite-time Lyapunov exponents per step, largest first. */
  lyapunov: number[][];
}

/** Spectra and Lyapunov exponents of Jacobians[b][t] (each D × D); `count` exponents (default min(D, 8)). */
export function trajectoryDynamics(jacobians: readonly Float64Array[][], D: number, count = Math.min(D, 8), onProgress?: (done: number, total: number) => void): TrajectoryDynamics {
  const total = jacobians.reduce((a, seq) => a + seq.length, 0);
  let done = 0;
  const spectral: number[][] = [];
  const sigma: number[][] = [];
  for (const seq of jacobians) {
    spectral.push(seq.map((j) => spectralRadius(j, D)));
    sigma.push(seq.map((j) => singularValues(j, D, D)[0]!));
    done += seq.length;
    onProgress?.(done, total);
  }
  return { spectralRadius: spectral, largestSingularValue: sigma, lyapunov: jacobians.map((seq) => lyapunovExponents(seq, D, count)) };
}
