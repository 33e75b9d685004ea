// gemm_a_scalar.wgsl — how the GEMM kernels (shaders/gemm.wgsl, gemm_subgroups.wgsl) read
// op(A): one scalar load per value, for any strides. Where op(A)'s rows are contiguous along k
// and 16-byte aligned, src/kernels/gemm.ts swaps in gemm_a_vec4.wgsl, whose one vec4 load gives
// four consecutive k of a row (a load instruction is what costs on lavapipe).
@group(0) @binding(1) var<storage, read> a: array<f32>;

// op(A)(row, k) for `row_at` = a_off + row·a_rs.
fn a_at(row_at: u32, k: u32) -> f32 {
  return a[row_at + k * g.a_cs];
}

// op(A)(row, k0 .. k0+3) (k0 + 3 < K).
fn a_cols4(row_at: u32, k0: u32) -> vec4<f32> {
  return vec4<f32>(a_at(row_at, k0), a_at(row_at, k0 + 1u), a_at(row_at, k0 + 2u), a_at(row_at, k0 + 3u));
}
