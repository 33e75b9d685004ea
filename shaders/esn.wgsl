// esn.wgsl — echo state networks: the leaky-tanh reservoir driven over a whole series, power
// iteration for its spectral radius, the linear readout, and closed-loop generation.
//   x_t = (1 − α)·x_{t−1} + α·tanh(W_in u_t + W x_{t−1} + b),  x_{−1} = 0 at a row's start,
//   y_t = w_out · z_t with z_t = [1; u_t; x_t]: the prediction of the target after sample t.
// N units in N4 = ⌈N/4⌉ vec4 groups (units N..4·N4−1 are padding: zero weights, state 0);
// F ≤ 3 inputs. Layouts (f32, vec4 along the output unit i so each lane loads 4 rows at once):
//   wt   [4·N4, N4] vec4, dense W transposed: wt[j·N4 + q] = W[4q .. 4q+3, j]
//   cols, vals [4·N4, K4] vec4: sparse W, K non-zeros per row i (ELL) in K4 = 4·nnz4 entries (K
//        rounded up to a multiple of 4; the rest value 0 at column 0): W[i, cols[i·K4 + k]] = vals[i·K4 + k]
//   win  [F, N4] vec4: win[f·N4 + q] = W_in[4q .. 4q+3, f];   bias [N4] vec4
//   z    [rows, DZ4] vec4, DZ4 = 1 + N4, one design row per sample:
//        z[p·DZ4] = (1, u_0, u_1, u_2) (unused inputs 0), z[p·DZ4 + 1 + q] = x[4q .. 4q+3]
//   feat [rows, F] the inputs u (the windows kernels' features).
//   wout [DZ4] vec4, in z's layout.
// Entry points:
//   step_dense / step_sparse: one time step of every series row r (workgroup_id.y): reads
//     feat row feat_row + r·feat_stride and z row prev_row + r·row_stride (NO_STATE: x = 0),
//     writes z row z_row + r·row_stride. One dispatch per step, all steps in one submit.
//   power_dense / power_sparse: z[dst] state ← W (z[src] state · pnorm[0]); power_norm:
//     pnorm[0] ← 1/‖z[dst] state‖ — power iteration, normalising each step.
//   scale_values: values[i] ← factor·values[i] (W scaled to the wanted spectral radius).
//   center_rows: chunk [count, W + 4] f32 ← design rows first .. first+count−1 (W = 4·DZ4 floats
//     each) less their centres, then the target tgt[p + 1] of row p less its centre, then a 1,
//     then 2 zeros; centres [W + 1] (the f32 column means of z, then of the targets, as stored).
//     The readout's Gram is accumulated from these chunks: centred data keep the float32 sums
//     at the scale of the states' variation, not of their means; the column of ones gives the
//     exact sums of the centred data, so the host undoes the centring exactly (src/esn/esn.ts).
//   gram_chunk: the upper triangle of chunkᵀ·chunk (chunk [rows, 4·w4]) added into the pair
//     (hi, lo) [4·w4, w4] vec4 with compensated sums: blocks of GRAM_BLOCK products in f32, each
//     block's sum then added to a running (hi, lo) pair by Knuth's two-sum, and the chunk's
//     (hi, lo) into the buffers' the same way — hi + lo carries the Gram matrix to ~f64 accuracy
//     of the f32 products (the host adds them in f64). Tiles wholly below the diagonal skip.
//     one [1] = 1.0, read from memory: the two-sum multiplies by it, so that no compiler can
//     prove (a + b) − a = b and fold the error term away (Mesa's NIR does, without it).
//   readout: out[i] = w_out · z[starts[i] + offset] for i < n (one-step predictions of windows).
//   generate: one closed-loop step (one workgroup): ŷ = w_out · z[z_row] → x̂ (targets.wgsl)
//     appended to hist, and x̂'s input terms written to feat row feat_row (the next step's u).
// Mirrors src/reference/esn.ts.

//!include "activations"
//!include "targets"

const NO_STATE: u32 = 0xffffffffu;

struct StepUniforms {
  n4: u32,
  features: u32,
  nnz4: u32,
  dz4: u32,
  z_row: u32,
  prev_row: u32,
  feat_row: u32,
  row_stride: u32,
  feat_stride: u32,
  leak: f32,
}

struct PowerUniforms {
  n4: u32,
  nnz4: u32,
  dz4: u32,
  src_row: u32,
  dst_row: u32,
}

struct ScaleUniforms {
  count: u32,
  factor: f32,
}

