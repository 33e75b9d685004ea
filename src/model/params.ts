// params.ts — the stacked recurrent model's parameters, exactly as PyTorch's state_dict
// names them (see ../shared/conformance/README.md):
//
//   weight_ih_l{l} [G·H, In]   (In = I for l = 0, H above)
//   weight_hh_l{l} [G·H, H]
//   bias_ih_l{l}   [G·H]
//   bias_hh_l{l}   [G·H]
//   head.weight    [O, H]
//   head.bias      [O]
//
// G is the cell's gate count (src/model/cells.ts).

import { cellSpec } from './cells';
import { validateModelSizes, type ModelConfig } from './config';

/** What the parameter shapes depend on (a ModelConfig, or the reference's RecurrentConfig). */
export type ParamShapeConfig = Pick<ModelConfig, 'cell' | 'inputSize' | 'hiddenSize' | 'numLayers' | 'outputSize'>;

/** state_dict name → shape, in state_dict order (object key order is the order). Throws naming a bad field. */
export function modelParamShapes(config: ParamShapeConfig): Record<string, number[]> {
  validateModelSizes(config);
  const G = cellSpec(config.cell).gates;
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
