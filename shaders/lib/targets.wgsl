// targets.wgsl — the forecasting targets of src/data/targets.ts, shared by the windows,
// metrics and esn kernels: a sample's terms (x, Δ, r) from it and the two samples before it,
// their normalisation, and a model output turned back into x.
//   Δ = x − x1, r = Δ − (x1 − x2) = x − (2·x1 − x2): the residual of linear extrapolation.
//   Differences of neighbours first, so they are exact in f32 for a smooth series.
// (Parameter names avoid the including shaders' binding names: reflection would take them
// for uses of those bindings.)
// mean = (μx, μΔ, μr), sd = (σx, σΔ, σr) (stats [6] = μx, σx, μΔ, σΔ, μr, σr).

fn sample_terms(now: f32, before: f32, before2: f32) -> vec3<f32> {
  let d = now - before;
  return vec3<f32>(now, d, d - (before - before2));
}

fn scaled_terms(terms: vec3<f32>, mean: vec3<f32>, sd: vec3<f32>) -> vec3<f32> {
  return (terms - mean) / sd;
}

// The terms selected by `mask` (bit k: term k), in order, in the first components.
fn pack_terms(terms: vec3<f32>, mask: u32) -> vec3<f32> {
  var packed = vec3<f32>(0.0);
  var f = 0u;
  for (var k = 0u; k < 3u; k++) {
    if (((mask >> k) & 1u) != 0u) {
      packed[f] = terms[k];
      f++;
    }
  }
  return packed;
}

// Model output ŷ in target units (kind 0: x̃, 1: Δ̃, 2: r̃) → x, given the window's last two x.
fn target_to_x(y_hat: f32, last: f32, prev: f32, kind: u32, mean: vec3<f32>, sd: vec3<f32>) -> f32 {
  switch kind {
    case 1u: { return last + (sd.y * y_hat + mean.y); }
    case 2u: { return last + ((last - prev) + (sd.z * y_hat + mean.z)); }
    default: { return sd.x * y_hat + mean.x; }
  }
}
