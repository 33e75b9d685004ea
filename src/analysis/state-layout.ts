// state-layout.ts — the full recurrent state of a stacked model as the dynamics analysis sees
// it, s = [layer 0: h, (c); layer 1: h, (c); …]  (D = L·S·H values, S = 2 for LSTM else 1), and
// its conversion to and from the model's state tensors h, c: [L, K, H] (K states at once).
import type { ModelConfig } from '../model/config';
import { stateMultiplier, layerWeightsOf, type StackedCell } from '../reference/jacobian';

/** D = L·S·H: values in one full state. */
export function fullStateSize(config: Pick<ModelConfig, 'cell' | 'hiddenSize' | 'numLayers' | 'bidirectional'>): number {
  if (config.bidirectional) throw new Error(ONE_DIRECTION);
  return config.numLayers * stateMultiplier(config.cell) * config.hiddenSize;
}

/** Why the dynamics analyses refuse a bidirectional model. */
const ONE_DIRECTION = 'the dynamics analyses (fixed points, Jacobians along a trajectory) take one-direction models: a bidirectional model\'s reverse direction runs backwards in time, so it has no state that steps forward';

/** Full states [K, D] → model tensors h, c [L, K, H] (c null unless LSTM). */
export function toModelStates(config: ModelConfig, states: ArrayLike<number>, count: number): { h: Float32Array; c: Float32Array | null } {
  const { hiddenSize: H, numLayers: L } = config;
  const S = stateMultiplier(config.cell);
  const D = fullStateSize(config);
  if (states.length !== count * D) throw new Error(`states has ${states.length} values, expected ${count} × ${D}`);
  const h = new Float32Array(L * count * H);
  const c = S === 2 ? new Float32Array(L * count * H) : null;
  for (let k = 0; k < count; k++) {
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < H; j++) {
        h[(l * count + k) * H + j] = states[k * D + l * S * H + j]!;
        if (c) c[(l * count + k) * H + j] = states[k * D + l * S * H + H + j]!;
      }
    }
  }
  return { h, c };
}

/** Model tensors h, c [L, K, H] → full states [K, D] (float64). */
export function fromModelStates(config: ModelConfig, h: ArrayLike<number>, c: ArrayLike<number> | null, count: number): Float64Array {
  const { hiddenSize: H, numLayers: L } = config;
  const S = stateMultiplier(config.cell);
  const D = fullStateSize(config);
  const out = new Float64Array(count * D);
  for (let k = 0; k < count; k++) {
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < H; j++) {
        out[k * D + l * S * H + j] = h[(l * count + k) * H + j]!;
        if (c && S === 2) out[k * D + l * S * H + H + j] = c[(l * count + k) * H + j]!;
      }
    }
  }
  return out;
}

/** The model's recurrent stack in float64 (src/reference/jacobian.ts terms). */
export function stackOf(config: ModelConfig, params: Readonly<Record<string, ArrayLike<number>>>): StackedCell {
  return { cell: config.cell, hidden: config.hiddenSize, layers: Array.from({ length: config.numLayers }, (_, l) => layerWeightsOf(params, l)) };
}
