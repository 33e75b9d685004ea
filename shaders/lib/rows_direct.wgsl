// rows_direct.wgsl — how the recurrent cell kernels' lanes get the ROWS values of their
// workgroup-uniform operand (recurrent_tile.wgsl): every lane loads every row itself. The
// loops load row r + row_lane() where a group starts and take row_from(v, r % SG) as row r;
// here SG = 1 (the wrappers never override it on this path), so that is row r, loaded
// directly. src/gpu/subgroups.ts swaps this file for rows_subgroups.wgsl (path 'subgroups').

// This lane's row within a broadcast group: always 0 (groups of one row).
fn row_lane() -> u32 {
  return 0u;
}

// Row s of the group, given this lane's load v: v itself (s is 0).
fn row_from(v: f32, s: u32) -> f32 {
  return v;
}

// row_from for four values at once (tile_vec4.wgsl's loads).
fn row_from4(v: vec4<f32>, s: u32) -> vec4<f32> {
  return v;
}
