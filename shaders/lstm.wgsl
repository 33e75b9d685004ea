// lstm.wgsl — LSTM time steps for B sequences, PyTorch gate order i, f, g, o, forward and BPTT.
// Time-major layouts (row (t, b) = t·B + b):
//   gx:     [T, B, 4H]    x_t W_ihᵀ + b_ih, all steps at once (shaders/gemm.wgsl)
//   w_hh:   [4H, H]       row-major, PyTorch layout;  b_hh: [4H]
//   hseq:   [T+1, B, H]   hseq[0] = h0, hseq[t+1] = h_t;  cseq likewise for c
//   gates:  [T, B, 4H]    σ(i), σ(f), tanh(g), σ(o) of every step (kept for backward)
//   dgates: [T, B, 4H]    d loss / d gate pre-activations (the weight gradients' GEMM input)
//   dy:     [T, B, H]     d loss / d h_t arriving from above (next layer or head)
//   dh_carry, dc_carry: [B, H]  gradients flowing into the state of the step being processed
// Mirrors cellPointwiseForward / cellPointwiseBackward (lstm) and layerForward /
// layerBackward in src/reference/cells.ts and src/reference/recurrent.ts.
//
// Work split: forward, invocation = hidden unit j (its 4 gate rows); backward, invocation = 4
// consecutive units. A workgroup owns ROWS sequences, so every load of h (or of dgates) is
// workgroup-uniform and every per-lane load of W_hh feeds ROWS multiply-adds. Step entry
// points do one t per dispatch (grid [⌈H/(units·WG)⌉, ⌈B/ROWS⌉]); the *_seq entry points are
// persistent: one workgroup per batch tile walks all steps t ∈ [t_begin, t_end) with the
// recurrent operand (h, or dgates backward) in workgroup memory. Written for SIMD-on-CPU
// adapters as much as for GPUs: lavapipe runs a workgroup as SIMD rows of 8 invocations, where
// the accumulators must stay in registers (unrolled ROWS loops) and the point-wise part
// is kept out of the unrolled code (compile time).
//!include "activations"

struct Steps {
  batch: u32,
  hidden: u32,
  // Forward: step t_begin (step entry) or steps [t_begin, t_end) (seq entry).
  // Backward: step t_begin, or steps t_end-1 down to t_begin; t_end-1 is the last step.
  t_begin: u32,
  t_end: u32,
  // Backward: 1 when dy holds gradients from above, 0 to ignore it.
  has_dy: u32,
}

@group(0) @binding(0) var<uniform> u: Steps;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
@group(0) @binding(2) var<storage, read> w_hh: array<f32>;
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;
@group(0) @binding(4) var<storage, read_write> hseq: array<f32>;
@group(0) @binding(5) var<storage, read_write> cseq: array<f32>;
@group(0) @binding(6) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> ub: Steps;
@group(0) @binding(1) var<storage, read> w_hh_b: array<f32>;
@group(0) @binding(2) var<storage, read> gates_b: array<f32>;
@group(0) @binding(3) var<storage, read> cseq_b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgates: array<f32>;
@group(0) @binding(6) var<storage, read_write> dh_carry: array<f32>;
@group(0) @binding(7) var<storage, read_write> dc_carry: array<f32>;

const MAX_ROWS: u32 = 16u;
// Sequences per workgroup (≤ MAX_ROWS) and hidden units per workgroup pass.
override ROWS: u32 = 8u;
override WG: u32 = 64u;
// Persistent entries: floats of workgroup memory, ≥ 2·ROWS·H (forward) or 2·ROWS·4H (backward).
override TILE: u32 = 1024u;

var<workgroup> tile: array<f32, TILE>;

// ---------------------------------------------------------------- forward

// Point-wise part of step t for sequence b, unit j; rec = W_hh h_{t-1} for its 4 gate rows.
fn lstm_forward_cell(t: u32, b: u32, j: u32, rec: vec4<f32>) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  let row = t * B + b;
  let g0 = row * 4u * H + j;
  let pre = rec + vec4<f32>(b_hh[j], b_hh[H + j], b_hh[2u * H + j], b_hh[3u * H + j])
    + vec4<f32>(gx[g0], gx[g0 + H], gx[g0 + 2u * H], gx[g0 + 3u * H]);
  let i = sigmoid(pre.x);
  let f = sigmoid(pre.y);
  let g = safe_tanh(pre.z);
  let o = sigmoid(pre.w);
  let c = fma(f, cseq[row * H + j], i * g);
  let h = o * safe_tanh(c);
  cseq[(row + B) * H + j] = c;
  hseq[(row + B) * H + j] = h;
  gates[g0] = i;
  gates[g0 + H] = f;
  gates[g0 + 2u * H] = g;
  gates[g0 + 3u * H] = o;
  return h;
}

