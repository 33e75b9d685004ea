// grad_norm.wgsl — global L2 norm of a gradient arena and the clip factor of
// torch.nn.utils.clip_grad_norm_, in two deterministic stages, no readback:
//   partial_sums: workgroup w sums g² over i ≡ w·WG + lane (mod num_partials·WG) → partials[w]
//   finalize:     one workgroup sums the partials → norm = √Σ;
//                 out[0] = scale = min(1, max_norm / (norm + 1e-6)), out[1] = norm
// The optimizer kernels multiply every gradient by out[0]. The grads themselves stay
// unscaled (torch scales them in place; nothing downstream reads them but the optimizer).
// grads: [n] f32 (arena, padding is 0); partials: [num_partials]; out: [2].
// Mirrors clipScaleReference in src/reference/optim.ts.

struct NormUniforms {
  n: u32,
  num_partials: u32,
  max_norm: f32,
}

@group(0) @binding(0) var<uniform> u: NormUniforms;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 256;

//!include "reduce"

@compute @workgroup_size(WORKGROUP_SIZE)
fn partial_sums(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let stride = u.num_partials * WORKGROUP_SIZE;
  var acc = 0.0;
  for (var i = wg.x * WORKGROUP_SIZE + lane; i < u.n; i = i + stride) {
    let g = grads[i];
    acc = acc + g * g;
  }
  let total = workgroup_sum(lane, acc);
  if (lane == 0u && wg.x < u.num_partials) {
    partials[wg.x] = total;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn finalize(@builtin(local_invocation_index) lane: u32) {
  var acc = 0.0;
  for (var k = lane; k < u.num_partials; k = k + WORKGROUP_SIZE) {
    acc = acc + partials[k];
  }
  let total = workgroup_sum(lane, acc);
  if (lane == 0u) {
    let norm = sqrt(total);
    out[0] = min(1.0, u.max_norm / (norm + 1e-6));
    out[1] = norm;
  }
}
