// tile_scalar.wgsl — the persistent (*_seq) entries' workgroup tile of the recurrent cell
// kernels (recurrent_tile.wgsl: ROWS rows of the recurrent operand per half, h forward and the
// gate gradients backward) as TILE floats, and the products of its rows with W_hh, one column
// per load. For any H; on the 'subgroups' path with H % 4 = 0, src/kernels/weight-loads.ts
// swaps in tile_vec4.wgsl, whose one load gives four columns (lavapipe: a load instruction costs
// the same for a vec4 as for an f32). SwiftShader runs this form faster, so the plain path keeps
// it. Both files give the same sums in the same order.
// Row r of a tile half starting at element `half0` is row r + lane of the group that starts at
// r (rows_direct.wgsl / rows_subgroups.wgsl: row_lane, row_from). The products use the cell's
// GateVec and gate_weights4 (forward: shaders/rnn.wgsl, or recurrent_gated_forward.wgsl's
// contract) and weights_scalar.wgsl's w_hh_b_units4 and operand_column.

var<workgroup> tile: array<f32, TILE>;

// Tile element e = x.
fn tile_set(e: u32, x: f32) {
  tile[e] = x;
}

// Forward: acc[r] += Σ_{c<4} h[r, k0 + c] · gate_weights4(j, k0, H)[c] for r < ROWS, where h is
// the tile half at half0 (rows of H); columns ≥ H have weight 0 and read column H − 1.
fn add_row_products4(acc: ptr<function, array<GateVec, MAX_ROWS>>, half0: u32, lane: u32, j: u32, k0: u32, H: u32) {
  let w4 = gate_weights4(j, k0, H);
  for (var c = 0u; c < 4u; c++) {
    let k = operand_column(k0 + c, H);
    var v = 0.0;
    for (var r = 0u; r < ROWS; r++) {
      if (r % SG == 0u) {
        v = tile[half0 + (r + lane) * H + k];
      }
      (*acc)[r] = fma(GateVec(row_from(v, r % SG)), w4[c], (*acc)[r]);
    }
  }
}

// Backward: acc[r] += Σ_{n<G} d[r, n] · w_hh_b_units4(n, j0, H) for r < ROWS, where d is the
// tile half at half0 (rows of G = GATES·H gate gradients).
fn add_gate_products(acc: ptr<function, array<vec4<f32>, MAX_ROWS>>, half0: u32, lane: u32, j0: u32, G: u32, H: u32) {
  for (var n = 0u; n < G; n++) {
    let w = w_hh_b_units4(n, j0, H);
    var v = 0.0;
    for (var r = 0u; r < ROWS; r++) {
      if (r % SG == 0u) {
        v = tile[half0 + (r + lane) * G + n];
      }
      (*acc)[r] = fma(vec4<f32>(row_from(v, r % SG)), w, (*acc)[r]);
    }
  }
}
