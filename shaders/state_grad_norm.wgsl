// state_grad_norm.wgsl — gradient norms through time (Pascanu et al. 2013) from what the
// backward kernels record when asked (shaders/{rnn,lstm,gru}.wgsl, `keep_dstate`):
//   dstate: [T, B, S, H]   d loss / d h_t (slot 0) and, LSTM, d loss / d c_t (slot 1) of one layer
//   norms:  [S, T] at element offset out_offset:  norms[s, t] = (1/B) Σ_b ‖dstate[t, b, s, ·]‖₂
// for steps t ∈ [t_begin, t_end) (earlier steps of a truncated BPTT are written as 0).
// One invocation per (s, t): a serial loop over the B·H values of that step.
// Mirrors batchMeanNorms in src/reference/grad-norms.ts.
//!include "grid"

struct NormArgs {
  batch: u32,
  hidden: u32,
  slots: u32,
  steps: u32,
  t_begin: u32,
  out_offset: u32,
}

@group(0) @binding(0) var<uniform> u: NormArgs;
@group(0) @binding(1) var<storage, read> dstate: array<f32>;
@group(0) @binding(2) var<storage, read_write> norms: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn step_norms(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = flat_index(gid, groups, WG);
  if (e >= u.slots * u.steps) {
    return;
  }
  let s = e / u.steps;
  let t = e % u.steps;
  var total = 0.0;
  if (t >= u.t_begin) {
    for (var b = 0u; b < u.batch; b++) {
      let base = ((t * u.batch + b) * u.slots + s) * u.hidden;
      var sq = 0.0;
      for (var j = 0u; j < u.hidden; j++) {
        let v = dstate[base + j];
        sq = fma(v, v, sq);
      }
      total += sqrt(sq);
    }
  }
  norms[u.out_offset + e] = total / f32(u.batch);
}
