// echo-state.ts — the 'springloop/esn' entry: echo state networks (src/esn/), a reservoir driven
// on the GPU and a ridge readout, kept out of the main entry so apps that do not use them do
// not carry them. `Forecaster.use(esn)` gives the Forecaster its cell 'esn'; the classes below
// are the lower level (a reservoir of your own over any windows, its exports, its file).
export { esn } from './esn/engine';
export { EchoStateNetwork, type EsnSpec, type FitSpan, type ReservoirExport } from './esn/esn';
export { EsnForecast, type EsnFitTimes } from './esn/esn-forecast';
export { esnSafetensors } from './esn/esn-file';
export { ESN_DEFAULTS, MAX_RESERVOIR, type EsnSettings } from './esn/config';
export type { ReservoirBuffers, ReservoirWeights } from './kernels/esn';
export type { ReservoirHost } from './esn/reservoir';
export type { EsnCore, EsnEngine } from './train/esn-engine';
