// permute.ts — float64 reference of shaders/permute.wgsl: out[j, i, f] = src[i, j, f].

/** src [A, Bd, F] row-major → [Bd, A, F]. */
export function permuteReference(src: ArrayLike<number>, a: number, bd: number, f: number): Float64Array {
  const out = new Float64Array(a * bd * f);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < bd; j++) {
      for (let k = 0; k < f; k++) out[(j * a + i) * f + k] = src[(i * bd + j) * f + k]!;
    }
  }
  return out;
}