struct CenterUniforms {
  count: u32,
  width: u32,
  first: u32,
}

struct GramUniforms {
  rows: u32,
  w4: u32,
}

struct ReadoutUniforms {
  n: u32,
  dz4: u32,
  offset: u32,
}

struct GenerateUniforms {
  dz4: u32,
  z_row: u32,
  feat_row: u32,
  step: u32,
  features: u32,
  terms: u32,
  target_kind: u32,
}

@group(0) @binding(0) var<uniform> su: StepUniforms;
@group(0) @binding(1) var<uniform> pu: PowerUniforms;
@group(0) @binding(2) var<uniform> cu: ScaleUniforms;
@group(0) @binding(3) var<uniform> ru: ReadoutUniforms;
@group(0) @binding(4) var<uniform> gu: GenerateUniforms;
@group(0) @binding(5) var<storage, read> wt: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> cols: array<vec4<u32>>;
@group(0) @binding(7) var<storage, read> vals: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read> win: array<vec4<f32>>;
@group(0) @binding(9) var<storage, read> bias: array<vec4<f32>>;
@group(0) @binding(10) var<storage, read_write> z: array<vec4<f32>>;
@group(0) @binding(11) var<storage, read> feat: array<f32>;
@group(0) @binding(12) var<storage, read_write> pnorm: array<f32>;
@group(0) @binding(13) var<storage, read_write> values: array<f32>;
@group(0) @binding(14) var<storage, read> wout: array<vec4<f32>>;
@group(0) @binding(15) var<storage, read> starts: array<u32>;
@group(0) @binding(16) var<storage, read_write> out: array<f32>;
@group(0) @binding(17) var<storage, read_write> hist: array<f32>;
@group(0) @binding(18) var<storage, read_write> feat_out: array<f32>;
@group(0) @binding(19) var<storage, read> stats: array<f32>;
@group(0) @binding(20) var<uniform> ku: CenterUniforms;
@group(0) @binding(21) var<storage, read> zf: array<f32>;
@group(0) @binding(22) var<storage, read> centres: array<f32>;
@group(0) @binding(23) var<storage, read> tgt: array<f32>;
@group(0) @binding(24) var<storage, read_write> chunk: array<f32>;
@group(0) @binding(25) var<uniform> mu: GramUniforms;
@group(0) @binding(27) var<storage, read> chunk_v: array<vec4<f32>>;
@group(0) @binding(28) var<storage, read_write> gram_hi: array<vec4<f32>>;
@group(0) @binding(29) var<storage, read_write> gram_lo: array<vec4<f32>>;
@group(0) @binding(30) var<storage, read> one: array<f32>;

override WORKGROUP_SIZE: u32 = 64;

//!include "reduce"

// (W x)[4q .. 4q+3] with x the state at vec4 offset `src` of z (every lane reads the same x).
fn dense_matvec(q: u32, n4: u32, src: u32) -> vec4<f32> {
  var acc = vec4<f32>(0.0);
  for (var j4 = 0u; j4 < n4; j4++) {
    let xv = z[src + j4];
    let base = 4u * j4 * n4 + q;
    acc = fma(wt[base], vec4<f32>(xv.x), acc);
    acc = fma(wt[base + n4], vec4<f32>(xv.y), acc);
    acc = fma(wt[base + 2u * n4], vec4<f32>(xv.z), acc);
    acc = fma(wt[base + 3u * n4], vec4<f32>(xv.w), acc);
  }
  return acc;
}

fn state_at(src: u32, j: u32) -> f32 {
  return z[src + j / 4u][j % 4u];
}

// Four entries per load of vals and cols; the padding entries add 0·x[0], leaving the sum exact.
fn sparse_matvec(q: u32, nnz4: u32, src: u32) -> vec4<f32> {
  var acc = vec4<f32>(0.0);
  for (var c = 0u; c < 4u; c++) {
    let row = (4u * q + c) * nnz4;
    var s = 0.0;
    for (var k = 0u; k < nnz4; k++) {
      let v = vals[row + k];
      let j = cols[row + k];
      s = fma(v.x, state_at(src, j.x), s);
      s = fma(v.y, state_at(src, j.y), s);
      s = fma(v.z, state_at(src, j.z), s);
      s = fma(v.w, state_at(src, j.w), s);
    }
    acc[c] = s;
  }
  return acc;
}

