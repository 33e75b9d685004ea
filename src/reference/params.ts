// params.ts — configuration, parameter names and shapes of the stacked recurrent model,
// exactly as PyTorch's state_dict names them (see ../shared/conformance/README.md).
//
//   weight_ih_l{l} [G·H, In]   (In = I for l = 0, H above)
//   weight_hh_l{l} [G·H, H]
//   bias_ih_l{l}   [G·H]
//   bias_hh_l{l}   [G·H]
//   head.weight    [O, H]
//   head.bias      [O]

import { CELL_KINDS, gateCount, type CellKind } from './cells';

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

/** Throws naming the offending field if config is not a valid RecurrentConfig. */
export function validateConfig(config: RecurrentConfig): void {
  if (!CELL_KINDS.includes(config.cell)) {
    throw new Error(`config.cell must be one of ${CELL_KINDS.join(', ')}, got ${String(config.cell)}`);
  }
  for (const key of ['inputSize', 'hiddenSize', 'numLayers', 'outputSize'] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) throw new Error(`config.${key} must be an integer >= 1, got ${v}`);
  }
}

/** Parameter names in state_dict order. */
export function paramNames(config: RecurrentConfig): string[] {
  return Object.keys(paramShapes(config));
}

/** name → shape, in state_dict order (object key order is the order). */
export function paramShapes(config: RecurrentConfig): Record<string, number[]> {
  validateConfig(config);
  const G = gateCount(config.cell);
  const H = config.hiddenSize;
  const shapes: Record<string, number[]> = {};
  for (let l = 0; l < config.numLayers; l++) {
    const inSize = l === 0 ? config.inputSize : H;
    shapes[`weight_ih_l${l}`] = [G * H, inSize];
    shapes[`weight_hh_l${l}`] = [G * H, H];
    shapes[`bias_ih_l${l}`] = [G * H];
    shapes[`bias_hh_l${l}`] = [G * H];
  }
  shapes['head.weight'] = [config.outputSize, H];
  shapes['head.bias'] = [config.outputSize];
  return shapes;
}

/** Product of a shape's dimensions (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Throws naming the parameter if one is missing or has the wrong element count. */
export function validateParams(config: RecurrentConfig, params: Params): void {
  for (const [name, shape] of Object.entries(paramShapes(config))) {
    const p = params[name];
    if (p === undefined) throw new Error(`params.${name} is missing (expected shape [${shape.join(', ')}])`);
    const want = shapeSize(shape);
    if (p.length !== want) {
      throw new Error(`params.${name} has ${p.length} elements, expected ${want} for shape [${shape.join(', ')}]`);
    }
  }
}

/** Zero-filled float64 tensors for every parameter (gradient accumulators). */
export function zeroParams(config: RecurrentConfig): Params {
  const out: Params = {};
  for (const [name, shape] of Object.entries(paramShapes(config))) out[name] = new Float64Array(shapeSize(shape));
  return out;
}
