// dropout.ts — float64 reference of shaders/dropout.wgsl: the dropout mask a site draws
// (multipliers 0 or 1/(1−p) of every element of a batch-first [B, T, C] tensor, from the same
// counter-based bits as the kernel), and the join of P parts of W columns into [B, T, P·W].
import { dropoutKeeps, dropoutKey, dropoutThreshold } from '../util/counter-hash';

/** Where a mask is drawn: the model's seed, the training step, the site (0: x, l: layer l−1's output) and the drop probability p. */
export interface DropoutSite {
  seed: number;
  step: number;
  site: number;
  p: number;
}

/** The mask [B, T, C] (batch-first): 0 where an element drops, else 1/(1−p). */
export function dropoutMask(s: DropoutSite, batch: number, steps: number, columns: number): Float64Array {
  const key = dropoutKey(s.seed, s.step, s.site);
  const threshold = dropoutThreshold(s.p);
  const scale = 1 / (1 - s.p);
  const mask = new Float64Array(batch * steps * columns);
  for (let e = 0; e < mask.length; e++) mask[e] = dropoutKeeps(key, threshold, e) ? scale : 0;
  return mask;
}

/**
 * The kernel's join in batch-first terms: parts[p] [B, T, W] side by side, times the mask
 * [B, T, P·W] (null: none). Returns [B, T, P·W].
 */
export function joinReference(parts: readonly Float64Array[], width: number, mask: Float64Array | null): Float64Array {
  const P = parts.length;
  const rows = parts[0]!.length / width;
  const out = new Float64Array(rows * P * width);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < width; j++) {
        const e = (r * P + p) * width + j;
        out[e] = parts[p]![r * width + j]! * (mask ? mask[e]! : 1);
      }
    }
  }
  return out;
}
