// gru.wgsl — GRU time steps for B sequences, PyTorch gate order r, z, n with b_hn inside the
// r· product, forward and BPTT:
//   r = σ(gx_r + W_hr h + b_hr),  z = σ(gx_z + W_hz h + b_hz),
//   n = tanh(gx_n + r·(W_hn h + b_hn)),  h' = (1 − z)·n + z·h
// Time-major layouts (row (t, b) = t·B + b):
//   gx:     [T, B, 3H]    x_t W_ihᵀ + b_ih (shaders/gemm.wgsl)
//   w_hh:   [3H, H] row-major;  b_hh: [3H]
//   hseq:   [T+1, B, H]   hseq[0] = h0, hseq[t+1] = h_t (reverse direction: hseq[T] = h0,
//                         hseq[t] = h_t; see recurrent_tile.wgsl)
//   gates:  [T, B, 4H]    r, z, n, W_hn h_{t-1} + b_hn of every step (kept for backward)
//   dg_in:  [T, B, 3H]    d loss / d (gx + …) pre-activations (r, z, n)
//   dg_hid: [T, B, 3H]    d loss / d (W_hh h + b_hh): equal to dg_in but for n, which is r·dn
//   dy:     [T, B, H]     d loss / d h_t from above;  dh_carry: [B, H] (z·dh, into h_{t-1})
// Mirrors gruForward / gruBackward in src/reference/cells.ts. Work split as in lstm.wgsl
// (entry points from shaders/lib/recurrent_gated_forward.wgsl and recurrent_backward.wgsl).
//!include "activations"
//!include "recurrent_gated_forward"
//!include "recurrent_backward"
//!include "state_grad"

struct Steps {
  batch: u32,
  hidden: u32,
  t_begin: u32,
  t_end: u32,
  step: u32,
  has_dy: u32,
  reverse: u32,
  // Backward: 1 to record d loss / d h_t (and c_t) into dstate for gradient norms.
  keep_dstate: u32,
}

@group(0) @binding(0) var<uniform> u: Steps;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
// @binding(2) w_hh: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;
@group(0) @binding(4) var<storage, read_write> hseq: array<f32>;
@group(0) @binding(5) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> ub: Steps;
// @binding(1) w_hh_b: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(2) var<storage, read> gates_b: array<f32>;
@group(0) @binding(3) var<storage, read> hseq_b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dg_in: array<f32>;
@group(0) @binding(6) var<storage, read_write> dg_hid: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh_carry: array<f32>;

@group(0) @binding(8) var<storage, read_write> dstate: array<f32>;

const STATE_VALUES: u32 = 1u;
const GATES: u32 = 3u;
alias GateVec = vec3<f32>;

// ---------------------------------------------------------------- forward

// W_hh rows (r, z, n) of unit j, columns k0 .. k0+3: column c of the result is column k0 + c.
fn gate_weights4(j: u32, k0: u32, H: u32) -> mat4x3<f32> {
  return transpose(mat3x4<f32>(w_hh_cols4(j, k0, H), w_hh_cols4(H + j, k0, H), w_hh_cols4(2u * H + j, k0, H)));
}

// Point-wise part of step t for sequence b, unit j; rec = W_hh h_{t-1} rows (r, z, n) of j.
fn forward_cell(t: u32, b: u32, j: u32, rec: GateVec) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  let row = t * B + b;
  let before = (block_before(t, u.reverse) * B + b) * H + j;
  let x0 = row * 3u * H + j;
  let r = sigmoid(gx[x0] + rec.x + b_hh[j]);
  let z = sigmoid(gx[x0 + H] + rec.y + b_hh[H + j]);
  let hn = rec.z + b_hh[2u * H + j];
  let n = safe_tanh(fma(r, hn, gx[x0 + 2u * H]));
  let h = fma(z, hseq[before] - n, n);
  hseq[(block_after(t, u.reverse) * B + b) * H + j] = h;
  let g0 = row * 4u * H + j;
  gates[g0] = r;
  gates[g0 + H] = z;
  gates[g0 + 2u * H] = n;
  gates[g0 + 3u * H] = hn;
  return h;
}

// ---------------------------------------------------------------- backward

// The recurrent gradient of the backward entries: dg_hid (n's is r·dn, not dn).
fn backward_recurrent(i: u32) -> f32 {
  return dg_hid[i];
}

// Point-wise backward of step t for sequence b, unit j; rec = (dg_hid_next W_hh)[b, j].
// Returns dg_hid of step t (r, z, r·dn; lane 3 unused), which feeds the previous step's rec.
fn backward_cell(t: u32, b: u32, j: u32, rec: f32) -> vec4<f32> {
  let B = ub.batch;
  let H = ub.hidden;
  let row = t * B + b;
  let s = b * H + j;
  var dh = rec + dh_carry[s];
  if (ub.has_dy != 0u) {
    dh += dy[row * H + j];
  }
  keep_state_grad(row, j, 0u, dh);
  let g0 = row * 4u * H + j;
  let r = gates_b[g0];
  let z = gates_b[g0 + H];
  let n = gates_b[g0 + 2u * H];
  let hn = gates_b[g0 + 3u * H];
  let dn = dh * (1.0 - z) * (1.0 - n * n);
  let dr = dn * hn * r * (1.0 - r);
  let dz = dh * (hseq_b[(block_before(t, ub.reverse) * B + b) * H + j] - n) * z * (1.0 - z);
  let d0 = row * 3u * H + j;
  dg_in[d0] = dr;
  dg_in[d0 + H] = dz;
  dg_in[d0 + 2u * H] = dn;
  dg_hid[d0] = dr;
  dg_hid[d0 + H] = dz;
  dg_hid[d0 + 2u * H] = dn * r;
  dh_carry[s] = dh * z;
  return vec4<f32>(dr, dz, dn * r, 0.0);
}
