// gemm_a_vec4.wgsl — gemm_a_scalar.wgsl where op(A)(m, k) = a[a_off + m·a_rs + k] with a_off,
// a_rs and K multiples of 4 (src/kernels/gemm.ts swaps it in only then): the same binding read
// as vec4, so op(A)(row, k0 .. k0+3) is one load.
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;

// op(A)(row, k) for `row_at` = a_off + row·a_rs (the kernels' tail over K % 4 columns: none here).
fn a_at(row_at: u32, k: u32) -> f32 {
  return a[(row_at + k) / 4u][(row_at + k) % 4u];
}

// op(A)(row, k0 .. k0+3), k0 a multiple of 4.
fn a_cols4(row_at: u32, k0: u32) -> vec4<f32> {
  return a[(row_at + k0) / 4u];
}
