// gemm_b_vec4.wgsl — gemm_b_scalar.wgsl where op(B)(k, n) = b[b_off + k·b_rs + n] with b_off,
// b_rs and n multiples of 4 (src/kernels/gemm.ts swaps it in only then): the same binding read
// as vec4, so op(B)(k, n0 .. n0+3) is one load. Lanes past the last column (never stored) read
// the last four.
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;

// Index in vec4s of op(B)(0, n0 .. n0+3) (in .x; the other components are unused).
fn b_columns(n0: u32) -> vec4<u32> {
  return vec4<u32>((g.b_off + min(n0, g.n - 4u)) / 4u);
}

// op(B)(k, n0 .. n0+3).
fn b_row(col: vec4<u32>, k: u32) -> vec4<f32> {
  return b[col.x + k * (g.b_rs / 4u)];
}
