// metrics.wgsl — evaluation on the GPU: predictions back in the trajectory's units,
// error sums for the model and the two baselines, loss accumulators, accuracy, and the
// closed-loop rollout's window/append steps. Read back once per epoch / evaluation.
// Trajectory src [R, S, C] f32, series = channel `channel`; a window starting at flat sample
// p reads x_p..x_{p+T−1} and is scored against x_{p+T}. stats [6] = (μx, σx, μΔ, σΔ, μr, σr).
// Model outputs: row i's prediction is out[i·out_stride + out_offset] (the last step's
// output for shifted-sequence models), in target units (src/data/targets.ts):
// target_kind 0: x̃, 1: Δ̃, 2: r̃ (the residual of linear extrapolation). With last = x_{p+T−1},
// prev = x_{p+T−2}:
//   eval_partials: x̂ = σx·ŷ + μx | last + σΔ·ŷ + μΔ | last + ((last − prev) + σr·ŷ + μr) → pred[i];
//                  per workgroup w: partials[w·8 + k], k = Σ over its windows of
//                  (x̂−x)², |x̂−x|, persistence (x_{p+T−1}−x)², |…|, linear (2x_{p+T−1}−x_{p+T−2}−x)², |…|,
//                  (x − K), (x − K)² with K = the first window's truth (shifted sums for R²).
//   eval_finalize: sums[k] = Σ_w partials[w·8 + k].
//   sq_err_accumulate: acc[slot] += Σ_{i<count} (out[i·stride+offset] − y[i])², acc[slot+1] += count.
//   label_accumulate:  acc[slot] += Σ cross-entropy, acc[slot+1] += #argmax = label, acc[slot+2] += count.
//   rollout_init / rollout_window / rollout_append: the closed loop over a history hist of raw x:
//                  hist [T + 2 + steps] = the two samples before the seed window (a row's first
//                  sample repeated at its start), the window, then the model's predictions.
// Mirrors src/reference/metrics.ts.

struct EvalUniforms {
  n: u32,
  seq: u32,
  channels: u32,
  channel: u32,
  target_kind: u32,
  out_stride: u32,
  out_offset: u32,
  num_partials: u32,
}

struct AccUniforms {
  count: u32,
  stride: u32,
  offset: u32,
  slot: u32,
  classes: u32,
}

struct RolloutUniforms {
  step: u32,
  seq: u32,
  features: u32,
  terms: u32,
  start: u32,
  channels: u32,
  channel: u32,
  target_kind: u32,
  out_offset: u32,
  prev1: u32,
  prev2: u32,
}

@group(0) @binding(0) var<uniform> eu: EvalUniforms;
@group(0) @binding(1) var<uniform> au: AccUniforms;
@group(0) @binding(2) var<uniform> ru: RolloutUniforms;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read> stats: array<f32>;
@group(0) @binding(5) var<storage, read> starts: array<u32>;
@group(0) @binding(6) var<storage, read> out: array<f32>;
@group(0) @binding(7) var<storage, read_write> pred: array<f32>;
@group(0) @binding(8) var<storage, read_write> partials: array<f32>;
@group(0) @binding(9) var<storage, read_write> sums: array<f32>;
@group(0) @binding(10) var<storage, read> y: array<f32>;
@group(0) @binding(11) var<storage, read_write> acc: array<f32>;
@group(0) @binding(12) var<storage, read> labels: array<u32>;
@group(0) @binding(13) var<storage, read_write> hist: array<f32>;
@group(0) @binding(14) var<storage, read_write> x_in: array<f32>;

override WORKGROUP_SIZE: u32 = 256;
// Error sums per evaluation (the eight of eval_partials; src/kernels/metrics.ts sizes its buffers by it).
const SUMS: u32 = 8u;

//!include "reduce"
//!include "targets"

fn series(p: u32) -> f32 {
  return src[p * eu.channels + eu.channel];
}

fn stats_mean() -> vec3<f32> {
  return vec3<f32>(stats[0], stats[2], stats[4]);
}

fn stats_sd() -> vec3<f32> {
  return vec3<f32>(stats[1], stats[3], stats[5]);
}

