// sgd.wgsl — one fused SGD step over a whole parameter arena, torch.optim.SGD semantics:
//   g  = grad[i] · scale[0]                      (scale from grad_norm.wgsl; 1 when not clipping)
//   g += weight_decay · p
//   momentum ≠ 0:  buf = g on the first step, else buf = momentum·buf + (1 − dampening)·g
//                  g = nesterov ? g + momentum·buf : buf
//   p -= lr · g
// params, grads, buf: [n] f32, the same arena layout (padding stays 0). scale: [≥1] f32.
// lr comes per step as a uniform (the host evaluates the schedule): no readback per step.
// Mirrors sgdStepReference in src/reference/optim.ts.

//!include "grid"
//!include "optim_grad"

struct SgdUniforms {
  n: u32,
  lr: f32,
  momentum: f32,
  dampening: f32,
  weight_decay: f32,
  nesterov: u32,
  first_step: u32,
}

@group(0) @binding(0) var<uniform> u: SgdUniforms;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> momentum_buffer: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;

override WORKGROUP_SIZE: u32 = 256;

@compute @workgroup_size(WORKGROUP_SIZE)
fn sgd(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE);
  if (i >= u.n) {
    return;
  }
  let p = params[i];
  var g = effective_grad(i, p);
  if (u.momentum != 0.0) {
    var b = g;
    if (u.first_step == 0u) {
      b = u.momentum * momentum_buffer[i] + (1.0 - u.dampening) * g;
    }
    momentum_buffer[i] = b;
    g = select(b, g + u.momentum * b, u.nesterov != 0u);
  }
  params[i] = p - u.lr * g;
}
