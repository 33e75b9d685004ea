// dynamics-figure.test.ts — the dynamics figures render well-formed SVG with every panel, for
// curves that underflow to 0 too (gaps, never NaN coordinates); written to test-artifacts/.
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderAnalysisFigure, renderLongMemoryFigure, renderRhoSweepFigure } from '../../src/report/dynamics-figure';
import type { AnalysisJson } from '../../src/analysis/report';
import type { AnalysisResult } from '../../src/analysis/analyze';

const T = 20;
const norms = Array.from({ length: T }, (_, t) => (t < 3 ? 0 : 0.9 ** (T - t)));

describe('dynamics figures', () => {
  it('analysis.svg: norms, eigenvalues with the unit circle, fixed points on the PCs', () => {
    const json: AnalysisJson = {
      model: { cell: 'lstm', hidden: 2, layers: 1, input_size: 1, source: 'synthetic' }, adapter: 'none', input: [0],
      eigenvalues: [[0.5, 0.5], [0.5, -0.5], [0.2, 0], [0.1, 0]],
      fixed_points: [{ h: [0.1, 0.2, 0.3, 0.4], q: 1e-20, q_gpu: 1e-12, eigenvalues: [[0.5, 0.5]], stability: 'stable', oscillatory: true, starts: 3 }],
      gradient_norms: [norms], cell_gradient_norms: [norms.map((v) => v / 2)], loss: 'mse',
      spectral_radius: new Array(T).fill(0.7), largest_singular_value: new Array(T).fill(0.9), lyapunov: [-0.1, -0.3],
      last_step_eigenvalues: [[0.6, 0], [-0.2, 0.1], [-0.2, -0.1], [0, 0]],
    };
    const result = { pca: { mean: [0, 0, 0, 0], axes: [[1, 0, 0, 0], [0, 1, 0, 0]] }, trajectory: Array.from({ length: T + 1 }, (_, t) => [Math.cos(t / 3), Math.sin(t / 3), 0, 0]) } as unknown as AnalysisResult;
    const svg = renderAnalysisFigure(json, result);
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(svg).not.toMatch(/NaN|Infinity/);
    for (const title of ['per layer', 'unit circle', 'top two PCs']) expect(svg).toContain(title);
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync('test-artifacts/analysis-synthetic.svg', svg);
  });

  it('the two experiments\' figures', () => {
    const sweep = renderRhoSweepFigure([{ rho: 0.5, norms, rate: 0.5 }, { rho: 1.5, norms: norms.map((v, t) => v * 1.5 ** t), rate: 1.5 }], 'linear RNN', 'none');
    const memory = renderLongMemoryFigure([
      { cell: 'rnn_tanh', steps: 10, testError: 0.1, ratioInit: 1e-3, ratioTrained: 0.5, norms },
      { cell: 'rnn_tanh', steps: 50, testError: 0.9, ratioInit: 0, ratioTrained: 1e-9, norms },
      { cell: 'lstm', steps: 10, testError: 0.01, ratioInit: 1e-2, ratioTrained: 2, norms },
      { cell: 'lstm', steps: 50, testError: 0.02, ratioInit: 1e-8, ratioTrained: 3, norms },
    ], 'none');
    for (const svg of [sweep, memory]) {
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
    writeFileSync('test-artifacts/rho-sweep-synthetic.svg', sweep);
    writeFileSync('test-artifacts/long-memory-synthetic.svg', memory);
  });
});
