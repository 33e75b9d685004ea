// lstm.wgsl — LSTM time steps for B sequences, PyTorch gate order i, f, g, o, forward and BPTT.
// Time-major layouts (row (t, b) = t·B + b):
//   gx:     [T, B, 4H]    x_t W_ihᵀ + b_ih, all steps at once (shaders/gemm.wgsl)
//   w_hh:   [4H, H]       row-major, PyTorch layout;  b_hh: [4H]
//   hseq:   [T+1, B, H]   hseq[0] = h0, hseq[t+1] = h_t;  cseq likewise for c
//                         (reverse direction: hseq[T] = h0, hseq[t] = h_t; see recurrent_tile.wgsl)
//   gates:  [T, B, 4H]    σ(i), σ(f), tanh(g), σ(o) of every step (kept for backward)
//   dgates: [T, B, 4H]    d loss / d gate pre-activations (the weight gradients' GEMM input)
//   dy:     [T, B, H]     d loss / d h_t arriving from above (next layer or head)
//   dh_carry, dc_carry: [B, H]  gradients flowing into the state of the step being processed
// Mirrors cellPointwiseForward / cellPointwiseBackward (lstm) and layerForward /
// layerBackward in src/reference/cells.ts and src/reference/recurrent.ts.
//
// Work split (shaders/lib/recurrent_gated_forward.wgsl, recurrent_backward.wgsl,
// recurrent_tile.wgsl): forward, invocation = hidden unit j (its 4 gate rows); backward,
// invocation = 4 consecutive units. A workgroup owns ROWS sequences. Step entry points do one
// t per dispatch; the *_seq entry points are persistent: one workgroup per batch tile walks
// all steps t ∈ [t_begin, t_end) with the recurrent operand (h, or dgates backward) in
// workgroup memory. Written for SIMD-on-CPU adapters as much as for GPUs: lavapipe runs a
// workgroup as SIMD rows of 8 invocations, where the accumulators must stay in registers
// (unrolled ROWS loops) and the point-wise part is kept out of the unrolled code (compile time).
//!include "activations"
//!include "recurrent_gated_forward"
//!include "recurrent_backward"
//!include "state_grad"

struct Steps {
  batch: u32,
  hidden: u32,
  // The steps [t_begin, t_end) of the layer's time loop; a *_step entry does step `step` of
  // them, a *_seq entry all of them (forward in the direction's order, backward in reverse).
  t_begin: u32,
  t_end: u32,
  step: u32,
  // Backward: 1 when dy holds gradients from above, 0 to ignore it.
  has_dy: u32,
  // 1: the reverse direction (recurrent_tile.wgsl).
  reverse: u32,
  // Backward: 1 to record d loss / d h_t (and c_t) into dstate for gradient norms.
  keep_dstate: u32,
}

@group(0) @binding(0) var<uniform> u: Steps;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
// @binding(2) w_hh: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;
@group(0) @binding(4) var<storage, read_write> hseq: array<f32>;
@group(0) @binding(5) var<storage, read_write> cseq: array<f32>;
@group(0) @binding(6) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> ub: Steps;
// @binding(1) w_hh_b: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(2) var<storage, read> gates_b: array<f32>;
@group(0) @binding(3) var<storage, read> cseq_b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(6) var<storage, read_write> dh_carry: array<f32>;
@group(0) @binding(7) var<storage, read_write> dc_carry: array<f32>;

@group(0) @binding(8) var<storage, read_write> dstate: array<f32>;

const STATE_VALUES: u32 = 2u;
const GATES: u32 = 4u;
alias GateVec = vec4<f32>;

// ---------------------------------------------------------------- forward

// W_hh rows (i, f, g, o) of unit j, columns k0 .. k0+3: column c of the result is column k0 + c.
fn gate_weights4(j: u32, k0: u32, H: u32) -> mat4x4<f32> {
  return transpose(mat4x4<f32>(w_hh_cols4(j, k0, H), w_hh_cols4(H + j, k0, H), w_hh_cols4(2u * H + j, k0, H), w_hh_cols4(3u * H + j, k0, H)));
}

// Point-wise part of step t for sequence b, unit j; rec = W_hh h_{t-1} for its 4 gate rows.
fn forward_cell(t: u32, b: u32, j: u32, rec: GateVec) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  let row = t * B + b;
  let before = (block_before(t, u.reverse) * B + b) * H + j;
  let after = (block_after(t, u.reverse) * B + b) * H + j;
  let g0 = row * 4u * H + j;
  let pre = rec + vec4<f32>(b_hh[j], b_hh[H + j], b_hh[2u * H + j], b_hh[3u * H + j])
    + vec4<f32>(gx[g0], gx[g0 + H], gx[g0 + 2u * H], gx[g0 + 3u * H]);
  let i = sigmoid(pre.x);
  let f = sigmoid(pre.y);
  let g = safe_tanh(pre.z);
  let o = sigmoid(pre.w);
  let c = fma(f, cseq[before], i * g);
  let h = o * safe_tanh(c);
  cseq[after] = c;
  hseq[after] = h;
  gates[g0] = i;
  gates[g0 + H] = f;
  gates[g0 + 2u * H] = g;
  gates[g0 + 3u * H] = o;
  return h;
}

// ---------------------------------------------------------------- backward

// The recurrent gradient of the backward entries: dgates (all four gates feed W_hh).
fn backward_recurrent(i: u32) -> f32 {
  return dgates[i];
}

// Point-wise backward of step t for sequence b, unit j; rec = (W_hhᵀ dgates_next)[b, j].
// Returns the four gate gradients (also written to dgates row t).
fn backward_cell(t: u32, b: u32, j: u32, rec: f32) -> vec4<f32> {
  let B = ub.batch;
  let H = ub.hidden;
  let row = t * B + b;
  let before = (block_before(t, ub.reverse) * B + b) * H + j;
  let after = (block_after(t, ub.reverse) * B + b) * H + j;
  let g0 = row * 4u * H + j;
  let s = b * H + j;
  var dh = rec + dh_carry[s];
  if (ub.has_dy != 0u) {
    dh += dy[row * H + j];
  }
  keep_state_grad(row, j, 0u, dh);
  let dc_in = dc_carry[s];
  keep_state_grad(row, j, 1u, dc_in);
  let i = gates_b[g0];
  let f = gates_b[g0 + H];
  let g = gates_b[g0 + 2u * H];
  let o = gates_b[g0 + 3u * H];
  let tc = safe_tanh(cseq_b[after]);
  let dc = dc_in + dh * o * (1.0 - tc * tc);
  let d = vec4<f32>(dc * g * i * (1.0 - i), dc * cseq_b[before] * f * (1.0 - f), dc * i * (1.0 - g * g), dh * tc * o * (1.0 - o));
  dgates[g0] = d.x;
  dgates[g0 + H] = d.y;
  dgates[g0 + 2u * H] = d.z;
  dgates[g0 + 3u * H] = d.w;
  dc_carry[s] = dc * f;
  dh_carry[s] = 0.0;
  return d;
}
