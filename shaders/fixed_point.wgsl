// fixed_point.wgsl — the element-wise parts of the fixed-point search (Sussillo & Barak 2013):
// minimise q(s) = ½‖F(s, u*) − s‖² over many states s at once, F = one step of the model.
//   residual:  r = next − s                         (next = F(s), from the model's forward)
//   descend:   g = back − r                         (back = Jᵀ r, from the model's one-step
//                                                    backward with d loss / d s_1 = r)
//              Adam on s with g: m = β1 m + (1−β1) g, v = β2 v + (1−β2) g²,
//              s −= step_size · m / (√v / bc2_sqrt + eps)   (bias corrections from the host)
// All arrays are [n] f32 views of the same layout (the model's [L, K, H] h or c states).
// Mirrors the float64 loop in test/gpu/fixed-points.test.ts (q and its gradient).
//!include "grid"

struct Descent {
  n: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  step_size: f32,
  bc2_sqrt: f32,
}

@group(0) @binding(0) var<uniform> u: Descent;
@group(0) @binding(1) var<storage, read> next: array<f32>;
@group(0) @binding(2) var<storage, read_write> state: array<f32>;
@group(0) @binding(3) var<storage, read_write> resid: array<f32>;
@group(0) @binding(4) var<storage, read> back: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(6) var<storage, read_write> moment2: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn residual(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WG);
  if (i >= u.n) {
    return;
  }
  resid[i] = next[i] - state[i];
}

@compute @workgroup_size(WG)
fn descend(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WG);
  if (i >= u.n) {
    return;
  }
  let g = back[i] - resid[i];
  let m = u.beta1 * moment1[i] + (1.0 - u.beta1) * g;
  let v = u.beta2 * moment2[i] + (1.0 - u.beta2) * g * g;
  moment1[i] = m;
  moment2[i] = v;
  state[i] -= u.step_size * m / (sqrt(v) / u.bc2_sqrt + u.eps);
}
