// dense.ts — float64 plain-loop affine maps y = x Wᵀ + b and their backward, as nn.Linear.
// x: [N, C] row-major, W: [R, C] row-major (PyTorch weight layout), b: [R], y: [N, R].

/** y[n, r] = Σ_c x[n, c] · W[r, c] + b[r].  Returns y [N, R]. */
export function linearForward(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array,
  rows: number,
  cols: number,
): Float64Array {
  const n = x.length / cols;
  const y = new Float64Array(n * rows);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      let acc = bias[r]!;
      for (let c = 0; c < cols; c++) acc += x[i * cols + c]! * weight[r * cols + c]!;
      y[i * rows + r] = acc;
    }
  }
  return y;
}

/**
 * Backward of linearForward for upstream gradient dy [N, R]:
 * dW [R, C] += dyᵀ x, db [R] += Σ_n dy, and (if dx is given) dx [N, C] += dy W.
 */
export function linearBackwardAccumulate(
  dy: Float64Array,
  x: Float64Array,
  weight: Float64Array,
  rows: number,
  cols: number,
  dWeight: Float64Array,
  dBias: Float64Array,
  dx: Float64Array | null,
): void {
  const n = dy.length / rows;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      const g = dy[i * rows + r]!;
      if (g === 0) continue;
      dBias[r]! += g;
      for (let c = 0; c < cols; c++) {
        dWeight[r * cols + c]! += g * x[i * cols + c]!;
        if (dx !== null) dx[i * cols + c]! += g * weight[r * cols + c]!;
      }
    }
  }
}
