// windows.wgsl — sliding windows over GPU-resident trajectories, no CPU round trip.
// A trajectory src holds R rows (oscillators) of S samples with C channels:
//   src: [R, S, C] f32, the series is channel `channel` (C = 2 for an (x, v) trajectory).
// Rows are cut into windows by start index p = r·S + s (a window reads samples s..s+T of row r).
//   norm_stats: one workgroup; mean/std (population) over the training span s < train_end of
//               every row, of x and of the increment Δ_s = x_s − x_{s−1} (s ≥ 1)
//               → stats [4] = (μx, σx, μΔ, σΔ); a zero σ becomes 1.
//   features:   feat [R·S, F]: F = 1: (x − μx)/σx; F = 2: also (Δ − μΔ)/σΔ with Δ_0 = 0;
//               tgt [R·S]: target_delta = 0: (x − μx)/σx, 1: (Δ − μΔ)/σΔ.
//   gather:     minibatch rows b < count from starts[offset + b] (a per-epoch permuted table):
//               x [B, T, F] = feat rows p..p+T−1; y [B] = tgt[p + T] (next value) or
//               y [B, T] = tgt[p+1 .. p+T] (shifted sequence); rows b ≥ count are zero.
//   gather_labels: the same x, and labels [B] u32 = row_labels[p / S] (sequence-to-label).
// Mirrors src/reference/windows.ts.

//!include "grid"

struct StatsUniforms {
  rows: u32,
  samples: u32,
  channels: u32,
  channel: u32,
  train_end: u32,
}

struct FeatureUniforms {
  rows: u32,
  samples: u32,
  channels: u32,
  channel: u32,
  features: u32,
  target_delta: u32,
}

struct GatherUniforms {
  count: u32,
  batch: u32,
  seq: u32,
  features: u32,
  offset: u32,
  sequence_targets: u32,
  samples: u32,
}

@group(0) @binding(0) var<uniform> su: StatsUniforms;
@group(0) @binding(1) var<uniform> fu: FeatureUniforms;
@group(0) @binding(2) var<uniform> gu: GatherUniforms;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;
@group(0) @binding(5) var<storage, read> stats_in: array<f32>;
@group(0) @binding(6) var<storage, read_write> feat: array<f32>;
@group(0) @binding(7) var<storage, read_write> tgt: array<f32>;
@group(0) @binding(8) var<storage, read> feat_in: array<f32>;
@group(0) @binding(9) var<storage, read> tgt_in: array<f32>;
@group(0) @binding(10) var<storage, read> starts: array<u32>;
@group(0) @binding(11) var<storage, read_write> x: array<f32>;
@group(0) @binding(12) var<storage, read_write> y: array<f32>;
@group(0) @binding(13) var<storage, read> row_labels: array<u32>;
@group(0) @binding(14) var<storage, read_write> labels: array<u32>;

override WORKGROUP_SIZE: u32 = 256;

//!include "reduce"

fn series_at(r: u32, s: u32, samples: u32, channels: u32, channel: u32) -> f32 {
  return src[(r * samples + s) * channels + channel];
}

// Sums over the training span of every row; which = 0: x, 1: Δ, 2: (x − μx)², 3: (Δ − μΔ)².
fn span_sum(lane: u32, which: u32, mx: f32, md: f32) -> f32 {
  var acc = 0.0;
  let span = su.rows * su.train_end;
  for (var k = lane; k < span; k = k + WORKGROUP_SIZE) {
    let r = k / su.train_end;
    let s = k % su.train_end;
    let xv = series_at(r, s, su.samples, su.channels, su.channel);
    var d = 0.0;
    if (s > 0u) {
      d = xv - series_at(r, s - 1u, su.samples, su.channels, su.channel);
    }
    switch which {
      case 0u: { acc = acc + xv; }
      case 1u: { if (s > 0u) { acc = acc + d; } }
      case 2u: { acc = acc + (xv - mx) * (xv - mx); }
      default: { if (s > 0u) { acc = acc + (d - md) * (d - md); } }
    }
  }
  return workgroup_sum(lane, acc);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn norm_stats(@builtin(local_invocation_index) lane: u32) {
  let nx = f32(su.rows * su.train_end);
  let nd = f32(su.rows * (su.train_end - 1u));
  let mx = span_sum(lane, 0u, 0.0, 0.0) / nx;
  let md = span_sum(lane, 1u, 0.0, 0.0) / max(nd, 1.0);
  let sx = sqrt(span_sum(lane, 2u, mx, md) / nx);
  let sd = sqrt(span_sum(lane, 3u, mx, md) / max(nd, 1.0));
  if (lane == 0u) {
    stats[0] = mx;
    stats[1] = select(sx, 1.0, sx == 0.0);
    stats[2] = md;
    stats[3] = select(sd, 1.0, sd == 0.0);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn features(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE);
  if (i >= fu.rows * fu.samples) {
    return;
  }
  let r = i / fu.samples;
  let s = i % fu.samples;
  let xv = series_at(r, s, fu.samples, fu.channels, fu.channel);
  var d = 0.0;
  if (s > 0u) {
    d = xv - series_at(r, s - 1u, fu.samples, fu.channels, fu.channel);
  }
  let xn = (xv - stats_in[0]) / stats_in[1];
  let dn = (d - stats_in[2]) / stats_in[3];
  feat[i * fu.features] = xn;
  if (fu.features == 2u) {
    feat[i * 2u + 1u] = dn;
  }
  tgt[i] = select(xn, dn, fu.target_delta != 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE); // over [B, T, F]
  let per_row = gu.seq * gu.features;
  if (i >= gu.batch * per_row) {
    return;
  }
  let b = i / per_row;
  let rest = i % per_row; // t·F + f
  let valid = b < gu.count;
  var p = 0u;
  if (valid) {
    p = starts[gu.offset + b];
  }
  x[i] = select(0.0, feat_in[p * gu.features + rest], valid);
  if (rest % gu.features != 0u) {
    return;
  }
  let t = rest / gu.features;
  if (gu.sequence_targets != 0u) {
    y[b * gu.seq + t] = select(0.0, tgt_in[p + t + 1u], valid);
  } else if (t == 0u) {
    y[b] = select(0.0, tgt_in[p + gu.seq], valid);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather_labels(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE); // over [B, T, F]
  let per_row = gu.seq * gu.features;
  if (i >= gu.batch * per_row) {
    return;
  }
  let b = i / per_row;
  let rest = i % per_row;
  let valid = b < gu.count;
  var p = 0u;
  if (valid) {
    p = starts[gu.offset + b];
  }
  x[i] = select(0.0, feat_in[p * gu.features + rest], valid);
  if (rest == 0u) {
    labels[b] = select(0u, row_labels[p / gu.samples], valid);
  }
}
