// gemm_tile.wgsl — what the GEMM kernels (shaders/gemm.wgsl, shaders/gemm_subgroups.wgsl) share:
// the strided-operand uniforms, the bindings, the tile sizes and the epilogue that stores a
// workgroup's tile. Every operand is addressed through element offsets and strides:
//   op(A)(m, k) = a[a_off + m·a_rs + k·a_cs]      op(A): [M, K]
//   op(B)(k, n) = b[b_off + k·b_rs + n·b_cs]      op(B): [K, N]
//   C(m, n)     = c[c_off + m·c_rs + n·c_cs]      C:     [M, N]
// so a transpose is a swap of strides (src/kernels/gemm.ts computes them).
// bias_mode: 0 none, 1 bias[bias_off + n] per column, 2 bias[bias_off + m] per row.
// accumulate: 0 → C = op(A)·op(B) + bias (C is not read); 1 → C += op(A)·op(B) + bias.
// A workgroup owns ROWS rows of C from m0 = workgroup_id.y·ROWS and 4·WG columns, 4 per
// invocation (n0 = 4·global column index); accumulator r holds C(m0 + r, n0 .. n0+3).

struct Gemm {
  m: u32,
  n: u32,
  k: u32,
  a_off: u32,
  a_rs: u32,
  a_cs: u32,
  b_off: u32,
  b_rs: u32,
  b_cs: u32,
  c_off: u32,
  c_rs: u32,
  c_cs: u32,
  bias_off: u32,
  bias_mode: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> g: Gemm;
// @binding(1) a: declared by shaders/lib/gemm_a_scalar.wgsl (or gemm_a_vec4.wgsl)
@group(0) @binding(3) var<storage, read> bias: array<f32>;
// @binding(4) c: declared by shaders/lib/gemm_c_scalar.wgsl (or gemm_c_vec4.wgsl)

// Upper bound of ROWS (function-scope arrays need a constant size).
const MAX_ROWS: u32 = 16u;
// Rows of C per workgroup (≤ MAX_ROWS) and invocations per workgroup (4 columns each).
override ROWS: u32 = 16u;
override WG: u32 = 64u;

//!include "gemm_a_scalar"
//!include "gemm_b_scalar"
//!include "gemm_c_scalar"

// Stores (or adds) rows m0.. of the tile, with the bias. Runs in loops that are not unrolled
// (one copy: much faster to compile); the accumulators stay in registers until here. Each bias
// value is loaded once per invocation — a column's before the rows, a row's before its columns —
// not once per element (loads are what costs on lavapipe).
fn store_tile(m0: u32, n0: u32, res: array<vec4<f32>, MAX_ROWS>) {
  let cols = min(4u, g.n - min(g.n, n0));
  var column_bias = vec4<f32>(0.0);
  if (g.bias_mode == 1u) {
    for (var j = 0u; j < cols; j++) {
      column_bias[j] = bias[g.bias_off + n0 + j];
    }
  }
  for (var r = 0u; r < min(ROWS, g.m - min(g.m, m0)); r++) {
    let m = m0 + r;
    var add = column_bias;
    if (g.bias_mode == 2u) {
      add = vec4<f32>(bias[g.bias_off + m]);
    }
    var v = res[r];
    if (g.bias_mode != 0u) {
      v += add;
    }
    store_row(m, n0, cols, v);
  }
}
