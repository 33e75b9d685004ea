// gemm_b_scalar.wgsl — how the GEMM kernels (shaders/lib/gemm_tile.wgsl) read op(B): four
// scalar loads per row of four columns, for any strides. Where op(B)'s rows are contiguous
// and 16-byte aligned, src/kernels/gemm.ts swaps in gemm_b_vec4.wgsl, whose one vec4 load
// gives the same four values (a load instruction is what costs on lavapipe).
@group(0) @binding(2) var<storage, read> b: array<f32>;

// Element offsets of op(B)(0, n0 + j), j < 4, clamped to valid columns (out-of-range columns
// load valid data and are never stored).
fn b_columns(n0: u32) -> vec4<u32> {
  var col: vec4<u32>;
  for (var j = 0u; j < 4u; j++) {
    col[j] = g.b_off + min(n0 + j, g.n - 1u) * g.b_cs;
  }
  return col;
}

// op(B)(k, n0 .. n0+3) from the columns b_columns gave.
fn b_row(col: vec4<u32>, k: u32) -> vec4<f32> {
  let bk = k * g.b_rs;
  return vec4<f32>(b[col.x + bk], b[col.y + bk], b[col.z + bk], b[col.w + bk]);
}
