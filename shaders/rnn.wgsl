// rnn.wgsl — Elman RNN time steps for B sequences, forward and BPTT:
//   h_t = act(gx_t + W_hh h_{t-1} + b_hh),  act = tanh (act 0), relu (1) or identity (2)
// Time-major layouts (row (t, b) = t·B + b):
//   gx:     [T, B, H]     x_t W_ihᵀ + b_ih (shaders/gemm.wgsl)
//   w_hh:   [H, H] row-major;  b_hh: [H]
//   hseq:   [T+1, B, H]   hseq[0] = h0, hseq[t+1] = h_t (backward recovers act' from h_t;
//                         reverse direction: hseq[T] = h0, hseq[t] = h_t, see recurrent_tile.wgsl)
//   dgates: [T, B, H]     d loss / d pre-activation of every step
//   dy:     [T, B, H]     d loss / d h_t from above;  dh_carry: [B, H]
// relu' is [h > 0] (0 at the kink), as PyTorch's threshold_backward.
// Mirrors cellPointwiseForward / cellPointwiseBackward (rnn_*) in src/reference/cells.ts.
// Work split: an invocation covers 4 consecutive hidden units (so each workgroup-uniform load
// of h or dgates feeds 4 multiply-adds) for the ROWS sequences of its workgroup. Step entry
// points: grid [⌈H/(4·WG)⌉, ⌈B/ROWS⌉]; *_seq (persistent): grid [⌈B/ROWS⌉], passes of 4·WG
// units, the recurrent operand of the tile in workgroup memory (double-buffered). The backward
// entry points come from shaders/lib/recurrent_backward.wgsl (shared with lstm and gru).
//!include "activations"
//!include "recurrent_tile"
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
  act: u32,
  // Backward: 1 to record d loss / d h_t (and c_t) into dstate for gradient norms.
  keep_dstate: u32,
}

@group(0) @binding(0) var<uniform> u: Steps;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
// @binding(2) w_hh: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;
@group(0) @binding(4) var<storage, read_write> hseq: array<f32>;

@group(0) @binding(0) var<uniform> ub: Steps;
// @binding(1) w_hh_b: declared by shaders/lib/weights_scalar.wgsl (or weights_vec4.wgsl)
@group(0) @binding(2) var<storage, read> hseq_b: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(5) var<storage, read_write> dh_carry: array<f32>;

@group(0) @binding(6) var<storage, read_write> dstate: array<f32>;

const STATE_VALUES: u32 = 1u;
const GATES: u32 = 1u;

fn activate(a: f32) -> f32 {
  if (u.act == 0u) {
    return safe_tanh(a);
  }
  if (u.act == 1u) {
    return max(a, 0.0);
  }
  return a;
}

// d h / d pre-activation, from h itself.
fn activation_slope(h: f32) -> f32 {
  if (ub.act == 0u) {
    return 1.0 - h * h;
  }
  if (ub.act == 1u) {
    return select(0.0, 1.0, h > 0.0);
  }
  return 1.0;
}

// ---------------------------------------------------------------- forward

// What the forward products accumulate per sequence (tile_scalar.wgsl): the RNN's one gate row
// of each of the invocation's four units j0 .. j0+3.
alias GateVec = vec4<f32>;

// Column c: W_hh[j0 + q, k0 + c] of the four units q (clamped to H − 1; 0 past column H − 1).
fn gate_weights4(j0: u32, k0: u32, H: u32) -> mat4x4<f32> {
  let j = units(j0, H);
  return transpose(mat4x4<f32>(w_hh_cols4(j.x, k0, H), w_hh_cols4(j.y, k0, H), w_hh_cols4(j.z, k0, H), w_hh_cols4(j.w, k0, H)));
}

fn forward_cell(t: u32, b: u32, j: u32, rec: f32) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  let row = t * B + b;
  let h = activate(gx[row * H + j] + rec + b_hh[j]);
  hseq[(block_after(t, u.reverse) * B + b) * H + j] = h;
  return h;
}

@compute @workgroup_size(WG)
fn forward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let t = u.step;
  let prev = block_before(t, u.reverse);
  let j0 = (wid.x * WG + lid.x) * 4u;
  let b0 = wid.y * ROWS;
  let lane = row_lane();
  var hrow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    hrow[r] = (prev * B + min(b0 + r + lane, B - 1u)) * H;
    acc[r] = vec4<f32>(0.0);
  }
  for (var k0 = 0u; k0 < H; k0 += 4u) {
    let w4 = gate_weights4(j0, k0, H);
    for (var c = 0u; c < 4u; c++) {
      let k = operand_column(k0 + c, H);
      var v = 0.0;
      for (var r = 0u; r < ROWS; r++) {
        if (r % SG == 0u) {
          v = hseq[hrow[r] + k];
        }
        acc[r] = fma(vec4<f32>(row_from(v, r % SG)), w4[c], acc[r]);
      }
    }
  }
  var pre: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    pre[r] = acc[r];
  }
  let nunits = min(4u, H - min(H, j0));
  for (var r = 0u; r < min(ROWS, B - b0); r++) {
    for (var q = 0u; q < nunits; q++) {
      forward_cell(t, b0 + r, j0 + q, pre[r][q]);
    }
  }
}

@compute @workgroup_size(WG)
fn forward_seq(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let b0 = wid.x * ROWS;
  let lane = row_lane();
  let half = ROWS * H;
  if (2u * half > TILE) {
    return; // the wrapper sizes TILE; never true when it is right
  }
  let first = block_before(step_at(0u, u.t_begin, u.t_end, u.reverse), u.reverse);
  for (var e = lid.x; e < half; e += WG) {
    tile_set(e, hseq[(first * B + min(b0 + e / H, B - 1u)) * H + e % H]);
  }
  workgroupBarrier();
  for (var k = 0u; k < u.t_end - u.t_begin; k++) {
    let t = step_at(k, u.t_begin, u.t_end, u.reverse);
    let cur = (k % 2u) * half;
    let nxt = half - cur;
    for (var jb = 0u; jb < H; jb += 4u * WG) {
      let j0 = jb + 4u * lid.x;
      var acc: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = vec4<f32>(0.0);
      }
      for (var k0 = 0u; k0 < H; k0 += 4u) {
        add_row_products4(&acc, cur, lane, j0, k0, H);
      }
      var pre: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        pre[r] = acc[r];
      }
      let nunits = min(4u, H - min(H, j0));
      for (var r = 0u; r < min(ROWS, B - b0); r++) {
        for (var q = 0u; q < nunits; q++) {
          tile_set(nxt + r * H + j0 + q, forward_cell(t, b0 + r, j0 + q, pre[r][q]));
        }
      }
    }
    workgroupBarrier();
  }
}

// ---------------------------------------------------------------- backward

// The recurrent gradient of the backward entries: dgates.
fn backward_recurrent(i: u32) -> f32 {
  return dgates[i];
}

// Point-wise backward of step t for sequence b, unit j; rec = (W_hhᵀ dgates_next)[b, j].
// Returns dgates of (b, j) in lane 0.
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
  let d = dh * activation_slope(hseq_b[(block_after(t, ub.reverse) * B + b) * H + j]);
  dgates[row * H + j] = d;
  dh_carry[s] = 0.0;
  return vec4<f32>(d, 0.0, 0.0, 0.0);
}
