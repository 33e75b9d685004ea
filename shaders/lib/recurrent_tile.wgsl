// recurrent_tile.wgsl — the batch tile and the time direction shared by the recurrent cell
// kernels (shaders/{rnn,lstm,gru}.wgsl). A workgroup owns ROWS sequences, so every load of the
// recurrent operand is workgroup-uniform and every per-lane load of W_hh feeds ROWS
// multiply-adds. The persistent (*_seq) entries keep the tile's recurrent operand in
// workgroup memory, double-buffered: tile[0, TILE/2) and tile[TILE/2, TILE) hold halves of
// ROWS·width floats (width H forward, GATES·H backward); src/kernels/recurrent.ts sizes TILE.
//
// Direction (the `reverse` uniform). Rows of gx, gates, dgates and dy are those of time t
// either way; only the order of the steps and the state blocks of hseq / cseq differ:
//   forward (reverse 0): steps t = t_begin … t_end−1; the state before step t is block t,
//                        after it block t + 1 (block t_begin: the state it starts from)
//   reverse (reverse 1): steps t = t_end−1 … t_begin; the state before step t is block t + 1,
//                        after it block t (block t_end: the state it starts from)
// so the reverse direction of a bidirectional layer (PyTorch's _reverse) reads x_T … x_1 and
// keeps h_t (the state after reading x_T … x_t) in block t.
//
// Loads of the recurrent operand go through rows_direct.wgsl (one load per row and lane) or,
// on path 'subgroups', rows_subgroups.wgsl (one load per SG rows, shared by subgroup shuffles):
// at each row r that starts a group (r % SG = 0) the loops load row r + row_lane() and use
// row_from(v, r % SG) as row r. ROWS is a multiple of SG (src/kernels/recurrent.ts). One loop
// over r, as before the groups: SwiftShader ran nested group loops about 50 % slower.
// W_hh is read four values at a time through weights_scalar.wgsl (weights_vec4.wgsl where
// H % 4 = 0): the loops over W_hh's columns step by 4, and column k0 + c ≥ H (scalar only)
// has weight 0 and loads its operand from column H − 1.
// The tile itself, and its products with W_hh, are in tile_scalar.wgsl (tile_vec4.wgsl on the
// 'subgroups' path where H % 4 = 0: one load is four columns of the recurrent operand).
//!include "rows_direct"
//!include "weights_scalar"
//!include "tile_scalar"

const MAX_ROWS: u32 = 16u;
// Sequences per workgroup (≤ MAX_ROWS) and invocations per workgroup (one hidden-unit pass).
override ROWS: u32 = 8u;
override WG: u32 = 64u;
// Persistent entries: floats of workgroup memory, ≥ 2·ROWS·H (forward) or 2·ROWS·GATES·H (backward).
override TILE: u32 = 1024u;
// Rows per broadcast group: 1 (rows_direct), or a power of two ≤ the subgroup size (rows_subgroups).
override SG: u32 = 1u;

// The 4 units j0..j0+3 of an invocation, clamped to valid rows/columns for loads.
fn units(j0: u32, H: u32) -> vec4<u32> {
  return min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(H - 1u));
}

// State block (of hseq / cseq) before and after step t.
fn block_before(t: u32, reverse: u32) -> u32 {
  return t + reverse;
}

fn block_after(t: u32, reverse: u32) -> u32 {
  return t + 1u - reverse;
}

// The k-th step a direction takes in [t_begin, t_end).
fn step_at(k: u32, t_begin: u32, t_end: u32, reverse: u32) -> u32 {
  return select(t_begin + k, t_end - 1u - k, reverse != 0u);
}

// The step taken after t, whose gradient flows back into step t through W_hh, if there is one.
fn has_next_step(t: u32, t_begin: u32, t_end: u32, reverse: u32) -> bool {
  return select(t + 1u < t_end, t > t_begin, reverse != 0u);
}

fn next_step(t: u32, reverse: u32) -> u32 {
  return select(t + 1u, t - 1u, reverse != 0u);
}
