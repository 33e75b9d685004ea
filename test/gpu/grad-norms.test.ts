// grad-norms.test.ts — gradient norms through time from the backward kernels
// (RecurrentModel.lossAndBackward({ gradNorms: true })) against the float64 BPTT reference's
// d loss / d h_t and c_t (batchMeanNorms), on awkward shapes, both time-loop variants, both
// heads, truncated BPTT; and recording them changes no gradient.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import { referenceConfig } from '../../src/model/config';
import { recurrentBackward, recurrentForward } from '../../src/reference/recurrent';
import { mseLoss } from '../../src/reference/losses';
import { paramsToFloat64 } from '../../src/reference/recurrent-params';
import { batchMeanNorms } from '../../src/reference/grad-norms';
import { CELL_KINDS, type CellKind } from '../../src/reference/cells';
import type { RecurrentVariant } from '../../src/kernels/recurrent';
import { Random } from '../../src/util/random';
import { rhoSweep } from '../../src/analysis/rho-sweep';
import { renderRhoSweepFigure } from '../../src/report/dynamics-figure';
import { mkdirSync, writeFileSync } from 'node:fs';

const gpu = useGpu();

interface Case { cell: CellKind; B: number; T: number; I: number; H: number; L: number; head: 'every-step' | 'last-step'; variant: RecurrentVariant }

async function gpuNorms(c: Case, truncate?: number) {
  const { sched } = gpu;
  const config: ModelConfig = { cell: c.cell, inputSize: c.I, hiddenSize: c.H, numLayers: c.L, outputSize: 2, head: c.head };
  const model = await RecurrentModel.create(sched, config, { seed: c.H + c.T, variant: c.variant });
  const rng = new Random(c.B * 13 + c.T);
  const xHost = Float32Array.from({ length: c.B * c.T * c.I }, () => rng.normal());
  const outRows = c.head === 'every-step' ? c.B * c.T : c.B;
  const yHost = Float32Array.from({ length: outRows * 2 }, () => rng.normal());
  const x = sched.createTensor([c.B, c.T, c.I], 'f32', 'x', xHost);
  const y = sched.createTensor(c.head === 'every-step' ? [c.B, c.T, 2] : [c.B, 2], 'f32', 'y', yHost);
  model.forward(x);
  const plain = model.lossAndBackward({ kind: 'mse', target: y }, { truncate });
  const [dxPlain] = (await sched.readMany([plain.dx])) as Float32Array[];
  const gradsPlain = await model.getGradients();
  model.forward(x);
  const out = model.lossAndBackward({ kind: 'mse', target: y }, { gradNorms: true, truncate });
  const [norms, dx] = (await sched.readMany([out.gradNorms!, out.dx])) as Float32Array[];
  const grads = await model.getGradients();
  const params = paramsToFloat64(await model.getParameters());
  model.destroy();
  sched.destroyBuffer(x.buffer);
  sched.destroyBuffer(y.buffer);
  expect(out.gradNorms!.shape).toEqual([c.L, c.cell === 'lstm' ? 2 : 1, c.T]);
  expect([...dx!]).toEqual([...dxPlain!]);
  for (const [k, v] of Object.entries(grads)) expect([...v], k).toEqual([...gradsPlain[k]!]);
  return { norms: norms!, params, xHost, yHost, config };
}

function referenceNorms(c: Case, params: Record<string, Float64Array>, xHost: Float32Array, yHost: Float32Array, config: ModelConfig) {
  const rc = referenceConfig(config);
  const fwd = recurrentForward(rc, params, { x: Float64Array.from(xHost), batch: c.B, seqLen: c.T });
  const g = recurrentBackward(rc, params, fwd, mseLoss(fwd.out, Float64Array.from(yHost)).dOut);
  return { h: batchMeanNorms(g.dh, c.L, c.T, c.B, c.H), c: g.dc ? batchMeanNorms(g.dc, c.L, c.T, c.B, c.H) : null };
}

function expectNorms(c: Case, got: Float32Array, ref: { h: Float64Array; c: Float64Array | null }, from = 0) {
  const S = ref.c ? 2 : 1;
  for (let l = 0; l < c.L; l++) {
    for (let s = 0; s < S; s++) {
      const want = s === 0 ? ref.h : ref.c!;
      for (let t = 0; t < c.T; t++) {
        const g = got[(l * S + s) * c.T + t]!;
        const w = t < from ? 0 : want[l * c.T + t]!;
        expect(Math.abs(g - w), `layer ${l} slot ${s} step ${t}: ${g} vs ${w}`).toBeLessThanOrEqual(2e-5 * Math.max(...want) + 1e-30);
      }
    }
  }
}

describe('gradient norms through time on the GPU', () => {
  const shapes: Omit<Case, 'cell'>[] = [
    { B: 1, T: 1, I: 1, H: 1, L: 1, head: 'last-step', variant: 'step' },
    { B: 3, T: 7, I: 2, H: 5, L: 2, head: 'every-step', variant: 'persistent' },
    { B: 5, T: 13, I: 3, H: 17, L: 1, head: 'last-step', variant: 'step' },
    { B: 2, T: 11, I: 1, H: 6, L: 2, head: 'last-step', variant: 'persistent' },
  ];
  for (const cell of CELL_KINDS) {
    it.each(shapes)(`${cell}: B $B, T $T, I $I, H $H, L $L, $head, $variant`, async (shape) => {
      const c = { cell, ...shape };
      const got = await gpuNorms(c);
      expectNorms(c, got.norms, referenceNorms(c, got.params, got.xHost, got.yHost, got.config));
    });
  }

  it('truncated BPTT: steps before T − truncate are 0, the rest as without truncation of those steps', async () => {
    const c: Case = { cell: 'lstm', B: 2, T: 9, I: 2, H: 4, L: 1, head: 'last-step', variant: 'step' };
    const got = await gpuNorms(c, 4);
    const ref = referenceNorms(c, got.params, got.xHost, got.yHost, got.config);
    // With a last-step loss the gradients of the last 4 steps do not depend on the truncation.
    expectNorms(c, got.norms, ref, 5);
  });
});

describe('experiment (a): the rho sweep', () => {
  it('linear RNN: the gradient norm changes by a factor rho per step back in time', async () => {
    const rows = await rhoSweep(gpu.sched, { cell: 'rnn_identity', hidden: 16, steps: 60, batch: 8 });
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/rho-sweep-linear.svg', renderRhoSweepFigure(rows, 'linear RNN', gpu.ctx.adapterName));
    expect(rows.map((r) => r.rho)).toEqual([0.5, 0.9, 1, 1.1, 1.5]);
    for (const r of rows) expect(Math.abs(r.rate - r.rho) / r.rho, `rho ${r.rho}: rate ${r.rate}`).toBeLessThan(0.03);
    // Decay below 1, growth above: the norm at t = 1 against the norm at T.
    expect(rows[0]!.norms[0]! / rows[0]!.norms[59]!).toBeLessThan(1e-10);
    expect(rows[4]!.norms[0]! / rows[4]!.norms[59]!).toBeGreaterThan(1e8);
  });

  it('tanh RNN: tanh\' ≤ 1 makes every factor at most rho', async () => {
    const rows = await rhoSweep(gpu.sched, { cell: 'rnn_tanh', hidden: 16, steps: 40, batch: 4, rhos: [0.9, 1.5] });
    for (const r of rows) expect(r.rate).toBeLessThanOrEqual(r.rho * 1.03);
  });
});
