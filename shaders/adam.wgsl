// adam.wgsl — one fused Adam step over a whole parameter arena, torch.optim.Adam semantics
// (amsgrad=False, maximize=False), with the global-norm clip factor applied to the gradient:
//   g  = grad[i] · scale[0]                      (scale from grad_norm.wgsl; 1 when not clipping)
//   g += weight_decay · p                        (L2 added to the gradient, as torch does)
//   m  = m + (1 − β1)·(g − m)                    (torch's exp_avg.lerp_(g, 1 − β1))
//   v  = β2·v + (1 − β2)·g²
//   p -= step_size · m / (√v / bc2_sqrt + eps)
// with step_size = lr / (1 − β1^t) and bc2_sqrt = √(1 − β2^t) computed on the host in float64
// per step (as torch does in Python floats), passed as uniforms: no readback per step.
// params, grads, m, v: [n] f32, the same arena layout (padding stays 0). scale: [≥1] f32.
// Mirrors adamStepReference in src/reference/optim.ts.

//!include "grid"
//!include "optim_grad"

struct AdamUniforms {
  n: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  step_size: f32,
  bc2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> u: AdamUniforms;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> exp_avg: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp_avg_sq: array<f32>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;

override WORKGROUP_SIZE: u32 = 256;

@compute @workgroup_size(WORKGROUP_SIZE)
fn adam(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE);
  if (i >= u.n) {
    return;
  }
  let p = params[i];
  let g = effective_grad(i, p);
  let m = exp_avg[i] + (1.0 - u.beta1) * (g - exp_avg[i]);
  let v = u.beta2 * exp_avg_sq[i] + (1.0 - u.beta2) * g * g;
  exp_avg[i] = m;
  exp_avg_sq[i] = v;
  let denom = sqrt(v) / u.bc2_sqrt + u.eps;
  params[i] = p - u.step_size * (m / denom);
}
