// init.ts — PyTorch's default initialisation of the recurrent model + Linear head, drawn
// from the project's seeded Random (same distribution as PyTorch, not the same numbers).
//
//   nn.RNN / nn.LSTM / nn.GRU: every weight and bias ~ U(−1/√H, 1/√H)
//   nn.Linear(D·H, O):         weight and bias ~ U(−1/√in_features, 1/√in_features), in = D·H
// Tensors are filled one after another in state_dict order, each in row-major order,
// so a seed fixes every value.

import { Random } from '../util/random';
import { cellSpec } from './cells';
import { directions, modelParamShapes, shapeSize, type ParamShapeConfig } from './params';

/** Default-initialised parameters by state_dict name (float32, row-major). */
export function initRecurrentParams(config: ParamShapeConfig, seed: number): Record<string, Float32Array> {
  const rng = new Random(seed);
  const layerBound = cellSpec(config.cell).initBound(config.hiddenSize);
  const headBound = 1 / Math.sqrt(directions(config) * config.hiddenSize); // nn.Linear: in_features = D·H
  const out: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(modelParamShapes(config))) {
    const bound = name.startsWith('head.') ? headBound : layerBound;
    const data = new Float32Array(shapeSize(shape));
    for (let k = 0; k < data.length; k++) data[k] = rng.uniform(-bound, bound);
    out[name] = data;
  }
  return out;
}
