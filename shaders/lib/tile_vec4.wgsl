// tile_vec4.wgsl — tile_scalar.wgsl for the 'subgroups' path where H % 4 = 0 (swapped in by
// src/kernels/weight-loads.ts): the tile as vec4s, so one load (and one subgroup shuffle) gives
// four columns of a row. Rows of H or GATES·H floats then start at multiples of 4; the
// multiply-adds are those of tile_scalar.wgsl, in its order.

var<workgroup> tile: array<vec4<f32>, TILE / 4u>;

// Tile element e = x.
fn tile_set(e: u32, x: f32) {
  tile[e / 4u][e % 4u] = x;
}

// Forward (tile_scalar.wgsl's): columns k0 .. k0 + 3 of a row in one load.
fn add_row_products4(acc: ptr<function, array<GateVec, MAX_ROWS>>, half0: u32, lane: u32, j: u32, k0: u32, H: u32) {
  let w4 = gate_weights4(j, k0, H);
  var v = vec4<f32>(0.0);
  for (var r = 0u; r < ROWS; r++) {
    if (r % SG == 0u) {
      v = tile[(half0 + (r + lane) * H + k0) / 4u];
    }
    let h = row_from4(v, r % SG);
    (*acc)[r] = fma(GateVec(h.w), w4[3], fma(GateVec(h.z), w4[2], fma(GateVec(h.y), w4[1], fma(GateVec(h.x), w4[0], (*acc)[r]))));
  }
}

// Backward (tile_scalar.wgsl's): gate gradients n0 .. n0 + 3 of a row in one load.
fn add_gate_products(acc: ptr<function, array<vec4<f32>, MAX_ROWS>>, half0: u32, lane: u32, j0: u32, G: u32, H: u32) {
  for (var n0 = 0u; n0 < G; n0 += 4u) {
    let w = mat4x4<f32>(w_hh_b_units4(n0, j0, H), w_hh_b_units4(n0 + 1u, j0, H), w_hh_b_units4(n0 + 2u, j0, H), w_hh_b_units4(n0 + 3u, j0, H));
    var v = vec4<f32>(0.0);
    for (var r = 0u; r < ROWS; r++) {
      if (r % SG == 0u) {
        v = tile[(half0 + (r + lane) * G + n0) / 4u];
      }
      let d = row_from4(v, r % SG);
      (*acc)[r] = fma(vec4<f32>(d.w), w[3], fma(vec4<f32>(d.z), w[2], fma(vec4<f32>(d.y), w[1], fma(vec4<f32>(d.x), w[0], (*acc)[r]))));
    }
  }
}
