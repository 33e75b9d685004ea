// recurrent-params.ts — what the recurrent reference (recurrent.ts) takes: the model's shape
// and its parameters by PyTorch state_dict name (weight_ih_l0, …, the reverse direction's
// weight_ih_l0_reverse, …, head.bias; their shapes are listed in src/model/params.ts), each
// checked where the loops read it. Sizes are the caller's to check (src/model/config.ts); an
// unknown cell throws in gateCount.

import { gateCount, type CellKind } from './cells';

/**
 * What the Linear head reads: rnn_out at every step (out [B, T, O]); rnn_out at the last step
 * t = T−1 (PyTorch's out[:, -1]: for a reverse direction its state after reading x_T only);
 * or every direction's final state h_n (torch.cat of h_n[-2], h_n[-1]: the reverse direction's
 * state after reading x_T … x_1). The last two give out [B, O] and agree for one direction.
 */
export type ReferenceHead = 'every-step' | 'last-step' | 'final-states';

/** Shape of the stacked recurrent model + Linear head. */
export interface RecurrentConfig {
  /** The recurrent cell. */
  cell: CellKind;
  /** I: features per time step of x. */
  inputSize: number;
  /** H: hidden units per layer and direction. */
  hiddenSize: number;
  /** L: stacked layers (layer l+1 consumes layer l's h sequence, directions side by side). */
  numLayers: number;
  /** O: head outputs. */
  outputSize: number;
  /** PyTorch's bidirectional=True: every layer also runs a reverse direction (D = 2). Default false. */
  bidirectional?: boolean;
  /** Where the head reads (default 'every-step'; `headOnLastStepOnly: true` means 'last-step'). */
  head?: ReferenceHead;
  /** true: head on the last step only, out [B, O] (the same as head 'last-step'). */
  headOnLastStepOnly?: boolean;
}

/** Parameters (or their gradients) by state_dict name, row-major float64. */
export type Params = Record<string, Float64Array>;

/** Widens float32 parameters to float64 (exact) for the reference. */
export function paramsToFloat64(params: Record<string, Float32Array>): Params {
  const out: Params = {};
  for (const [name, data] of Object.entries(params)) out[name] = Float64Array.from(data);
  return out;
}

/** D: directions per layer (2 when bidirectional). */
export function directionCount(config: RecurrentConfig): number {
  return config.bidirectional ? 2 : 1;
}

/** The head the config asks for ('head', else headOnLastStepOnly, else every step). */
export function headKind(config: RecurrentConfig): ReferenceHead {
  return config.head ?? (config.headOnLastStepOnly ? 'last-step' : 'every-step');
}

/** params[name], checked to hold `count` values. */
function param(params: Params, name: string, count: number): Float64Array {
  const p = params[name];
  if (p === undefined) throw new Error(`params.${name} is missing (expected ${count} elements)`);
  if (p.length !== count) throw new Error(`params.${name} has ${p.length} elements, expected ${count}`);
  return p;
}

/** PyTorch's suffix of direction d's parameter names: '' forward, '_reverse' reverse. */
export function directionSuffix(d: number): string {
  return d === 0 ? '' : '_reverse';
}

/** Layer l's (direction d's) four tensors: W_ih [G·H, In], W_hh [G·H, H], b_ih, b_hh [G·H]; In = I for l = 0, D·H above. */
export function layerWeights(config: RecurrentConfig, params: Params, l: number, d = 0) {
  const H = config.hiddenSize;
  const GH = gateCount(config.cell) * H;
  const inSize = l === 0 ? config.inputSize : directionCount(config) * H;
  const s = `l${l}${directionSuffix(d)}`;
  return {
    GH,
    inSize,
    wIh: param(params, `weight_ih_${s}`, GH * inSize),
    wHh: param(params, `weight_hh_${s}`, GH * H),
    bIh: param(params, `bias_ih_${s}`, GH),
    bHh: param(params, `bias_hh_${s}`, GH),
  };
}

/** The head's W [O, D·H] and b [O]. */
export function headWeights(config: RecurrentConfig, params: Params) {
  const { hiddenSize: H, outputSize: O } = config;
  return { w: param(params, 'head.weight', O * directionCount(config) * H), b: param(params, 'head.bias', O) };
}
