// jacobian.wgsl — Jacobians of one recurrent layer's steps along a recorded trajectory, for a
// batch: the state Jacobian J_t = ∂s_t/∂s_{t-1} and the input Jacobian K_t = ∂s_t/∂x_t, with
// s = [h] (RNN, GRU) or [h; c] (LSTM), S = 1 or 2 values per unit, in state order.
// Inputs are the forward pass's tape (time-major, row (t, b) = t·B + b, as shaders/{rnn,lstm,gru}.wgsl):
//   w_hh: [G·H, H], w_ih: [G·H, In] row-major;  hseq, cseq: [T+1, B, H] (hseq[0] = h0)
//   gates: [T, B, 4H]  LSTM σ(i), σ(f), tanh(g), σ(o);  GRU r, z, n, W_hn h_{t-1} + b_hn
// Outputs for steps t = t_begin .. t_begin + steps − 1 (n = t − t_begin):
//   jac:  [steps, B, S·H, S·H]   J[n, b, (sv, j), (sp, k)] = ∂ s_t[b, sv·H + j] / ∂ s_{t-1}[b, sp·H + k]
//   kin:  [steps, B, S·H, In]    K[n, b, (sv, j), k]       = ∂ s_t[b, sv·H + j] / ∂ x_t[b, k]
// Per unit j the step depends on its G gate pre-activations only, so
//   J = Σ_g coef(sv, g, j) · W_hh[g·H + j, k] + direct(sv, sp, j)·δ_jk,  K = Σ_g coef_in(sv, g, j) · W_ih[g·H + j, k]
// with the coefficients written out in src/reference/jacobian.ts, which this mirrors
// (cellStepJacobians). cell: 0 rnn_tanh, 1 rnn_relu, 2 rnn_identity, 3 lstm, 4 gru.
// One invocation per output element (1-D work on a 2-D grid, grid.wgsl).
//!include "grid"
//!include "activations"

struct Jacobian {
  batch: u32,
  hidden: u32,
  inputs: u32,
  t_begin: u32,
  steps: u32,
  cell: u32,
}

@group(0) @binding(0) var<uniform> u: Jacobian;
@group(0) @binding(1) var<storage, read> w_hh: array<f32>;
@group(0) @binding(2) var<storage, read> w_ih: array<f32>;
@group(0) @binding(3) var<storage, read> hseq: array<f32>;
@group(0) @binding(4) var<storage, read> cseq: array<f32>;
@group(0) @binding(5) var<storage, read> gates: array<f32>;
@group(0) @binding(6) var<storage, read_write> jac: array<f32>;
@group(0) @binding(7) var<storage, read_write> kin: array<f32>;

override WG: u32 = 64u;

const LSTM: u32 = 3u;
const GRU: u32 = 4u;

fn gate_count() -> u32 {
  return select(select(1u, 3u, u.cell == GRU), 4u, u.cell == LSTM);
}

fn state_values() -> u32 {
  return select(1u, 2u, u.cell == LSTM);
}

// Kept gate q of (t, b, j).
fn gate(t: u32, b: u32, j: u32, q: u32) -> f32 {
  return gates[(t * u.batch + b) * 4u * u.hidden + q * u.hidden + j];
}

// ∂ (state value sv of unit j at step t) / ∂ (pre-activation of gate g); hidden_side selects
// the W_hh h + b_hh pre-activation (it differs from the input side only for the GRU n gate).
fn coefficient(t: u32, b: u32, j: u32, sv: u32, g: u32, hidden_side: bool) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  if (u.cell == LSTM) {
    let i = gate(t, b, j, 0u);
    let f = gate(t, b, j, 1u);
    let gg = gate(t, b, j, 2u);
    let o = gate(t, b, j, 3u);
    let c_prev = cseq[(t * B + b) * H + j];
    let tc = safe_tanh(cseq[((t + 1u) * B + b) * H + j]);
    var dc = 0.0;
    if (g == 0u) { dc = gg * i * (1.0 - i); }
    if (g == 1u) { dc = c_prev * f * (1.0 - f); }
    if (g == 2u) { dc = i * (1.0 - gg * gg); }
    if (sv == 1u) { return dc; }
    if (g == 3u) { return tc * o * (1.0 - o); }
    return o * (1.0 - tc * tc) * dc;
  }
  if (u.cell == GRU) {
    let r = gate(t, b, j, 0u);
    let z = gate(t, b, j, 1u);
    let n = gate(t, b, j, 2u);
    let hn = gate(t, b, j, 3u);
    let dn = (1.0 - z) * (1.0 - n * n);
    if (g == 0u) { return dn * hn * r * (1.0 - r); }
    if (g == 1u) { return (hseq[(t * B + b) * H + j] - n) * z * (1.0 - z); }
    return select(dn, dn * r, hidden_side);
  }
  let h = hseq[((t + 1u) * B + b) * H + j];
  if (u.cell == 0u) { return 1.0 - h * h; }
  if (u.cell == 1u) { return select(0.0, 1.0, h > 0.0); }
  return 1.0;
}

// Direct ∂ (sv of j at t) / ∂ (sp of j at t−1), not through W_hh.
fn direct(t: u32, b: u32, j: u32, sv: u32, sp: u32) -> f32 {
  if (u.cell == GRU) {
    return gate(t, b, j, 1u);
  }
  if (u.cell != LSTM || sp == 0u) {
    return 0.0;
  }
  let f = gate(t, b, j, 1u);
  if (sv == 1u) {
    return f;
  }
  let tc = safe_tanh(cseq[((t + 1u) * u.batch + b) * u.hidden + j]);
  return gate(t, b, j, 3u) * (1.0 - tc * tc) * f;
}

@compute @workgroup_size(WG)
fn state_jacobian(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let H = u.hidden;
  let N = state_values() * H;
  let e = flat_index(gid, groups, WG);
  if (e >= u.steps * u.batch * N * N) {
    return;
  }
  let col = e % N;
  let row = (e / N) % N;
  let b = (e / (N * N)) % u.batch;
  let t = u.t_begin + e / (N * N * u.batch);
  let sv = row / H;
  let j = row % H;
  let sp = col / H;
  let k = col % H;
  var acc = 0.0;
  if (sp == 0u) {
    for (var g = 0u; g < gate_count(); g++) {
      acc = fma(coefficient(t, b, j, sv, g, true), w_hh[(g * H + j) * H + k], acc);
    }
  }
  if (j == k) {
    acc += direct(t, b, j, sv, sp);
  }
  jac[e] = acc;
}

@compute @workgroup_size(WG)
fn input_jacobian(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let H = u.hidden;
  let I = u.inputs;
  let N = state_values() * H;
  let e = flat_index(gid, groups, WG);
  if (e >= u.steps * u.batch * N * I) {
    return;
  }
  let k = e % I;
  let row = (e / I) % N;
  let b = (e / (I * N)) % u.batch;
  let t = u.t_begin + e / (I * N * u.batch);
  let sv = row / H;
  let j = row % H;
  var acc = 0.0;
  for (var g = 0u; g < gate_count(); g++) {
    acc = fma(coefficient(t, b, j, sv, g, false), w_ih[(g * H + j) * I + k], acc);
  }
  kin[e] = acc;
}
