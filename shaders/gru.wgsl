// gru.wgsl — GRU time steps for B sequences, PyTorch gate order r, z, n with b_hn inside the
// r· product, forward and BPTT:
//   r = σ(gx_r + W_hr h + b_hr),  z = σ(gx_z + W_hz h + b_hz),
//   n = tanh(gx_n + r·(W_hn h + b_hn)),  h' = (1 − z)·n + z·h
// Time-major layouts (row (t, b) = t·B + b):
//   gx:     [T, B, 3H]    x_t W_ihᵀ + b_ih (shaders/gemm.wgsl)
//   w_hh:   [3H, H] row-major;  b_hh: [3H]
//   hseq:   [T+1, B, H]   hseq[0] = h0, hseq[t+1] = h_t
//   gates:  [T, B, 4H]    r, z, n, W_hn h_{t-1} + b_hn of every step (kept for backward)
//   dg_in:  [T, B, 3H]    d loss / d (gx + …) pre-activations (r, z, n)
//   dg_hid: [T, B, 3H]    d loss / d (W_hh h + b_hh): equal to dg_in but for n, which is r·dn
//   dy:     [T, B, H]     d loss / d h_t from above;  dh_carry: [B, H] (z·dh, into h_{t-1})
// Mirrors gruForward / gruBackward in src/reference/cells.ts. Work split as in lstm.wgsl.
//!include "activations"

struct Steps {
  batch: u32,
  hidden: u32,
  t_begin: u32,
  t_end: u32,
  has_dy: u32,
}

@group(0) @binding(0) var<uniform> u: Steps;
@group(0) @binding(1) var<storage, read> gx: array<f32>;
@group(0) @binding(2) var<storage, read> w_hh: array<f32>;
@group(0) @binding(3) var<storage, read> b_hh: array<f32>;
@group(0) @binding(4) var<storage, read_write> hseq: array<f32>;
@group(0) @binding(5) var<storage, read_write> gates: array<f32>;

@group(0) @binding(0) var<uniform> ub: Steps;
@group(0) @binding(1) var<storage, read> w_hh_b: array<f32>;
@group(0) @binding(2) var<storage, read> gates_b: array<f32>;
@group(0) @binding(3) var<storage, read> hseq_b: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read_write> dg_in: array<f32>;
@group(0) @binding(6) var<storage, read_write> dg_hid: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh_carry: array<f32>;

const MAX_ROWS: u32 = 16u;
override ROWS: u32 = 8u;
override WG: u32 = 64u;
// Persistent entries: floats of workgroup memory, ≥ 2·ROWS·H (forward) or 2·ROWS·3H (backward).
override TILE: u32 = 1024u;

var<workgroup> tile: array<f32, TILE>;

// ---------------------------------------------------------------- forward

// Point-wise part of step t for sequence b, unit j; rec = W_hh h_{t-1} rows (r, z, n) of j.
fn gru_forward_cell(t: u32, b: u32, j: u32, rec: vec3<f32>) -> f32 {
  let B = u.batch;
  let H = u.hidden;
  let row = t * B + b;
  let x0 = row * 3u * H + j;
  let r = sigmoid(gx[x0] + rec.x + b_hh[j]);
  let z = sigmoid(gx[x0 + H] + rec.y + b_hh[H + j]);
  let hn = rec.z + b_hh[2u * H + j];
  let n = safe_tanh(fma(r, hn, gx[x0 + 2u * H]));
  let h = fma(z, hseq[row * H + j] - n, n);
  hseq[(row + B) * H + j] = h;
  let g0 = row * 4u * H + j;
  gates[g0] = r;
  gates[g0 + H] = z;
  gates[g0 + 2u * H] = n;
  gates[g0 + 3u * H] = hn;
  return h;
}

