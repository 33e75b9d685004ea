// dynamics.ts — 'springloop/analysis': RNNs as dynamical systems. Gradient norms through time come
// with the core library (RecurrentModel.backward({ gradNorms: true })); this entry adds what
// needs float64 linear algebra on the host (ml-matrix), kept out of the browser library bundle:
// Jacobian spectra and Lyapunov exponents along trajectories, fixed points, the whole analysis
// and its JSON / SVG, the two gradient experiments, and the exercise's physics RNN (a
// RecurrentModel that is Euler's method for a spring) with its stability in closed form.
export { analyzeModel, sampleStarts, type AnalysisInputs, type AnalysisResult } from './analysis/analyze';
export { analysisJson, type AnalysisJson } from './analysis/report';
export { findFixedPoints, fixedPointGradient, qValue, type FixedPoint, type FixedPointOptions, type FixedPointResult } from './analysis/fixed-points';
export { trajectoryJacobians, trajectoryDynamics, type TrajectoryDynamics } from './analysis/trajectory';
export { eigenvalues, spectralRadius, singularValues, lyapunovExponents, principalAxes, solve, modulus, type Complex } from './analysis/linalg';
export { classifyEigenvalues, eigenvalues2x2, type Stability } from './analysis/stability';
export { physicsRnn, physicsRnnParameters, physicsRnnTheory, PHYSICS_RNN_CONFIG, type PhysicsRnnTheory, type PhysicsRnnOptions, type DampingRegime } from './physics-rnn';
export { fullStateSize, toModelStates, fromModelStates, stackOf } from './analysis/state-layout';
export { rhoSweep, scaleToSpectralRadius, backwardRate, type RhoSweepOptions, type RhoSweepRow } from './analysis/rho-sweep';
export { longMemoryExperiment, longMemoryData, type LongMemoryOptions, type LongMemoryRow } from './analysis/long-memory';
export { renderAnalysisFigure, renderRhoSweepFigure, renderLongMemoryFigure } from './report/dynamics-figure';
export { recordStateJacobians, recordInputJacobians, jacobianSizes, jacobianKernel, type JacobianArgs } from './kernels/jacobian';
export { recordStateGradNorms, stateGradNormKernel, type StateGradNormArgs } from './kernels/state-grad-norm';
export type { LossTarget } from './model/options';
export type { LayerBuffers } from './model/workspace';
