// grad-norms.ts — float64 gradient norms through time (Pascanu et al. 2013), the reference of
// the GPU's per-step reduction (shaders/state_grad_norm.wgsl):
//   norm[l, t] = (1/B) Σ_b ‖∂L/∂h^l_t[b, ·]‖₂      from d loss / d h_t [L, T, B, H]
// (recurrentBackward's `dh`, and `dc` for the LSTM cell state), and the geometric rate of a
// norm curve (a least-squares line through log norm against t).

/** Batch-mean L2 norms per layer and step: seq [L, T, B, H] → [L, T]. */
export function batchMeanNorms(seq: ArrayLike<number>, layers: number, steps: number, batch: number, hidden: number): Float64Array {
  if (seq.length !== layers * steps * batch * hidden) {
    throw new Error(`batchMeanNorms: got ${seq.length} values, expected [${layers}, ${steps}, ${batch}, ${hidden}] = ${layers * steps * batch * hidden}`);
  }
  const out = new Float64Array(layers * steps);
  for (let lt = 0; lt < layers * steps; lt++) {
    let sum = 0;
    for (let b = 0; b < batch; b++) {
      let sq = 0;
      const base = (lt * batch + b) * hidden;
      for (let j = 0; j < hidden; j++) sq += seq[base + j]! ** 2;
      sum += Math.sqrt(sq);
    }
    out[lt] = sum / batch;
  }
  return out;
}

/**
 * The per-step factor r of a curve n_t ≈ C·r^t over steps [from, to): exp of the slope of the
 * least-squares line through (t, ln n_t). Backward in time (loss at the end) a decaying
 * gradient has r > 1 read from t = 1 up, so callers pass the curve in the direction they mean.
 */
export function geometricRate(norms: ArrayLike<number>, from = 0, to = norms.length): number {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= norms.length && to - from >= 2)) {
    throw new Error(`geometricRate: needs a range of at least 2 steps inside [0, ${norms.length}), got [${from}, ${to})`);
  }
  let n = 0;
  let st = 0;
  let sy = 0;
  let stt = 0;
  let sty = 0;
  for (let t = from; t < to; t++) {
    const v = norms[t]!;
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`geometricRate: norm at step ${t} is ${v}; a rate needs positive finite norms`);
    const y = Math.log(v);
    n++;
    st += t;
    sy += y;
    stt += t * t;
    sty += t * y;
  }
  const slope = (n * sty - st * sy) / (n * stt - st * st);
  return Math.exp(slope);
}
