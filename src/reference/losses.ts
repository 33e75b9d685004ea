// losses.ts — float64 reference losses and their gradients w.r.t. the model output,
// plus a one-call loss-and-gradients helper over the recurrent reference.
//
//   mse:           loss = mean over all N elements of (out − y)²        (F.mse_loss, 'mean')
//   cross-entropy: logits [N, O], labels [N] ∈ [0, O);
//                  loss = mean_n (logsumexp(logits[n]) − logits[n, label_n])  (F.cross_entropy)
// Sequence-to-label training uses the last-step head: logits [B, O], labels [B].

import {
  recurrentBackward,
  recurrentForward,
  type Params,
  type RecurrentConfig,
  type RecurrentForward,
  type RecurrentGradients,
  type RecurrentInputs,
} from './recurrent';

/** A loss value and d loss / d (the tensor it was computed from). */
export interface LossResult {
  loss: number;
  /** Same shape as the loss input. */
  dOut: Float64Array;
}

/** Mean squared error over all elements; out and target have the same shape. */
export function mseLoss(out: Float64Array, target: Float64Array): LossResult {
  if (out.length !== target.length) {
    throw new Error(`mse target has ${target.length} elements, expected ${out.length} (same as out)`);
  }
  if (out.length === 0) throw new Error('mse of an empty tensor is undefined (out has 0 elements)');
  const n = out.length;
  const dOut = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const d = out[k]! - target[k]!;
    sum += d * d;
    dOut[k] = (2 * d) / n;
  }
  return { loss: sum / n, dOut };
}

/** Softmax cross-entropy, mean over the N rows of logits [N, O]; labels [N] integers in [0, O). */
export function crossEntropyLoss(logits: Float64Array, labels: ArrayLike<number>, numClasses: number): LossResult {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`numClasses must be an integer >= 1, got ${numClasses}`);
  }
  const rows = labels.length;
  if (rows === 0) throw new Error('cross-entropy needs at least one label, got labels.length 0');
  if (logits.length !== rows * numClasses) {
    throw new Error(`logits have ${logits.length} elements, expected ${rows * numClasses} ([${rows}, ${numClasses}])`);
  }
  const dOut = new Float64Array(logits.length);
  let sum = 0;
  for (let n = 0; n < rows; n++) {
    const label = labels[n]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`labels[${n}] must be an integer in [0, ${numClasses}), got ${label}`);
    }
    const row = logits.subarray(n * numClasses, (n + 1) * numClasses);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let z = 0;
    for (const v of row) z += Math.exp(v - max);
    const logZ = max + Math.log(z);
    sum += logZ - row[label]!;
    for (let k = 0; k < numClasses; k++) {
      const p = Math.exp(row[k]! - logZ);
      dOut[n * numClasses + k] = (p - (k === label ? 1 : 0)) / rows;
    }
  }
  return { loss: sum / rows, dOut };
}

/** What the model output is compared with. */
export type LossTarget =
  | { kind: 'mse'; /** Same shape as out. */ target: Float64Array }
  | { kind: 'cross_entropy'; /** One class index per head-output row ([B], or [B, T] per step). */ labels: ArrayLike<number> };

/** Evaluates a loss on a model output [rows, O]. */
export function evaluateLoss(out: Float64Array, outputSize: number, target: LossTarget): LossResult {
  if (target.kind === 'mse') return mseLoss(out, target.target);
  if (target.kind === 'cross_entropy') return crossEntropyLoss(out, target.labels, outputSize);
  throw new Error(`target.kind must be 'mse' or 'cross_entropy', got ${String((target as { kind: unknown }).kind)}`);
}

/** Forward, loss, and full BPTT backward in one call. */
export function recurrentLossAndGradients(
  config: RecurrentConfig,
  params: Params,
  inputs: RecurrentInputs,
  target: LossTarget,
): { loss: number; forward: RecurrentForward; grads: RecurrentGradients } {
  const forward = recurrentForward(config, params, inputs);
  const { loss, dOut } = evaluateLoss(forward.out, config.outputSize, target);
  const grads = recurrentBackward(config, params, forward, dOut);
  return { loss, forward, grads };
}
