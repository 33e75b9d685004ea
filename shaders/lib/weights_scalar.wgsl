// weights_scalar.wgsl — how the recurrent cell kernels (shaders/{rnn,lstm,gru}.wgsl) read
// W_hh [G·H, H] (row-major, PyTorch layout) four values at a time, for any H: four scalar
// loads, zero past the last column. Where H % 4 = 0, src/kernels/recurrent.ts swaps in
// weights_vec4.wgsl, whose one vec4 load gives the same four values (a load instruction is
// what costs on lavapipe; shaders/lib/recurrent_tile.wgsl).
@group(0) @binding(2) var<storage, read> w_hh: array<f32>;
@group(0) @binding(1) var<storage, read> w_hh_b: array<f32>;

// W_hh[row, k0 .. k0+3] for the forward entries (k0 % 4 = 0); 0 for columns ≥ H.
fn w_hh_cols4(row: u32, k0: u32, H: u32) -> vec4<f32> {
  let k = vec4<u32>(k0) + vec4<u32>(0u, 1u, 2u, 3u);
  let at = vec4<u32>(row * H) + min(k, vec4<u32>(H - 1u));
  let w = vec4<f32>(w_hh[at.x], w_hh[at.y], w_hh[at.z], w_hh[at.w]);
  return select(vec4<f32>(0.0), w, k < vec4<u32>(H));
}

// The column of the operand (h) that column k of the four meets: k, or H − 1 past the last
// column (where the weight is 0).
fn operand_column(k: u32, H: u32) -> u32 {
  return min(k, H - 1u);
}

// W_hh[n, j0 .. j0+3] for the backward entries (j0 % 4 = 0), units clamped to H − 1 as units() does.
fn w_hh_b_units4(n: u32, j0: u32, H: u32) -> vec4<f32> {
  let j = units(j0, H);
  return vec4<f32>(w_hh_b[n * H + j.x], w_hh_b[n * H + j.y], w_hh_b[n * H + j.z], w_hh_b[n * H + j.w]);
}