// One step t = t_begin. Grid [⌈H/WG⌉, ⌈B/ROWS⌉]: one unit (4 gate rows) per invocation.
@compute @workgroup_size(WG)
fn forward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let t = u.t_begin;
  let j = wid.x * WG + lid.x;
  let jc = min(j, H - 1u);
  let b0 = wid.y * ROWS;
  var hrow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    hrow[r] = (t * B + min(b0 + r, B - 1u)) * H;
    acc[r] = vec4<f32>(0.0);
  }
  // rec[r] = W_hh h_{t-1}[b0 + r] for the four gate rows of unit j.
  for (var k = 0u; k < H; k++) {
    let w = vec4<f32>(w_hh[jc * H + k], w_hh[(H + jc) * H + k], w_hh[(2u * H + jc) * H + k], w_hh[(3u * H + jc) * H + k]);
    for (var r = 0u; r < ROWS; r++) {
      acc[r] = fma(vec4<f32>(hseq[hrow[r] + k]), w, acc[r]);
    }
  }
  if (j >= H) {
    return;
  }
  // The point-wise part runs in a loop that is not unrolled (one copy of the cell: much
  // faster to compile, measured no slower); the accumulators above stay in registers.
  var pre: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    pre[r] = acc[r];
  }
  for (var r = 0u; r < min(ROWS, B - b0); r++) {
    lstm_forward_cell(t, b0 + r, j, pre[r]);
  }
}

// Steps t_begin..t_end-1 for the batch tile of workgroup x. Grid [⌈B/ROWS⌉]. h_{t-1} of the
// tile lives in workgroup memory (double-buffered: tile[0, ROWS·H) and tile[ROWS·H, 2·ROWS·H)).
@compute @workgroup_size(WG)
fn forward_seq(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let b0 = wid.x * ROWS;
  let half = ROWS * H;
  if (2u * half > TILE) {
    return; // the wrapper sizes TILE; never true when it is right
  }
  for (var e = lid.x; e < half; e += WG) {
    tile[e] = hseq[(u.t_begin * B + min(b0 + e / H, B - 1u)) * H + e % H];
  }
  workgroupBarrier();
  for (var t = u.t_begin; t < u.t_end; t++) {
    let cur = ((t - u.t_begin) % 2u) * half;
    let nxt = half - cur;
    for (var jb = 0u; jb < H; jb += WG) {
      let j = jb + lid.x;
      let jc = min(j, H - 1u);
      var acc: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = vec4<f32>(0.0);
      }
      for (var k = 0u; k < H; k++) {
        let w = vec4<f32>(w_hh[jc * H + k], w_hh[(H + jc) * H + k], w_hh[(2u * H + jc) * H + k], w_hh[(3u * H + jc) * H + k]);
        for (var r = 0u; r < ROWS; r++) {
          acc[r] = fma(vec4<f32>(tile[cur + r * H + k]), w, acc[r]);
        }
      }
      var pre: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        pre[r] = acc[r];
      }
      if (j < H) {
        for (var r = 0u; r < min(ROWS, B - b0); r++) {
          tile[nxt + r * H + j] = lstm_forward_cell(t, b0 + r, j, pre[r]);
        }
      }
    }
    workgroupBarrier();
  }
}

// ---------------------------------------------------------------- backward

