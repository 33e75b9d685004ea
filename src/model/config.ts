// config.ts — the recurrent model's configuration and the checks that name a bad field or
// tensor before any GPU work.
import type { RecurrentConfig } from '../reference/recurrent';
import { formatShape } from '../gpu/tensor';
import { requireBoolean, requireInteger, requireNumber, requireObject, requireOneOf } from '../util/check';
import { CELL_TYPES, type CellType } from './cells';

export { CELL_TYPES, type CellType } from './cells';
/**
 * Where the Linear head reads the hidden state: 'every-step' — rnn_out at every step (out
 * [B, T, O]); 'last-step' — rnn_out at the last step t = T−1 (PyTorch's `out[:, -1]`; for the
 * reverse direction of a bidirectional model that is its state after reading x_T alone);
 * 'final-states' — every top-layer direction's final state (PyTorch's
 * `torch.cat([h_n[-2], h_n[-1]], 1)`: the reverse direction after reading x_T … x_1). The last
 * two give out [B, O] and are the same model for one direction.
 */
export type HeadMode = 'every-step' | 'last-step' | 'final-states';

/** Every HeadMode, for checks and usage text. */
export const HEAD_MODES: readonly HeadMode[] = ['every-step', 'last-step', 'final-states'];

/** A stacked RNN / LSTM / GRU (batch-first, bias) plus a Linear head, as PyTorch's nn.RNN / nn.LSTM / nn.GRU + nn.Linear. */
export interface ModelConfig {
  /** The recurrent cell. */
  cell: CellType;
  /** I: features per time step. */
  inputSize: number;
  /** H: hidden units per layer and direction. */
  hiddenSize: number;
  /** L: stacked layers. */
  numLayers: number;
  /** O: head outputs. */
  outputSize: number;
  /** Where the head reads: every step (out [B, T, O]), the last step or the final states (out [B, O]). */
  head: HeadMode;
  /**
   * PyTorch's bidirectional=True: each layer also runs a reverse direction over x_T … x_1
   * (D = 2); layer l ≥ 1 and the head read [forward h_t, reverse h_t] (D·H features); states
   * are [D·L, B, H] with row l·D + d; the reverse parameters carry the suffix `_reverse`.
   * Default false.
   */
  bidirectional?: boolean;
  /**
   * PyTorch's dropout=p: in training forwards, every layer's output but the last is zeroed
   * with probability p and the rest scaled by 1/(1−p) before the next layer reads it (no
   * effect with one layer). In [0, 1); default 0.
   */
  dropout?: number;
  /** The same on the model's input x (in training forwards only). In [0, 1); default 0. */
  inputDropout?: number;
}

/** Throws naming the field when the cell or a size is invalid (what the parameter shapes need). */
export function validateModelSizes(config: Pick<ModelConfig, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'outputSize' | 'bidirectional'>): void {
  requireObject('config', config);
  requireOneOf('config.cell', config.cell, CELL_TYPES);
  for (const key of ['inputSize', 'hiddenSize', 'numLayers', 'outputSize'] as const) requireInteger(`config.${key}`, config[key], { min: 1 });
  if (config.bidirectional !== undefined) requireBoolean('config.bidirectional', config.bidirectional);
}

/** Throws naming the field when the config is invalid. */
export function validateModelConfig(config: ModelConfig): void {
  validateModelSizes(config);
  requireOneOf('config.head', config.head, HEAD_MODES);
  for (const key of ['dropout', 'inputDropout'] as const) {
    if (config[key] !== undefined) requireNumber(`config.${key}`, config[key], { min: 0, max: 1, exclusiveMax: true });
  }
}

/** The same model in the float64 reference's terms. */
export function referenceConfig(config: ModelConfig): RecurrentConfig {
  return {
    cell: config.cell,
    inputSize: config.inputSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers,
    outputSize: config.outputSize,
    bidirectional: config.bidirectional === true,
    head: config.head,
  };
}

/** Checks a tensor's shape; the error names it and both shapes. */
export function expectShape(name: string, shape: readonly number[], want: readonly number[]): void {
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i])) {
    throw new Error(`${name} has shape ${formatShape(shape)}, expected ${formatShape(want)}`);
  }
}