// Model output in target units → x in trajectory units, given the window's last two x.
fn to_x(y_hat: f32, last: f32, prev: f32, target_kind: u32) -> f32 {
  return target_to_x(y_hat, last, prev, target_kind, stats_mean(), stats_sd());
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eval_partials(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  var a: array<f32, SUMS>;
  let k_shift = series(starts[0] + eu.seq);
  let stride = eu.num_partials * WORKGROUP_SIZE;
  for (var i = wg.x * WORKGROUP_SIZE + lane; i < eu.n; i = i + stride) {
    let p = starts[i];
    let truth = series(p + eu.seq);
    let last = series(p + eu.seq - 1u);
    var prev = last;
    if (eu.seq >= 2u) {
      prev = series(p + eu.seq - 2u);
    }
    let x_hat = to_x(out[i * eu.out_stride + eu.out_offset], last, prev, eu.target_kind);
    pred[i] = x_hat;
    let e_model = x_hat - truth;
    let e_persist = last - truth;
    let e_linear = (last - prev) - (truth - last); // 2·last − prev − truth, exact differences first
    a[0] += e_model * e_model;
    a[1] += abs(e_model);
    a[2] += e_persist * e_persist;
    a[3] += abs(e_persist);
    a[4] += e_linear * e_linear;
    a[5] += abs(e_linear);
    a[6] += truth - k_shift;
    a[7] += (truth - k_shift) * (truth - k_shift);
  }
  for (var k = 0u; k < SUMS; k++) {
    let total = workgroup_sum(lane, a[k]);
    if (lane == 0u) {
      partials[wg.x * SUMS + k] = total;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn eval_finalize(@builtin(local_invocation_index) lane: u32) {
  for (var k = 0u; k < SUMS; k++) {
    var s = 0.0;
    for (var w = lane; w < eu.num_partials; w = w + WORKGROUP_SIZE) {
      s += partials[w * SUMS + k];
    }
    let total = workgroup_sum(lane, s);
    if (lane == 0u) {
      sums[k] = total;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn sq_err_accumulate(@builtin(local_invocation_index) lane: u32) {
  var s = 0.0;
  for (var i = lane; i < au.count; i = i + WORKGROUP_SIZE) {
    let e = out[i * au.stride + au.offset] - y[i];
    s += e * e;
  }
  let total = workgroup_sum(lane, s);
  if (lane == 0u) {
    acc[au.slot] += total;
    acc[au.slot + 1u] += f32(au.count);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn label_accumulate(@builtin(local_invocation_index) lane: u32) {
  var ce = 0.0;
  var correct = 0.0;
  for (var i = lane; i < au.count; i = i + WORKGROUP_SIZE) {
    let row = i * au.classes;
    var best = 0u;
    var top = out[row];
    for (var c = 1u; c < au.classes; c++) {
      if (out[row + c] > top) {
        top = out[row + c];
        best = c;
      }
    }
    var z = 0.0;
    for (var c = 0u; c < au.classes; c++) {
      z += exp(out[row + c] - top);
    }
    ce += top + log(z) - out[row + labels[i]];
    correct += select(0.0, 1.0, best == labels[i]);
  }
  let ce_total = workgroup_sum(lane, ce);
  let correct_total = workgroup_sum(lane, correct);
  if (lane == 0u) {
    acc[au.slot] += ce_total;
    acc[au.slot + 1u] += correct_total;
    acc[au.slot + 2u] += f32(au.count);
  }
}

// hist[0..T+1] = x_prev2, x_prev1, x_start .. x_{start+T−1} (prev1/prev2: start − 1 / start − 2,
// clamped to the row's first sample).
@compute @workgroup_size(WORKGROUP_SIZE)
fn rollout_init(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  if (j > ru.seq + 1u) {
    return;
  }
  var p = ru.start + j - 2u;
  if (j == 0u) {
    p = ru.prev2;
  } else if (j == 1u) {
    p = ru.prev1;
  }
  hist[j] = src[p * ru.channels + ru.channel];
}

// x_in [1, T, F] from hist[step .. step+T+1]: the terms `terms` selects (as windows.wgsl's
// features) of hist[step+2+t].
@compute @workgroup_size(WORKGROUP_SIZE)
fn rollout_window(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  if (t >= ru.seq) {
    return;
  }
  let terms = sample_terms(hist[ru.step + 2u + t], hist[ru.step + 1u + t], hist[ru.step + t]);
  let packed = pack_terms(scaled_terms(terms, stats_mean(), stats_sd()), ru.terms);
  for (var f = 0u; f < ru.features; f++) {
    x_in[t * ru.features + f] = packed[f];
  }
}

// hist[step+T+2] = the model's next x from its output out[out_offset].
@compute @workgroup_size(1)
fn rollout_append() {
  let last = hist[ru.step + ru.seq + 1u];
  let prev = hist[ru.step + ru.seq];
  hist[ru.step + ru.seq + 2u] = to_x(out[ru.out_offset], last, prev, ru.target_kind);
}