// The rest of a step once W x is known: input projection, bias, leaky tanh, and z's row.
fn finish_step(q: u32, r: u32, has_prev: bool, wx: vec4<f32>) {
  let frow = (su.feat_row + r * su.feat_stride) * su.features;
  var pre = wx + bias[q];
  var inputs = vec4<f32>(1.0, 0.0, 0.0, 0.0);
  for (var f = 0u; f < su.features; f++) {
    let u = feat[frow + f];
    pre = fma(win[f * su.n4 + q], vec4<f32>(u), pre);
    inputs[f + 1u] = u;
  }
  var x_prev = vec4<f32>(0.0);
  if (has_prev) {
    x_prev = z[(su.prev_row + r * su.row_stride) * su.dz4 + 1u + q];
  }
  let t = vec4<f32>(safe_tanh(pre.x), safe_tanh(pre.y), safe_tanh(pre.z), safe_tanh(pre.w));
  let dst = (su.z_row + r * su.row_stride) * su.dz4;
  z[dst + 1u + q] = (1.0 - su.leak) * x_prev + su.leak * t;
  if (q == 0u) {
    z[dst] = inputs;
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step_dense(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let q = gid.x;
  if (q >= su.n4) {
    return;
  }
  let has_prev = su.prev_row != NO_STATE;
  var wx = vec4<f32>(0.0);
  if (has_prev) {
    wx = dense_matvec(q, su.n4, (su.prev_row + wg.y * su.row_stride) * su.dz4 + 1u);
  }
  finish_step(q, wg.y, has_prev, wx);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step_sparse(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let q = gid.x;
  if (q >= su.n4) {
    return;
  }
  let has_prev = su.prev_row != NO_STATE;
  var wx = vec4<f32>(0.0);
  if (has_prev) {
    wx = sparse_matvec(q, su.nnz4, (su.prev_row + wg.y * su.row_stride) * su.dz4 + 1u);
  }
  finish_step(q, wg.y, has_prev, wx);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn power_dense(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x;
  if (q >= pu.n4) {
    return;
  }
  z[pu.dst_row * pu.dz4 + 1u + q] = dense_matvec(q, pu.n4, pu.src_row * pu.dz4 + 1u) * pnorm[0];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn power_sparse(@builtin(global_invocation_id) gid: vec3<u32>) {
  let q = gid.x;
  if (q >= pu.n4) {
    return;
  }
  z[pu.dst_row * pu.dz4 + 1u + q] = sparse_matvec(q, pu.nnz4, pu.src_row * pu.dz4 + 1u) * pnorm[0];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn power_norm(@builtin(local_invocation_index) lane: u32) {
  var s = 0.0;
  for (var q = lane; q < pu.n4; q += WORKGROUP_SIZE) {
    let v = z[pu.dst_row * pu.dz4 + 1u + q];
    s += dot(v, v);
  }
  let total = workgroup_sum(lane, s);
  if (lane == 0u) {
    pnorm[0] = select(inverseSqrt(total), 1.0, total == 0.0);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn scale_values(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= cu.count) {
    return;
  }
  values[i] = cu.factor * values[i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn center_rows(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let out_width = ku.width + 4u;
  if (i >= ku.count * out_width) {
    return;
  }
  let k = i / out_width;
  let c = i % out_width;
  var v = 0.0;
  if (c < ku.width) {
    v = zf[(ku.first + k) * ku.width + c] - centres[c];
  } else if (c == ku.width) {
    v = tgt[ku.first + k + 1u] - centres[ku.width];
  } else if (c == ku.width + 1u) {
    v = 1.0;
  }
  chunk[i] = v;
}

// Rows of the Gram tile per workgroup (8: gram_chunk's loads and products are written out for 8),
// and products summed in f32 before each compensated add. Blocks of 4 make the Gram 1.3× faster
// on lavapipe (the two-sums cost more than the products) but move the readout weights from the
// NumPy peer's float64 ones by 1.2e-4 (relative) at N = 2000, past the 1e-4 that #16 asks; blocks
// of 2: 7.6e-5 (the error of 512 rows of data near 1: 8.6e-9 relative, plain f32 sums 2e-7).
const GRAM_ROWS: u32 = 8u;
const GRAM_BLOCK: u32 = 2u;
const_assert GRAM_ROWS == 8u;

// s + e = a + b exactly (Knuth's two-sum, no assumption on the magnitudes); `unit` is 1.0 from
// memory, opaque to the optimiser.
struct Pair {
  s: vec4<f32>,
  e: vec4<f32>,
}

fn two_sum(a: vec4<f32>, b: vec4<f32>, unit: f32) -> Pair {
  let s = (a + b) * unit;
  let bb = (s - a) * unit;
  return Pair(s, (a - (s - bb)) + (b - bb));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gram_chunk(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let q = wg.x * WORKGROUP_SIZE + lid.x; // vec4 column group of the tile
  let m0 = wg.y * GRAM_ROWS;
  let width = 4u * mu.w4;
  if (m0 >= (wg.x + 1u) * WORKGROUP_SIZE * 4u || q >= mu.w4) {
    return; // below the diagonal, or past the last column (no barriers in this kernel)
  }
  let unit = one[0];
  // The tile's GRAM_ROWS rows are chunk columns m0 .. m0+7: two vec4 groups of a chunk row (the
  // second clamped when width ends at m0 + 4: its rows are computed, never stored).
  let a0 = m0 / 4u;
  let a1 = min(a0 + 1u, mu.w4 - 1u);
  var hi: array<vec4<f32>, GRAM_ROWS>;
  var lo: array<vec4<f32>, GRAM_ROWS>;
  for (var r = 0u; r < GRAM_ROWS; r++) {
    hi[r] = vec4<f32>(0.0);
    lo[r] = vec4<f32>(0.0);
  }
  for (var k0 = 0u; k0 < mu.rows; k0 += GRAM_BLOCK) {
    var part: array<vec4<f32>, GRAM_ROWS>;
    for (var r = 0u; r < GRAM_ROWS; r++) {
      part[r] = vec4<f32>(0.0); // explicitly: a loop body's var is not reliably re-zeroed by every compiler
    }
    for (var k = k0; k < min(k0 + GRAM_BLOCK, mu.rows); k++) {
      let at = k * mu.w4;
      let bv = chunk_v[at + q];
      let first = chunk_v[at + a0];
      let second = chunk_v[at + a1];
      part[0] = fma(vec4<f32>(first.x), bv, part[0]);
      part[1] = fma(vec4<f32>(first.y), bv, part[1]);
      part[2] = fma(vec4<f32>(first.z), bv, part[2]);
      part[3] = fma(vec4<f32>(first.w), bv, part[3]);
      part[4] = fma(vec4<f32>(second.x), bv, part[4]);
      part[5] = fma(vec4<f32>(second.y), bv, part[5]);
      part[6] = fma(vec4<f32>(second.z), bv, part[6]);
      part[7] = fma(vec4<f32>(second.w), bv, part[7]);
    }
    for (var r = 0u; r < GRAM_ROWS; r++) {
      let p = two_sum(hi[r], part[r], unit);
      hi[r] = p.s;
      lo[r] += p.e;
    }
  }
  for (var r = 0u; r < min(GRAM_ROWS, width - m0); r++) {
    let at = (m0 + r) * mu.w4 + q;
    let p = two_sum(gram_hi[at], hi[r], unit);
    gram_hi[at] = p.s;
    gram_lo[at] += p.e + lo[r];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn readout(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  if (i >= ru.n) {
    return;
  }
  let row = (starts[i] + ru.offset) * ru.dz4;
  var acc = vec4<f32>(0.0);
  for (var d = 0u; d < ru.dz4; d++) {
    acc = fma(wout[d], z[row + d], acc);
  }
  out[i] = (acc.x + acc.y) + (acc.z + acc.w);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn generate(@builtin(local_invocation_index) lane: u32) {
  let row = gu.z_row * gu.dz4;
  var acc = vec4<f32>(0.0);
  for (var d = lane; d < gu.dz4; d += WORKGROUP_SIZE) {
    acc = fma(wout[d], z[row + d], acc);
  }
  let y_hat = workgroup_sum(lane, (acc.x + acc.y) + (acc.z + acc.w));
  if (lane != 0u) {
    return;
  }
  let mean = vec3<f32>(stats[0], stats[2], stats[4]);
  let sd = vec3<f32>(stats[1], stats[3], stats[5]);
  let last = hist[gu.step + 1u];
  let prev = hist[gu.step];
  let x_hat = target_to_x(y_hat, last, prev, gu.target_kind, mean, sd);
  hist[gu.step + 2u] = x_hat;
  let packed = pack_terms(scaled_terms(sample_terms(x_hat, last, prev), mean, sd), gu.terms);
  for (var f = 0u; f < gu.features; f++) {
    feat_out[gu.feat_row * gu.features + f] = packed[f];
  }
}
