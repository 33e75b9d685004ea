// weights_vec4.wgsl — weights_scalar.wgsl for H % 4 = 0 (src/kernels/recurrent.ts swaps it in):
// the same bindings read as vec4, so four consecutive values of a W_hh row are one load.
// Binding sizes G·H·H floats are then multiples of 16 bytes.
@group(0) @binding(2) var<storage, read> w_hh: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w_hh_b: array<vec4<f32>>;

// W_hh[row, k0 .. k0+3] (k0 % 4 = 0, k0 < H).
fn w_hh_cols4(row: u32, k0: u32, H: u32) -> vec4<f32> {
  return w_hh[(row * H + k0) / 4u];
}

// The column of the operand (h) that column k of the four meets: k itself (H % 4 = 0).
fn operand_column(k: u32, H: u32) -> u32 {
  return k;
}

// W_hh[n, j0 .. j0+3] (j0 % 4 = 0); lanes past the last unit (j0 ≥ H, never stored) read the last four.
fn w_hh_b_units4(n: u32, j0: u32, H: u32) -> vec4<f32> {
  return w_hh_b[(n * H + min(j0, H - 4u)) / 4u];
}
