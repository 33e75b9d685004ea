// permute.wgsl — swaps the two leading axes of a 3-D tensor: out[j, i, f] = src[i, j, f]
// for src [A, Bd, F] → out [Bd, A, F], with element offsets into both buffers. Converts
// batch-first [B, T, F] sequences to the time-major [T, B, F] rows the recurrent kernels use,
// and back. Mirrors permuteReference in src/reference/permute.ts.

//!include "grid"

struct Permute {
  a: u32,
  bd: u32,
  f: u32,
  src_off: u32,
  out_off: u32,
}

@group(0) @binding(0) var<uniform> p: Permute;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn permute(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D grid (src/gpu/grid.ts): e = flat index into out.
  let e = flat_index(gid, groups, WG);
  if (e >= p.a * p.bd * p.f) {
    return;
  }
  let f = e % p.f;
  let i = (e / p.f) % p.a;
  let j = e / (p.f * p.a);
  out[p.out_off + e] = src[p.src_off + (i * p.bd + j) * p.f + f];
}
