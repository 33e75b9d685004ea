// gemm_subgroups.wgsl — the product of shaders/gemm.wgsl (same uniforms, bindings, tile and
// epilogue: shaders/lib/gemm_tile.wgsl) with the rows of A shared through subgroup broadcasts,
// for adapters where a load is a per-lane loop even when every lane reads the same address
// (lavapipe: every storage load is an 8-lane scalar loop). Instead of ROWS loads of A that
// every lane repeats, lane s of a subgroup loads op(A)(m0 + q·SG + s, k) — SG different rows
// in one load — and subgroupShuffle hands each row to all lanes (a register extract and a
// broadcast there). Each k step: 4 per-lane loads of B (one where gemm_b_vec4.wgsl is swapped
// in) + ROWS/SG loads of A (a quarter of those where gemm_a_vec4.wgsl is) for 4·ROWS
// multiply-adds. Needs the 'subgroups' feature and SG ≤ the adapter's smallest subgroup; ROWS
// is a multiple of SG (src/kernels/gemm.ts checks both).
// Mirrors gemmReference in src/reference/gemm.ts.
enable subgroups;
//!include "gemm_tile"

// Rows broadcast per load: a power of two ≤ the subgroup size.
override SG: u32 = 8u;

@compute @workgroup_size(WG)
fn gemm(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let n0 = (wid.x * WG + lid.x) * 4u;
  let m0 = wid.y * ROWS;
  let bcol = b_columns(n0);
  // Lane `lane` loads row m0 + q·SG + lane of each group q (clamped; lanes ≥ SG load rows
  // nobody reads, out-of-range rows are never stored).
  var arow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var q = 0u; q < ROWS / SG; q++) {
    arow[q] = g.a_off + min(m0 + q * SG + lane, g.m - 1u) * g.a_rs;
  }
  for (var r = 0u; r < ROWS; r++) {
    acc[r] = vec4<f32>(0.0);
  }
  // Four k per pass (one load of A per group where gemm_a_vec4.wgsl is swapped in), then the
  // K % 4 left one by one: every accumulator still adds its products in the order of k.
  let k4 = g.k - g.k % 4u;
  for (var k0 = 0u; k0 < k4; k0 += 4u) {
    let b0 = b_row(bcol, k0);
    let b1 = b_row(bcol, k0 + 1u);
    let b2 = b_row(bcol, k0 + 2u);
    let b3 = b_row(bcol, k0 + 3u);
    for (var q = 0u; q < ROWS / SG; q++) {
      let mine = a_cols4(arow[q], k0);
      for (var s = 0u; s < SG; s++) {
        let av = subgroupShuffle(mine, s);
        let i = q * SG + s;
        acc[i] = fma(vec4<f32>(av.x), b0, acc[i]);
        acc[i] = fma(vec4<f32>(av.y), b1, acc[i]);
        acc[i] = fma(vec4<f32>(av.z), b2, acc[i]);
        acc[i] = fma(vec4<f32>(av.w), b3, acc[i]);
      }
    }
  }
  for (var k = k4; k < g.k; k++) {
    let bv = b_row(bcol, k);
    for (var q = 0u; q < ROWS / SG; q++) {
      let mine = a_at(arow[q], k);
      for (var s = 0u; s < SG; s++) {
        acc[q * SG + s] = fma(vec4<f32>(subgroupShuffle(mine, s)), bv, acc[q * SG + s]);
      }
    }
  }
  var res: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    res[r] = acc[r];
  }
  store_tile(m0, n0, res);
}
