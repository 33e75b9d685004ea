// optim_grad.wgsl — the gradient every optimizer step starts from, as torch.optim does:
// the clip factor (scale[0], from grad_norm.wgsl) times the gradient, plus L2 weight decay.
// The including shader declares `grads`, `scale` and a uniform `u` with `weight_decay`.

fn effective_grad(i: u32, p: f32) -> f32 {
  var g = grads[i] * scale[0];
  if (u.weight_decay != 0.0) {
    g = g + u.weight_decay * p;
  }
  return g;
}
