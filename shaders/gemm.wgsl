// gemm.wgsl — C = op(A)·op(B) (+ bias) (+ C) in f32 with any strides: the input projection of
// all T steps of a recurrent layer at once, and the weight and input gradients of BPTT.
// Operands, uniforms and the epilogue: shaders/lib/gemm_tile.wgsl. Mirrors gemmReference in
// src/reference/gemm.ts. shaders/gemm_subgroups.wgsl is the same product with the rows of A
// shared through subgroup broadcasts (src/kernels/gemm.ts picks one per adapter).
//
// Tiling, chosen for SIMD-on-CPU adapters (lavapipe) as much as for GPUs: a workgroup owns
// ROWS rows of C (taken from workgroup_id.y, so every load of A is workgroup-uniform: the same
// address in every lane) and 4·WG columns, 4 per invocation (the only per-lane loads). Each k
// step: 4 per-lane loads (one vec4 load where op(B)'s rows are contiguous and aligned:
// shaders/lib/gemm_b_vec4.wgsl) + ROWS uniform loads for 4·ROWS multiply-adds.
//!include "gemm_tile"

@compute @workgroup_size(WG)
fn gemm(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let n0 = (wid.x * WG + lid.x) * 4u;
  let m0 = wid.y * ROWS;
  let bcol = b_columns(n0);
  // Clamped rows: out-of-range rows load valid data and are never stored.
  var arow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    arow[r] = g.a_off + min(m0 + r, g.m - 1u) * g.a_rs;
    acc[r] = vec4<f32>(0.0);
  }
  // One k per pass: four k per pass (gemm_subgroups.wgsl's loop, with A read as vec4) made
  // SwiftShader's GEMMs 5–10 % slower, so this path keeps scalar loads of A.
  for (var k = 0u; k < g.k; k++) {
    let bv = b_row(bcol, k);
    for (var r = 0u; r < ROWS; r++) {
      acc[r] = fma(vec4<f32>(a_at(arow[r], k)), bv, acc[r]);
    }
  }
  var res: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    res[r] = acc[r];
  }
  store_tile(m0, n0, res);
}

// colsum — C(0, n) (+)= Σ_k op(B)(k, n) for n < N: column sums (the bias gradients: sums of
// the gate gradients over all T·B rows) as the product 1ᵀ·op(B), M = 1 (or M = 2: the same
// sums into two rows of C, c_rs apart), with gemm's loads of B (vec4 where src/kernels/gemm.ts
// swaps them in) and its epilogue. Four columns per invocation, rows walked in order
// (deterministic, no atomics).
@compute @workgroup_size(WG)
fn colsum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n0 = gid.x * 4u;
  let bcol = b_columns(n0);
  var acc = vec4<f32>(0.0);
  for (var k = 0u; k < g.k; k++) {
    acc += b_row(bcol, k);
  }
  var res: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < min(g.m, MAX_ROWS); r++) {
    res[r] = acc; // M = 2: the same sums into two outputs, c_rs apart
  }
  store_tile(0u, n0, res);
}