// Point-wise backward of step t for sequence b, unit j; rec = (W_hhᵀ dgates_{t+1})[b, j].
// Returns the four gate gradients (also written to dgates row t).
fn lstm_backward_cell(t: u32, b: u32, j: u32, rec: f32) -> vec4<f32> {
  let B = ub.batch;
  let H = ub.hidden;
  let row = t * B + b;
  let g0 = row * 4u * H + j;
  let s = b * H + j;
  var dh = rec + dh_carry[s];
  if (ub.has_dy != 0u) {
    dh += dy[row * H + j];
  }
  let i = gates_b[g0];
  let f = gates_b[g0 + H];
  let g = gates_b[g0 + 2u * H];
  let o = gates_b[g0 + 3u * H];
  let tc = safe_tanh(cseq_b[(row + B) * H + j]);
  let dc = dc_carry[s] + dh * o * (1.0 - tc * tc);
  let d = vec4<f32>(dc * g * i * (1.0 - i), dc * cseq_b[row * H + j] * f * (1.0 - f), dc * i * (1.0 - g * g), dh * tc * o * (1.0 - o));
  dgates[g0] = d.x;
  dgates[g0 + H] = d.y;
  dgates[g0 + 2u * H] = d.z;
  dgates[g0 + 3u * H] = d.w;
  dc_carry[s] = dc * f;
  dh_carry[s] = 0.0;
  return d;
}

// One step t = t_begin (the last step of the range is t_end-1: no dgates_{t+1} term there).
// Grid [⌈H/(4·WG)⌉, ⌈B/ROWS⌉]: each invocation covers 4 consecutive units, so every
// workgroup-uniform load of dgates feeds 4 multiply-adds. After the range,
// dh_carry += dgates_{t_begin} W_hh (a gemm) gives d loss / d h_{t_begin-1}.
@compute @workgroup_size(WG)
fn backward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = ub.batch;
  let H = ub.hidden;
  let t = ub.t_begin;
  let j0 = (wid.x * WG + lid.x) * 4u;
  let j = min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(H - 1u));
  let b0 = wid.y * ROWS;
  var drow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    drow[r] = ((t + 1u) * B + min(b0 + r, B - 1u)) * 4u * H;
    acc[r] = vec4<f32>(0.0);
  }
  if (t + 1u < ub.t_end) {
    for (var n = 0u; n < 4u * H; n++) {
      let w = vec4<f32>(w_hh_b[n * H + j.x], w_hh_b[n * H + j.y], w_hh_b[n * H + j.z], w_hh_b[n * H + j.w]);
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = fma(vec4<f32>(dgates[drow[r] + n]), w, acc[r]);
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
      lstm_backward_cell(t, b0 + r, j0 + q, pre[r][q]);
    }
  }
}

// Steps t_end-1 down to t_begin for the batch tile of workgroup x, then
// dh_carry += dgates_{t_begin} W_hh: one dispatch per layer. Grid [⌈B/ROWS⌉]; invocations
// cover 4 consecutive units each, in passes of 4·WG units. dgates_{t+1} of the tile lives in
// workgroup memory (double-buffered halves of ROWS·4H floats).
@compute @workgroup_size(WG)
fn backward_seq(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = ub.batch;
  let H = ub.hidden;
  let G = 4u * H;
  let b0 = wid.x * ROWS;
  let half = ROWS * G;
  if (2u * half > TILE) {
    return; // the wrapper sizes TILE; never true when it is right
  }
  for (var step = 0u; step <= ub.t_end - ub.t_begin; step++) {
    let last = step == ub.t_end - ub.t_begin; // the extra pass: d h_{t_begin - 1}
    let t = ub.t_end - 1u - min(step, ub.t_end - ub.t_begin - 1u);
    let cur = (step % 2u) * half;
    let nxt = half - cur;
    for (var jb = 0u; jb < H; jb += 4u * WG) {
      let j0 = jb + 4u * lid.x;
      let j = min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(H - 1u));
      var acc: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = vec4<f32>(0.0);
      }
      if (step > 0u) {
        for (var n = 0u; n < G; n++) {
          let w = vec4<f32>(w_hh_b[n * H + j.x], w_hh_b[n * H + j.y], w_hh_b[n * H + j.z], w_hh_b[n * H + j.w]);
          for (var r = 0u; r < ROWS; r++) {
            acc[r] = fma(vec4<f32>(tile[cur + r * G + n]), w, acc[r]);
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
          let jq = j0 + q;
          if (last) {
            dh_carry[(b0 + r) * H + jq] += pre[r][q];
          } else {
            let d = lstm_backward_cell(t, b0 + r, jq, pre[r][q]);
            let at = nxt + r * G + jq;
            tile[at] = d.x;
            tile[at + H] = d.y;
            tile[at + 2u * H] = d.z;
            tile[at + 3u * H] = d.w;
          }
        }
      }
    }
    workgroupBarrier();
  }
}
