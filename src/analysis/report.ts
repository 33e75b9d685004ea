// report.ts — analysis.json: the fields `springloop analyze` writes (snake_case, as the issue
// lists them), from an AnalysisResult and a description of the model.
import type { AnalysisResult } from './analyze';
import type { ModelConfig } from '../model/config';

/** analysis.json's shape. Eigenvalues are [re, im] pairs, largest |λ| first. */
export interface AnalysisJson {
  /** The model analysed and where it came from. */
  model: { cell: string; hidden: number; layers: number; input_size: number; source: string };
  /** The WebGPU adapter that ran it. */
  adapter: string;
  /** The constant input u* of the fixed points. */
  input: number[];
  /** Of the Jacobian at the first fixed point (the one most starts reached); [] when none was found. */
  eigenvalues: [number, number][];
  /** Every kept fixed point: full state h [D], q (float64), q_gpu (float32, before polishing), eigenvalues, stability. */
  fixed_points: { h: number[]; q: number; q_gpu: number; eigenvalues: [number, number][]; stability: string; oscillatory: boolean; starts: number }[];
  /** Per layer, t = 1..T: batch-mean ‖∂L/∂h_t‖₂; cell_gradient_norms the same for c_t (LSTM). */
  gradient_norms: number[][];
  /** Per layer, t = 1..T: batch-mean ‖∂L/∂c_t‖₂ with h_t held fixed (LSTM only). */
  cell_gradient_norms?: number[][];
  /** The loss the gradient norms are of. */
  loss: string;
  /** Per step along the analysed trajectory (its first sequence). */
  spectral_radius: number[];
  /** Per step along the analysed trajectory: σ_max(J_t). */
  largest_singular_value: number[];
  /** Finite-time Lyapunov exponents per step, largest first. */
  lyapunov: number[];
  /** Eigenvalues of J at the trajectory's last step, largest |λ| first. */
  last_step_eigenvalues: [number, number][];
  /** Anything known in closed form (the physics RNN's theory). */
  theory?: unknown;
}

/** Builds analysis.json from a result. */
export function analysisJson(config: ModelConfig, r: AnalysisResult, meta: { source: string; adapter: string; loss: string; theory?: unknown }): AnalysisJson {
  const first = r.fixedPoints[0];
  return {
    model: { cell: config.cell, hidden: config.hiddenSize, layers: config.numLayers, input_size: config.inputSize, source: meta.source },
    adapter: meta.adapter,
    input: r.input,
    eigenvalues: first ? first.eigenvalues : [],
    fixed_points: r.fixedPoints.map((p) => ({ h: p.state, q: p.q, q_gpu: p.qGpu, eigenvalues: p.eigenvalues, stability: p.stability, oscillatory: p.oscillatory, starts: p.starts })),
    gradient_norms: r.gradientNorms,
    ...(r.cellGradientNorms ? { cell_gradient_norms: r.cellGradientNorms } : {}),
    loss: meta.loss,
    spectral_radius: r.spectralRadius,
    largest_singular_value: r.largestSingularValue,
    lyapunov: r.lyapunov,
    last_step_eigenvalues: r.lastStepEigenvalues,
    ...(meta.theory !== undefined ? { theory: meta.theory } : {}),
  };
}
