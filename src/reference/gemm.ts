// gemm.ts — float64 reference of shaders/gemm.wgsl, written from the matrix semantics (not
// from the kernel's strides):  C = op(A)·op(B) (+ bias) (+ C),  op(X) = X or Xᵀ.
// A matrix is a row-major view into a flat array: element (i, j) at offset + i·ld + j.

/** A row-major matrix inside a flat host array. */
export interface HostMatrix {
  data: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Element offset of (0, 0). Default 0. */
  offset?: number;
  /** Row stride in elements. Default cols. */
  ld?: number;
}

export interface GemmReferenceArgs {
  a: HostMatrix;
  transA?: boolean;
  b: HostMatrix;
  transB?: boolean;
  /** Output view; its rows × cols are op(A).rows × op(B).cols. */
  c: HostMatrix;
  /** Per-column bias of C, length c.cols, read from bias.data[bias.offset + n]. */
  bias?: { data: ArrayLike<number>; offset?: number };
  /** C += product (true) or C = product (false, default). */
  accumulate?: boolean;
}

const at = (m: HostMatrix, i: number, j: number): number => m.data[(m.offset ?? 0) + i * (m.ld ?? m.cols) + j]!;

/** Returns a float64 copy of c.data with the view c replaced by the result. */
export function gemmReference(args: GemmReferenceArgs): Float64Array {
  const { a, b, c } = args;
  const M = args.transA ? a.cols : a.rows;
  const K = args.transA ? a.rows : a.cols;
  const K2 = args.transB ? b.cols : b.rows;
  const N = args.transB ? b.rows : b.cols;
  if (K !== K2 || c.rows !== M || c.cols !== N) {
    throw new Error(`gemmReference: op(A) is [${M}, ${K}], op(B) is [${K2}, ${N}], C is [${c.rows}, ${c.cols}]`);
  }
  const out = Float64Array.from(c.data);
  const cOff = c.offset ?? 0;
  const ldc = c.ld ?? c.cols;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const x = args.transA ? at(a, k, i) : at(a, i, k);
        const y = args.transB ? at(b, j, k) : at(b, k, j);
        sum += x * y;
      }
      if (args.bias) sum += args.bias.data[(args.bias.offset ?? 0) + j]!;
      const idx = cOff + i * ldc + j;
      out[idx] = args.accumulate ? out[idx]! + sum : sum;
    }
  }
  return out;
}

/** out[n] = Σ_r src[r, n] over a [rows, cols] row-major view (stride ld). */
export function colSumReference(src: ArrayLike<number>, rows: number, cols: number, offset = 0, ld = cols): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let n = 0; n < cols; n++) out[n]! += src[offset + r * ld + n]!;
  return out;
}
