// axpy.ts — float64 reference of shaders/axpy.wgsl: y ← alpha·x + y.

export function axpyReference(alpha: number, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = alpha * x[i]! + y[i]!;
  return out;
}
