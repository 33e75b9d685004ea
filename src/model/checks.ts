// checks.ts — input validation of the GPU model: every error names the tensor or option and
// its value, and is thrown before anything is recorded.
import { formatShape, requireTensorLike, type GpuTensor } from '../gpu/tensor';
import { expectShape, type ModelConfig } from './config';
import { cellSpec, cellsWith } from './cells';
import { directions } from './params';
import { describeValue, requireBoolean, requireInteger, requireObject } from '../util/check';
import type { BackwardOptions, ForwardOptions, LossTarget } from './options';
import type { Workspace } from './workspace';

function checkF32(name: string, t: GpuTensor): void {
  if (t.dtype !== 'f32') throw new Error(`${name} must be f32, got ${t.dtype}`);
}

/** A state-shaped tensor [D·L, B, H] (h0, c0, dhN, dcN); cell-state ones exist for cells that carry one. */
function checkStateTensor(name: string, t: GpuTensor | null | undefined, config: ModelConfig, batch: number, cellState: boolean): void {
  if (!t) return;
  requireTensorLike(name, t);
  if (cellState && !cellSpec(config.cell).cellState) throw new Error(`${name} is only used by ${cellsWith('cellState').join(', ')}, but this model's cell is ${config.cell}`);
  checkF32(name, t);
  expectShape(name, t.shape, [directions(config) * config.numLayers, batch, config.hiddenSize]);
}

/** Validates x [B, T, I] and the optional initial states; returns B and T. */
export function checkForwardInputs(config: ModelConfig, x: GpuTensor, states: ForwardOptions): { batch: number; seqLen: number } {
  const { inputSize: I } = config;
  requireTensorLike('x', x);
  if (x.shape.length !== 3) {
    throw new Error(`x must have rank 3 [batch, seqLen, inputSize=${I}], got shape ${formatShape(x.shape)}`);
  }
  const [B, T, F] = x.shape as [number, number, number];
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) {
    throw new Error(`x has shape ${formatShape(x.shape)}: batch and seqLen must be positive integers`);
  }
  if (F !== I) throw new Error(`x has feature size ${F} (shape ${formatShape(x.shape)}) but the model's inputSize is ${I}`);
  checkF32('x', x);
  checkStateTensor('h0', states.h0, config, B, false);
  checkStateTensor('c0', states.c0, config, B, true);
  if (states.training !== undefined && states.training !== null) {
    const training = requireObject('training', states.training);
    requireInteger('training.step', training.step, { min: 0 });
    if (training.seed !== undefined) requireInteger('training.seed', training.seed, { min: 0 });
  }
  return { batch: B, seqLen: T };
}

/** Validates dOut (when given) and the backward options; returns the first step back-propagated. */
export function checkBackwardInputs(config: ModelConfig, ws: Workspace, dOut: GpuTensor | null, opts: BackwardOptions): number {
  const B = ws.batch;
  const T = ws.seqLen;
  if (dOut) {
    requireTensorLike('dOut', dOut);
    checkF32('dOut', dOut);
    expectShape('dOut', dOut.shape, ws.forward.out.shape);
  }
  checkStateTensor('dhN', opts.dhN, config, B, false);
  checkStateTensor('dcN', opts.dcN, config, B, true);
  if (opts.inputGradient !== undefined) requireBoolean('inputGradient', opts.inputGradient);
  const k = opts.truncate ?? T;
  if (!Number.isInteger(k) || k < 1) throw new Error(`truncate must be a positive integer number of steps, got ${opts.truncate}`);
  if (k < T && directions(config) === 2) {
    throw new Error(`truncate ${describeValue(opts.truncate)} is not supported by a bidirectional model (its reverse direction starts at the last step); back-propagate through all ${T} steps`);
  }
  return Math.max(0, T - k);
}

/** Validates a loss target against the last forward's output (shape, dtype, kind). */
export function checkLossTarget(config: ModelConfig, ws: Workspace, target: LossTarget): void {
  if (typeof target !== 'object' || target === null) {
    throw new Error(`loss target must be { kind: 'mse', target } or { kind: 'cross_entropy', labels }, got ${describeValue(target)}`);
  }
  if (target.kind === 'mse') {
    requireTensorLike('target', target.target);
    checkF32('target', target.target);
    expectShape('target', target.target.shape, ws.forward.out.shape);
    return;
  }
  if (target.kind === 'cross_entropy') {
    const want = config.head === 'every-step' ? [ws.batch, ws.seqLen] : [ws.batch];
    requireTensorLike('labels', target.labels);
    if (target.labels.dtype !== 'u32') throw new Error(`labels must be u32 class indices, got ${target.labels.dtype}`);
    expectShape('labels', target.labels.shape, want);
    return;
  }
  throw new Error(`loss target kind must be 'mse' or 'cross_entropy', got ${describeValue((target as { kind: unknown }).kind)}`);
}
