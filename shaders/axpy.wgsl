// axpy.wgsl — y[i] = alpha * x[i] + y[i] for i < n: the smallest end-to-end kernel, used by
// the foundation tests on every adapter (Node and browser give bit-identical results).
// x, y: [n] f32. Mirrors axpyReference in src/reference/axpy.ts.

//!include "grid"

struct Params {
  n: u32,
  alpha: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

override WORKGROUP_SIZE: u32 = 64;

@compute @workgroup_size(WORKGROUP_SIZE)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D grid so n may exceed 65535 workgroups of one dimension.
  let i = flat_index(gid, groups, WORKGROUP_SIZE);
  if (i >= params.n) {
    return;
  }
  y[i] = fma(params.alpha, x[i], y[i]);
}
