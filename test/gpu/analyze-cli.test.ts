// analyze-cli.test.ts — `springloop analyze` end to end through main(): analysis.json of a
// saved 2-layer LSTM (its run's config.json beside it) and of the physics RNN, checked for
// the fields and against float64 facts (F(h*) = h* at every fixed point, its
// eigenvalues recomputed from the saved weights, σ_max ≥ ρ at every step, the closed-form
// theory); the figures are copied to test-artifacts/.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useGpu } from './gpu-context';
import { main } from '../../src/cli';
import { RecurrentModel } from '../../src/model';
import { mergeConfig } from '../../src/train/config';
import { modelConfigFor, planRun } from '../../src/train/plan';
import { stackedStepJacobian } from '../../src/reference/jacobian';
import { eigenvalues } from '../../src/analysis/linalg';
import { qValue } from '../../src/analysis/fixed-points';
import { stackOf } from '../../src/analysis/state-layout';
import { decodeSafetensors } from '../../src/io/safetensors';
import type { AnalysisJson } from '../../src/analysis/report';

const gpu = useGpu();
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'springloop-analyze-'));
  mkdirSync('test-artifacts', { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const w = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['analyze', ...argv]), out: out.join('\n'), err: err.join('\n') };
  } finally {
    o.mockRestore();
    e.mockRestore();
    w.mockRestore();
  }
}

describe('springloop analyze', () => {
  it('a saved LSTM: the issue\'s fields, fixed points that are fixed, eigenvalues from the weights', async () => {
    const config = mergeConfig({ dataset: 'sine', cells: ['lstm'], hidden: 6, layers: 2, seq: 9, epochs: 1 });
    const modelConfig = modelConfigFor(planRun(config), 'lstm');
    const model = await RecurrentModel.create(gpu.sched, modelConfig, { seed: 5 });
    const runDir = join(dir, 'run');
    mkdirSync(runDir);
    writeFileSync(join(runDir, 'config.json'), JSON.stringify(config));
    const weights = join(runDir, 'lstm.safetensors');
    writeFileSync(weights, await model.toSafetensors({ cell: 'lstm', dataset: 'sine' }));
    model.destroy();

    const out = join(dir, 'lstm-analysis');
    const r = await cli('--model', weights, '--out', out, '--sequences', '3', '--starts', '16', '--iterations', '400');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/fixed point\(s\) for u\* = \[0, 0\]/);
    const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as AnalysisJson;
    copyFileSync(join(out, 'analysis.svg'), 'test-artifacts/analysis-lstm.svg');
    expect(json.model).toMatchObject({ cell: 'lstm', hidden: 6, layers: 2, input_size: 2 });
    expect(json.gradient_norms).toHaveLength(2);
    for (const n of [...json.gradient_norms, ...json.cell_gradient_norms!]) {
      expect(n).toHaveLength(9);
      for (const v of n) expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(json.spectral_radius).toHaveLength(9);
    json.spectral_radius.forEach((rho, t) => expect(json.largest_singular_value[t]!).toBeGreaterThanOrEqual(rho * (1 - 1e-9)));
    expect(json.lyapunov).toHaveLength(8);
    expect([...json.lyapunov].sort((a, b) => b - a)).toEqual(json.lyapunov);
    expect(json.fixed_points.length).toBeGreaterThanOrEqual(1);
    expect(json.eigenvalues).toEqual(json.fixed_points[0]!.eigenvalues);
    const params = decodeSafetensors(readFileSync(weights));
    const stack = stackOf(modelConfig, Object.fromEntries(Object.entries(params.tensors).map(([k, t]) => [k, t.data])));
    for (const p of json.fixed_points) {
      const s = Float64Array.from(p.h);
      expect(p.q).toBeLessThanOrEqual(1e-12);
      expect(qValue(stack, s, new Float64Array(2))).toBeCloseTo(p.q, 14);
      const eig = eigenvalues(stackedStepJacobian(stack, s, new Float64Array(2)).jacobian, s.length);
      eig.forEach(([re, im], i) => {
        expect(p.eigenvalues[i]![0]).toBeCloseTo(re, 9);
        expect(p.eigenvalues[i]![1]).toBeCloseTo(im, 9);
      });
      expect(['stable', 'saddle', 'unstable']).toContain(p.stability);
      const mods = p.eigenvalues.map(([a, b]) => Math.hypot(a, b));
      for (let i = 1; i < mods.length; i++) expect(mods[i]!).toBeLessThanOrEqual(mods[i - 1]! + 1e-12);
    }
  });

  it('the physics RNN: its fixed point and Euler eigenvalues, and the theory in closed form', async () => {
    const out = join(dir, 'physics');
    const r = await cli('--physics-rnn', '--k', '2', '--c', '-0.5', '--dt', '0.01', '--u', '0.5', '--steps', '60', '--starts', '8', '--iterations', '600', '--out', out);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8')) as AnalysisJson & { theory: { eigenvalues: [number, number][]; fixedPoint: number[]; stability: string } };
    copyFileSync(join(out, 'analysis.svg'), 'test-artifacts/analysis-physics-rnn.svg');
    expect(json.model).toMatchObject({ cell: 'rnn_identity', hidden: 2, layers: 1 });
    expect(json.fixed_points).toHaveLength(1);
    expect(json.fixed_points[0]!.h[0]).toBeCloseTo(0.25, 6);
    expect(json.fixed_points[0]!.h[1]).toBeCloseTo(0, 6);
    expect(json.fixed_points[0]!.stability).toBe('unstable');
    expect(json.theory.stability).toBe('unstable');
    json.eigenvalues.forEach(([re, im], i) => {
      expect(re).toBeCloseTo(json.theory.eigenvalues[i]![0], 6);
      expect(Math.abs(im)).toBeCloseTo(Math.abs(json.theory.eigenvalues[i]![1]), 6);
    });
    for (const rho of json.spectral_radius) expect(rho).toBeCloseTo(Math.hypot(...json.theory.eigenvalues[0]!), 6);
  });

  it('names a missing run config before any GPU work', async () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone);
    writeFileSync(join(lone, 'gru.safetensors'), readFileSync(join(dir, 'run', 'lstm.safetensors')));
    const r = await cli('--model', join(lone, 'gru.safetensors'), '--out', join(dir, 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/needs the run's .*config.json/);
  });
});
