// gemm_c_scalar.wgsl — how the GEMM kernels (shaders/lib/gemm_tile.wgsl) write C: one scalar
// store (and, accumulating, one load) per element, for any strides. Where C's rows are
// contiguous and 16-byte aligned, src/kernels/gemm.ts swaps in gemm_c_vec4.wgsl, whose one vec4
// store writes the same four values (a store instruction is what costs on lavapipe).
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// C(m, n0 + j) (+)= v[j] for j < cols.
fn store_row(m: u32, n0: u32, cols: u32, v: vec4<f32>) {
  for (var j = 0u; j < cols; j++) {
    let at = g.c_off + m * g.c_rs + (n0 + j) * g.c_cs;
    var x = v[j];
    if (g.accumulate != 0u) {
      x += c[at];
    }
    c[at] = x;
  }
}
