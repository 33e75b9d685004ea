// recurrent_gated_forward.wgsl — the forward entry points forward_step / forward_seq of the
// gated cell kernels (shaders/lstm.wgsl, shaders/gru.wgsl; recorded by src/kernels/recurrent.ts).
// Work split: invocation = hidden unit j with its G gate rows of W_hh (GateVec accumulators),
// for the ROWS sequences of its workgroup (recurrent_tile). The ROWS accumulators stay in
// registers (unrolled loops); the point-wise cell runs in a loop that is not unrolled (one
// copy of the cell: much faster to compile, measured no slower).
// The including cell file defines (WGSL resolves names module-wide):
//   alias GateVec             vecG<f32>: one component per gate (lstm vec4, gru vec3)
//   u: uniform Steps          batch, hidden, t_begin, t_end, step, reverse
//   hseq: [T+1, B, H]         read_write; state blocks as recurrent_tile.wgsl says (forward:
//                             hseq[0] = h0, hseq[t+1] = h_t; reverse: hseq[t] = h_t, hseq[T] = h0)
//   fn gate_weights4(j: u32, k0: u32, H: u32) -> matrix with GateVec columns
//       column c: W_hh[g·H + j, k0 + c] of every gate g (W_hh: [G·H, H] row-major; 0 past
//       column H − 1), from w_hh_cols4 (recurrent_tile.wgsl's weight loads)
//   fn forward_cell(t: u32, b: u32, j: u32, rec: GateVec) -> f32
//       point-wise part of step t for sequence b, unit j, given rec = W_hh h_prev (G gate
//       rows of j; h_prev = the state block before step t); writes step t's outputs and
//       returns h_t[b, j]
//!include "recurrent_tile"

// One step t = u.step. Grid [⌈H/WG⌉, ⌈B/ROWS⌉]: one unit (G gate rows) per invocation.
@compute @workgroup_size(WG)
fn forward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = u.batch;
  let H = u.hidden;
  let t = u.step;
  let prev = block_before(t, u.reverse);
  let j = wid.x * WG + lid.x;
  let jc = min(j, H - 1u);
  let b0 = wid.y * ROWS;
  let lane = row_lane();
  var hrow: array<u32, MAX_ROWS>;
  var acc: array<GateVec, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    hrow[r] = (prev * B + min(b0 + r + lane, B - 1u)) * H;
    acc[r] = GateVec(0.0);
  }
  // rec[r] = W_hh h_prev[b0 + r] for the G gate rows of unit j.
  for (var k0 = 0u; k0 < H; k0 += 4u) {
    let w4 = gate_weights4(jc, k0, H);
    for (var c = 0u; c < 4u; c++) {
      let k = operand_column(k0 + c, H);
      var v = 0.0;
      for (var r = 0u; r < ROWS; r++) {
        if (r % SG == 0u) {
          v = hseq[hrow[r] + k];
        }
        acc[r] = fma(GateVec(row_from(v, r % SG)), w4[c], acc[r]);
      }
    }
  }
  if (j >= H) {
    return;
  }
  var pre: array<GateVec, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    pre[r] = acc[r];
  }
  for (var r = 0u; r < min(ROWS, B - b0); r++) {
    forward_cell(t, b0 + r, j, pre[r]);
  }
}

// Steps t_begin..t_end-1 (reverse: t_end-1..t_begin) for the batch tile of workgroup x.
// Grid [⌈B/ROWS⌉]; passes of WG units. h_prev of the tile lives in workgroup memory (halves
// of ROWS·H floats).
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
    for (var jb = 0u; jb < H; jb += WG) {
      let j = jb + lid.x;
      let jc = min(j, H - 1u);
      var acc: array<GateVec, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = GateVec(0.0);
      }
      for (var k0 = 0u; k0 < H; k0 += 4u) {
        add_row_products4(&acc, cur, lane, jc, k0, H);
      }
      var pre: array<GateVec, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        pre[r] = acc[r];
      }
      if (j < H) {
        for (var r = 0u; r < min(ROWS, B - b0); r++) {
          tile_set(nxt + r * H + j, forward_cell(t, b0 + r, j, pre[r]));
        }
      }
    }
    workgroupBarrier();
  }
}
