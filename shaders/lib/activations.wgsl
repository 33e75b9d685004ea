// activations.wgsl — numerically safe nonlinearities shared by the recurrent kernels.
// tanh via exp of a non-positive argument, so large |x| never overflows to inf/inf.

fn safe_tanh(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x >= 0.0);
}

fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let s = 1.0 / (1.0 + e);
  return select(1.0 - s, s, x >= 0.0);
}