@compute @workgroup_size(WG)
fn forward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let t = u.t_begin;
  let j = wid.x * WG + lid.x;
  let jc = min(j, H - 1u);
  let b0 = wid.y * ROWS;
  var hrow: array<u32, MAX_ROWS>;
  var acc: array<vec3<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    hrow[r] = (t * B + min(b0 + r, B - 1u)) * H;
    acc[r] = vec3<f32>(0.0);
  }
  for (var k = 0u; k < H; k++) {
    let w = vec3<f32>(w_hh[jc * H + k], w_hh[(H + jc) * H + k], w_hh[(2u * H + jc) * H + k]);
    for (var r = 0u; r < ROWS; r++) {
      acc[r] = fma(vec3<f32>(hseq[hrow[r] + k]), w, acc[r]);
    }
  }
  if (j >= H) {
    return;
  }
  // The point-wise part runs in a loop that is not unrolled (one copy of the cell: much
  // faster to compile, measured no slower); the accumulators above stay in registers.
  var pre: array<vec3<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    pre[r] = acc[r];
  }
  for (var r = 0u; r < min(ROWS, B - b0); r++) {
    gru_forward_cell(t, b0 + r, j, pre[r]);
  }
}

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
      var acc: array<vec3<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = vec3<f32>(0.0);
      }
      for (var k = 0u; k < H; k++) {
        let w = vec3<f32>(w_hh[jc * H + k], w_hh[(H + jc) * H + k], w_hh[(2u * H + jc) * H + k]);
        for (var r = 0u; r < ROWS; r++) {
          acc[r] = fma(vec3<f32>(tile[cur + r * H + k]), w, acc[r]);
        }
      }
      var pre: array<vec3<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        pre[r] = acc[r];
      }
      if (j < H) {
        for (var r = 0u; r < min(ROWS, B - b0); r++) {
          tile[nxt + r * H + j] = gru_forward_cell(t, b0 + r, j, pre[r]);
        }
      }
    }
    workgroupBarrier();
  }
}

// ---------------------------------------------------------------- backward

// Point-wise backward of step t for sequence b, unit j; rec = (dg_hid_{t+1} W_hh)[b, j].
// Returns dg_hid of step t (r, z, r·dn), which feeds step t−1's rec.
fn gru_backward_cell(t: u32, b: u32, j: u32, rec: f32) -> vec3<f32> {
  let B = ub.batch;
  let H = ub.hidden;
  let row = t * B + b;
  let s = b * H + j;
  var dh = rec + dh_carry[s];
  if (ub.has_dy != 0u) {
    dh += dy[row * H + j];
  }
  let g0 = row * 4u * H + j;
  let r = gates_b[g0];
  let z = gates_b[g0 + H];
  let n = gates_b[g0 + 2u * H];
  let hn = gates_b[g0 + 3u * H];
  let dn = dh * (1.0 - z) * (1.0 - n * n);
  let dr = dn * hn * r * (1.0 - r);
  let dz = dh * (hseq_b[row * H + j] - n) * z * (1.0 - z);
  let d0 = row * 3u * H + j;
  dg_in[d0] = dr;
  dg_in[d0 + H] = dz;
  dg_in[d0 + 2u * H] = dn;
  dg_hid[d0] = dr;
  dg_hid[d0 + H] = dz;
  dg_hid[d0 + 2u * H] = dn * r;
  dh_carry[s] = dh * z;
  return vec3<f32>(dr, dz, dn * r);
}

// One step t = t_begin. Grid [⌈H/(4·WG)⌉, ⌈B/ROWS⌉]: each invocation covers 4 consecutive units
// (each workgroup-uniform load of dg_hid feeds 4 multiply-adds). After the range,
// dh_carry += dg_hid_{t_begin} W_hh (a gemm) gives d loss / d h_{t_begin-1}.
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
    drow[r] = ((t + 1u) * B + min(b0 + r, B - 1u)) * 3u * H;
    acc[r] = vec4<f32>(0.0);
  }
  if (t + 1u < ub.t_end) {
    for (var n = 0u; n < 3u * H; n++) {
      let w = vec4<f32>(w_hh_b[n * H + j.x], w_hh_b[n * H + j.y], w_hh_b[n * H + j.z], w_hh_b[n * H + j.w]);
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = fma(vec4<f32>(dg_hid[drow[r] + n]), w, acc[r]);
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
      gru_backward_cell(t, b0 + r, j0 + q, pre[r][q]);
    }
  }
}

// Steps t_end-1 down to t_begin for the batch tile of workgroup x, then
// dh_carry += dg_hid_{t_begin} W_hh: one dispatch per layer. Grid [⌈B/ROWS⌉]; invocations cover
// 4 consecutive units, in passes of 4·WG units. dg_hid_{t+1} of the tile lives in workgroup
// memory (double-buffered halves of ROWS·3H floats).
@compute @workgroup_size(WG)
fn backward_seq(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = ub.batch;
  let H = ub.hidden;
  let G = 3u * H;
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
            let d = gru_backward_cell(t, b0 + r, jq, pre[r][q]);
            let at = nxt + r * G + jq;
            tile[at] = d.x;
            tile[at + H] = d.y;
            tile[at + 2u * H] = d.z;
          }
        }
      }
    }
    workgroupBarrier();
  }
}
