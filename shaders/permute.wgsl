// permute.wgsl — swaps the two leading axes of a 3-D tensor: out[j, i, f] = src[i, j, f]
// for src [A, Bd, F] → out [Bd, A, F], with element offsets into both buffers. Converts
// batch-first [B, T, F] sequences to the time-major [T, B, F] rows the recurrent kernels use,
// and back. Mirrors permuteReference in src/reference/permute.ts. permute4 is the same copy
// four elements per load and store, where F and both offsets are multiples of 4 (the uniforms
// are then in vec4s: f = F/4, offsets/4; src/kernels/permute.ts picks it).

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

@group(0) @binding(1) var<storage, read> src4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> out4: array<vec4<f32>>;

override WG: u32 = 64u;

// Index into src (past src_off) of out's element e (past out_off), in the entry's units.
fn source_of(e: u32) -> u32 {
  let f = e % p.f;
  let i = (e / p.f) % p.a;
  let j = e / (p.f * p.a);
  return (i * p.bd + j) * p.f + f;
}

@compute @workgroup_size(WG)
fn permute(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // 2-D grid (src/gpu/grid.ts): e = flat index into out.
  let e = flat_index(gid, groups, WG);
  if (e >= p.a * p.bd * p.f) {
    return;
  }
  out[p.out_off + e] = src[p.src_off + source_of(e)];
}

@compute @workgroup_size(WG)
fn permute4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = flat_index(gid, groups, WG);
  if (e >= p.a * p.bd * p.f) {
    return;
  }
  out4[p.out_off + e] = src4[p.src_off + source_of(e)];
}
