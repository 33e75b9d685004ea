// config.ts — the recurrent model's configuration and the checks that name a bad field or
// tensor before any GPU work.
import type { RecurrentConfig } from '../reference/recurrent';
import { formatShape } from '../gpu/tensor';
import { requireInteger, requireObject, requireOneOf } from '../util/check';
import { CELL_TYPES, type CellType } from './cells';

export { CELL_TYPES, type CellType } from './cells';
/** Where the Linear head reads the hidden state: every step (out [B, T, O]) or the last step only (out [B, O]). */
export type HeadMode = 'every-step' | 'last-step';

/** A stacked RNN / LSTM / GRU (batch-first, bias, no dropout) plus a Linear head. */
export interface ModelConfig {
  /** The recurrent cell. */
  cell: CellType;
  /** I: features per time step. */
  inputSize: number;
  /** H: hidden units per layer. */
  hiddenSize: number;
  /** L: stacked layers. */
  numLayers: number;
  /** O: head outputs. */
  outputSize: number;
  /** Head on every step (out [B, T, O]) or on the last step only (out [B, O]). */
  head: HeadMode;
}

/** Throws naming the field when the cell or a size is invalid (what the parameter shapes need). */
export function validateModelSizes(config: Pick<ModelConfig, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'outputSize'>): void {
  requireObject('config', config);
  requireOneOf('config.cell', config.cell, CELL_TYPES);
  for (const key of ['inputSize', 'hiddenSize', 'numLayers', 'outputSize'] as const) requireInteger(`config.${key}`, config[key], { min: 1 });
}

/** Throws naming the field when the config is invalid. */
export function validateModelConfig(config: ModelConfig): void {
  validateModelSizes(config);
  requireOneOf('config.head', config.head, ['every-step', 'last-step'] as const);
}

/** The same model in the float64 reference's terms. */
export function referenceConfig(config: ModelConfig): RecurrentConfig {
  return {
    cell: config.cell,
    inputSize: config.inputSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
    outputSize: config.outputSize,
    headOnLastStepOnly: config.head === 'last-step',
  };
}

/** Checks a tensor's shape; the error names it and both shapes. */
export function expectShape(name: string, shape: readonly number[], want: readonly number[]): void {
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
    throw new Error(`${name} has shape ${formatShape(shape)}, expected ${formatShape(want)}`);
  }
}
