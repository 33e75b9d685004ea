// recurrent_tile.wgsl — the batch tile shared by the recurrent cell kernels
// (shaders/{rnn,lstm,gru}.wgsl). A workgroup owns ROWS sequences, so every load of the
// recurrent operand is workgroup-uniform and every per-lane load of W_hh feeds ROWS
// multiply-adds. The persistent (*_seq) entries keep the tile's recurrent operand in
// workgroup memory, double-buffered: tile[0, TILE/2) and tile[TILE/2, TILE) hold halves of
// ROWS·width floats (width H forward, GATES·H backward); src/kernels/recurrent.ts sizes TILE.

const MAX_ROWS: u32 = 16u;
// Sequences per workgroup (≤ MAX_ROWS) and invocations per workgroup (one hidden-unit pass).
override ROWS: u32 = 8u;
override WG: u32 = 64u;
// Persistent entries: floats of workgroup memory, ≥ 2·ROWS·H (forward) or 2·ROWS·GATES·H (backward).
override TILE: u32 = 1024u;

var<workgroup> tile: array<f32, TILE>;

// The 4 units j0..j0+3 of an invocation, clamped to valid rows/columns for loads.
fn units(j0: u32, H: u32) -> vec4<u32> {
  return min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(H - 1u));
}
