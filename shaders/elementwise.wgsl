// elementwise.wgsl — one element-wise op per dispatch over 2-D strided views, the building
// block of the unfused (op-by-op) LSTM that bench/rnn.bench.ts compares the fused kernels
// with:  out[r, c] = op(a[r, c], b[r, c]) for r < rows, c < cols, where
//   x[r, c] = x[x_off + r·x_rs + c]  (x = a, b, out)
// op: 0 a+b, 1 a·b, 2 σ(a), 3 tanh(a), 4 a·(1−a) (σ' from σ), 5 1−a² (tanh' from tanh), 6 a.
// Mirrors elementwiseReference in src/reference/elementwise.ts.
//!include "activations"

//!include "grid"

struct Map {
  rows: u32,
  cols: u32,
  op: u32,
  a_off: u32,
  a_rs: u32,
  b_off: u32,
  b_rs: u32,
  out_off: u32,
  out_rs: u32,
}

@group(0) @binding(0) var<uniform> p: Map;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn map(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = flat_index(gid, groups, WG);
  if (e >= p.rows * p.cols) {
    return;
  }
  let r = e / p.cols;
  let c = e % p.cols;
  let x = a[p.a_off + r * p.a_rs + c];
  var y: f32;
  switch (p.op) {
    case 0u: { y = x + b[p.b_off + r * p.b_rs + c]; }
    case 1u: { y = x * b[p.b_off + r * p.b_rs + c]; }
    case 2u: { y = sigmoid(x); }
    case 3u: { y = safe_tanh(x); }
    case 4u: { y = x * (1.0 - x); }
    case 5u: { y = 1.0 - x * x; }
    default: { y = x; }
  }
  out[p.out_off + r * p.out_rs + c] = y;
}
