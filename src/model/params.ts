// params.ts — the stacked recurrent model's parameters, exactly as PyTorch's state_dict
// names them (see ../shared/conformance/README.md):
//
//   weight_ih_l{l} [G·H, In]   (In = I for l = 0, D·H above)
//   weight_hh_l{l} [G·H, H]
//   bias_ih_l{l}   [G·H]
//   bias_hh_l{l}   [G·H]
//   … the same with the suffix _reverse for the reverse direction (bidirectional: D = 2),
//   each layer's forward direction first
//   head.weight    [O, D·H]
//   head.bias      [O]
//
// G is the cell's gate count (src/model/cells.ts).

import { cellSpec } from './cells';
import { validateModelSizes, type ModelConfig } from './config';

/** What the parameter shapes depend on (a ModelConfig, or the reference's RecurrentConfig). */
export type ParamShapeConfig = Pick<ModelConfig, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'outputSize' | 'bidirectional'>;

/** D: directions per layer, 2 for a bidirectional model. */
export function directions(config: Pick<ModelConfig, 'bidirectional'>): 1 | 2 {
  return config.bidirectional === true ? 2 : 1;
}

/** PyTorch's name suffix of direction d: '' (forward) or '_reverse'. */
export function directionSuffix(d: number): string {
  return d === 0 ? '' : '_reverse';
}

/** state_dict name → shape, in state_dict order (object key order is the order). Throws naming a bad field. */
export function modelParamShapes(config: ParamShapeConfig): Record<string, number[]> {
  validateModelSizes(config);
  const G = cellSpec(config.cell).gates;
  const H = config.hiddenSize;
  const D = directions(config);
  const shapes: Record<string, number[]> = {};
  for (let l = 0; l < config.numLayers; l++) {
    const inSize = l === 0 ? config.inputSize : D * H;
    for (let d = 0; d < D; d++) {
      const s = `l${l}${directionSuffix(d)}`;
      shapes[`weight_ih_${s}`] = [G * H, inSize];
      shapes[`weight_hh_${s}`] = [G * H, H];
      shapes[`bias_ih_${s}`] = [G * H];
      shapes[`bias_hh_${s}`] = [G * H];
    }
  }
  shapes['head.weight'] = [config.outputSize, D * H];
  shapes['head.bias'] = [config.outputSize];
  return shapes;
}

/** Product of a shape's dimensions (1 for []). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
