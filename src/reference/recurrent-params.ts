// recurrent-params.ts — what the recurrent reference (recurrent.ts) takes: the model's shape
// and its parameters by PyTorch state_dict name (weight_ih_l0, …, head.bias; their shapes
// are listed in src/model/params.ts), each checked where the loops read it. Sizes are the
// caller's to check (src/model/config.ts); an unknown cell throws in gateCount.

import { gateCount, type CellKind } from './cells';

/** Shape of the stacked recurrent model + Linear head. */
export interface RecurrentConfig {
  /** The recurrent cell. */
  cell: CellKind;
  /** I: features per time step of x. */
  inputSize: number;
  /** H: hidden units per layer. */
  hiddenSize: number;
  /** L: stacked layers (layer l+1 consumes layer l's h sequence). */
  numLayers: number;
  /** O: head outputs. */
  outputSize: number;
  /** true: head on the last step only, out [B, O]; false/absent: every step, out [B, T, O]. */
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

/** params[name], checked to hold `count` values. */
function param(params: Params, name: string, count: number): Float64Array {
  const p = params[name];
  if (p === undefined) throw new Error(`params.${name} is missing (expected ${count} elements)`);
  if (p.length !== count) throw new Error(`params.${name} has ${p.length} elements, expected ${count}`);
  return p;
}

/** Layer l's four tensors: W_ih [G·H, In], W_hh [G·H, H], b_ih, b_hh [G·H]. */
export function layerWeights(config: RecurrentConfig, params: Params, l: number) {
  const H = config.hiddenSize;
  const GH = gateCount(config.cell) * H;
  const inSize = l === 0 ? config.inputSize : H;
  return {
    GH,
    inSize,
    wIh: param(params, `weight_ih_l${l}`, GH * inSize),
    wHh: param(params, `weight_hh_l${l}`, GH * H),
    bIh: param(params, `bias_ih_l${l}`, GH),
    bHh: param(params, `bias_hh_l${l}`, GH),
  };
}

/** The head's W [O, H] and b [O]. */
export function headWeights(config: RecurrentConfig, params: Params) {
  const { hiddenSize: H, outputSize: O } = config;
  return { w: param(params, 'head.weight', O * H), b: param(params, 'head.bias', O) };
}

