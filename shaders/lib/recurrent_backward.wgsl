// recurrent_backward.wgsl — the BPTT entry points backward_step / backward_seq of every
// recurrent cell kernel (shaders/{rnn,lstm,gru}.wgsl; recorded by src/kernels/recurrent.ts).
// Work split: an invocation covers 4 consecutive hidden units, so every workgroup-uniform load
// of the recurrent gradient feeds 4 multiply-adds, for the ROWS sequences of its workgroup
// (recurrent_tile). The ROWS accumulators stay in registers (unrolled loops); the point-wise
// cell runs in a loop that is not unrolled (one copy of the cell: compile time).
// The including cell file defines (WGSL resolves names module-wide):
//   const GATES: u32          G, gate rows of W_hh per hidden unit (rnn 1, gru 3, lstm 4)
//   ub: uniform Steps         batch, hidden, t_begin, t_end, step, reverse (+ what the cell reads)
//   w_hh_b: [G·H, H]          W_hh, row-major
//   dh_carry: [B, H]          read_write; the seq entry adds d loss / d h_{t_begin-1} to it
//   fn backward_recurrent(i: u32) -> f32
//       element i of the [T, B, G·H] gradient of the hidden product W_hh h + b_hh, as the
//       cell writes it (row (t, b) = t·B + b); feeds the step before through W_hhᵀ.
//   fn backward_cell(t: u32, b: u32, j: u32, rec: f32) -> vec4<f32>
//       point-wise backward of step t, sequence b, unit j, given rec = (W_hhᵀ grad_next)[b, j]
//       (grad_next: of the step taken after t, recurrent_tile.wgsl's next_step); returns that
//       gradient's G entries of (b, j) (gate g in component g, the rest unused).
//!include "recurrent_tile"

// One step t = ub.step of the range [t_begin, t_end) (its last step taken has no grad_next).
// Grid [⌈H/(4·WG)⌉, ⌈B/ROWS⌉]. After the range, dh_carry += grad_first W_hh (a gemm; first:
// the direction's first step) gives d loss / d (the state it started from).
@compute @workgroup_size(WG)
fn backward_step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = ub.batch;
  let H = ub.hidden;
  let G = GATES * H;
  let t = ub.step;
  let j0 = (wid.x * WG + lid.x) * 4u;
  let b0 = wid.y * ROWS;
  let has_next = has_next_step(t, ub.t_begin, ub.t_end, ub.reverse);
  let tn = select(t, next_step(t, ub.reverse), has_next);
  let lane = row_lane();
  var drow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    drow[r] = (tn * B + min(b0 + r + lane, B - 1u)) * G;
    acc[r] = vec4<f32>(0.0);
  }
  if (has_next) {
    for (var n = 0u; n < G; n++) {
      let w = w_hh_b_units4(n, j0, H);
      var v = 0.0;
      for (var r = 0u; r < ROWS; r++) {
        if (r % SG == 0u) {
          v = backward_recurrent(drow[r] + n);
        }
        acc[r] = fma(vec4<f32>(row_from(v, r % SG)), w, acc[r]);
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
      backward_cell(t, b0 + r, j0 + q, pre[r][q]);
    }
  }
}

// The direction's steps in the opposite order (forward: t_end-1 down to t_begin) for the
// batch tile of workgroup x, then dh_carry += grad_first W_hh: one dispatch per layer and
// direction. Grid [⌈B/ROWS⌉]; passes of 4·WG units. grad_next of the tile lives in workgroup
// memory (halves of ROWS·G·H floats).
@compute @workgroup_size(WG)
fn backward_seq(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let B = ub.batch;
  let H = ub.hidden;
  let G = GATES * H;
  let b0 = wid.x * ROWS;
  let lane = row_lane();
  let half = ROWS * G;
  if (2u * half > TILE) {
    return; // the wrapper sizes TILE; never true when it is right
  }
  for (var step = 0u; step <= ub.t_end - ub.t_begin; step++) {
    let last = step == ub.t_end - ub.t_begin; // the extra pass: d (the state the direction started from)
    let t = step_at(ub.t_end - ub.t_begin - 1u - min(step, ub.t_end - ub.t_begin - 1u), ub.t_begin, ub.t_end, ub.reverse);
    let cur = (step % 2u) * half;
    let nxt = half - cur;
    for (var jb = 0u; jb < H; jb += 4u * WG) {
      let j0 = jb + 4u * lid.x;
      var acc: array<vec4<f32>, MAX_ROWS>;
      for (var r = 0u; r < ROWS; r++) {
        acc[r] = vec4<f32>(0.0);
      }
      if (step > 0u) {
        add_gate_products(&acc, cur, lane, j0, G, H);
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
            let d = backward_cell(t, b0 + r, jq, pre[r][q]);
            let at = nxt + r * G + jq;
            for (var g = 0u; g < GATES; g++) {
              tile_set(at + g * H, d[g]);
            }
          }
        }
      }
    }
    workgroupBarrier();
  }
}
