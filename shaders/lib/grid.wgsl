// grid.wgsl — the flat index of 1-D work laid on a 2-D grid by grid1d (src/gpu/grid.ts),
// so n may exceed one grid dimension's 65535 workgroups.

fn flat_index(gid: vec3<u32>, groups: vec3<u32>, workgroup_size: u32) -> u32 {
  return gid.x + gid.y * groups.x * workgroup_size;
}
