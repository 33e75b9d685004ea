// dropout.wgsl — a layer's output as the next layer (or the head) reads it: the directions'
// h_t side by side, times PyTorch's dropout mask in training (p = 0: a plain copy, exact).
// Time-major rows r = t·B + b (N = T·B of them):
//   joined: [N, C]   C = P·W: P parts (directions) of W columns each, part p in columns [p·W, (p+1)·W)
//   part:   W columns per row at element offset src_off of its own tensor (a direction's hseq
//           state blocks — forward from block 1, reverse from block 0 — its dy, or x / dx)
//   join:   joined[r, p·W + j] = part[src_off + r·W + j] · m(r, p·W + j)      (forward)
//   split:  part[src_off + r·W + j] = joined[r, p·W + j] · m(r, p·W + j)      (backward)
// One dispatch per part. The mask is counter-based, so forward and backward (and every
// adapter) draw the same one without storing it:
//   m(r, c) = scale if bits(e) ≥ threshold else 0,   e = (b·T + t)·C + c  (the element's
//   batch-first index in [B, T, C]),  bits(e) = mix32(mix32(e) ^ key),
//   threshold = ⌊p·2³²⌋, scale = 1/(1−p), key = the site's key (seed, step, layer) hashed on
//   the host (src/util/counter-hash.ts); mix32 is Wellons' lowbias32.
// Mirrors dropoutMask / joinReference in src/reference/dropout.ts.

//!include "grid"

struct Dropout {
  rows: u32,
  batch: u32,
  steps: u32,
  width: u32,
  columns: u32,
  part: u32,
  src_off: u32,
  threshold: u32,
  key: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> du: Dropout;
@group(0) @binding(1) var<storage, read> part_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> joined: array<f32>;

@group(0) @binding(0) var<uniform> su: Dropout;
@group(0) @binding(1) var<storage, read> joined_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> part_out: array<f32>;

override WG: u32 = 64u;

fn mix32(x: u32) -> u32 {
  var h = (x ^ (x >> 16u)) * 0x7feb352du;
  h = (h ^ (h >> 15u)) * 0x846ca68bu;
  return h ^ (h >> 16u);
}

// The mask value of joined element (r, c), and that element's index in joined.
fn masked(u: Dropout, e: u32) -> vec2<u32> {
  let r = e / u.width;
  let c = u.part * u.width + e % u.width;
  let b = r % u.batch;
  let t = r / u.batch;
  let bits = mix32(mix32((b * u.steps + t) * u.columns + c) ^ u.key);
  return vec2<u32>(select(0u, 1u, bits >= u.threshold), r * u.columns + c);
}

@compute @workgroup_size(WG)
fn join(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = flat_index(gid, groups, WG); // over the part's [N, W]
  if (e >= du.rows * du.width) {
    return;
  }
  let m = masked(du, e);
  joined[m.y] = select(0.0, part_in[du.src_off + e] * du.scale, m.x != 0u);
}

@compute @workgroup_size(WG)
fn split(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = flat_index(gid, groups, WG);
  if (e >= su.rows * su.width) {
    return;
  }
  let m = masked(su, e);
  part_out[su.src_off + e] = select(0.0, joined_in[m.y] * su.scale, m.x != 0u);
}
