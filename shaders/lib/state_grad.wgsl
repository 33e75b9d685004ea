// state_grad.wgsl — the optional record of d loss / d state the backward kernels keep for
// gradient norms through time (shaders/state_grad_norm.wgsl reduces it per step). Off unless
// the Steps uniform's keep_dstate is 1, so the default BPTT writes nothing more.
// The including cell file declares (binding numbers are its own):
//   const STATE_VALUES: u32    S: values per unit (LSTM 2: h, c; else 1)
//   ub: uniform Steps with keep_dstate: u32
//   dstate: [T, B, S, H]       read_write
// Its backward_cell calls keep_state_grad(row, j, slot, value) with row = t·B + b.

fn keep_state_grad(row: u32, j: u32, slot: u32, value: f32) {
  if (ub.keep_dstate != 0u) {
    dstate[(row * STATE_VALUES + slot) * ub.hidden + j] = value;
  }
}
