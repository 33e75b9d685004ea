// rows_subgroups.wgsl — the 'subgroups' path of the recurrent cell kernels (in place of
// rows_direct.wgsl; src/gpu/subgroups.ts adds `enable subgroups;`): lane s of every group of
// SG lanes loads row r + s (r: a group's first row) of the workgroup-uniform operand and
// subgroupShuffle hands it to every lane, so a group of rows costs one load instead of SG. On
// lavapipe a load is an 8-lane loop even when every lane reads the same address; a shuffle
// from a uniform lane is an extract and a broadcast. Needs SG ≤ the adapter's smallest subgroup (src/gpu/subgroups.ts)
// and every lane active (the loops clamp, never branch per lane, around it).

// This lane's row within its broadcast group (its index in the subgroup, modulo SG). Call in
// uniform control flow (every lane active).
fn row_lane() -> u32 {
  return subgroupExclusiveAdd(1u) % SG;
}

// Row s (< SG) of the group: lane s's load v.
fn row_from(v: f32, s: u32) -> f32 {
  return subgroupShuffle(v, s);
}

// row_from for four values at once (tile_vec4.wgsl's loads): one shuffle of the vec4.
fn row_from4(v: vec4<f32>, s: u32) -> vec4<f32> {
  return subgroupShuffle(v, s);
}
