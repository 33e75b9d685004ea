// gemm_c_vec4.wgsl — gemm_c_scalar.wgsl where C(m, n) = c[c_off + m·c_rs + n] with c_off, c_rs
// and n multiples of 4 (src/kernels/gemm.ts swaps it in only then): the same binding written as
// vec4, so C(m, n0 .. n0+3) is one store. Every group of four columns is whole: cols is 4, or 0
// for lanes past the last column (they store nothing).
@group(0) @binding(4) var<storage, read_write> c: array<vec4<f32>>;

// C(m, n0 .. n0+3) (+)= v.
fn store_row(m: u32, n0: u32, cols: u32, v: vec4<f32>) {
  if (cols == 0u) {
    return;
  }
  let at = (g.c_off + m * g.c_rs + n0) / 4u;
  var x = v;
  if (g.accumulate != 0u) {
    x += c[at];
  }
  c[at] = x;
}
