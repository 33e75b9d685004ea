// windows.wgsl — sliding windows over GPU-resident trajectories, no CPU round trip.
// A trajectory src holds R rows (oscillators) of S samples with C channels:
//   src: [R, S, C] f32, the series is channel `channel` (C = 2 for an (x, v) trajectory).
// Rows are cut into windows by start index p = r·S + s (a window reads samples s..s+T of row r).
//   norm_stats: one workgroup; mean/std (population) over the training span s < train_end of
//               every row, of x, of the increment Δ_s = x_s − x_{s−1} (s ≥ 1) and of the
//               residual of linear extrapolation r_s = x_s − (2x_{s−1} − x_{s−2}) = Δ_s − Δ_{s−1}
//               (s ≥ 2) → stats [6] = (μx, σx, μΔ, σΔ, μr, σr); a zero σ becomes 1.
//   features:   feat [R·S, F]: the terms x̃ = (x − μx)/σx, Δ̃ = (Δ − μΔ)/σΔ, r̃ = (r − μr)/σr
//               selected by the bit mask `terms` (bit 0 x̃, 1 Δ̃, 2 r̃; F of them, in that order);
//               at a row's start Δ_0 = 0 and r_0 = 0, r_1 = Δ_1 (the samples before a row
//               repeat its first, as the closed loop's seed does);
//               tgt [R·S]: target_kind = 0: x̃, 1: Δ̃, 2: r̃.
//               Δ and r are differences of neighbours, exact in f32 for a smooth series.
//   gather:     minibatch rows b < count from starts[offset + b] (a per-epoch permuted table):
//               x [B, T, F] = feat rows p..p+T−1; y [B] = tgt[p + T] (next value) or
//               y [B, T] = tgt[p+1 .. p+T] (shifted sequence); rows b ≥ count are zero.
//   gather_labels: the same x, and labels [B] u32 = row_labels[p / S] (sequence-to-label).
// Mirrors src/reference/windows.ts.

//!include "grid"
//!include "targets"

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
  terms: u32,
  target_kind: u32,
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

// x_s, Δ_s and r_s of row r (the samples before s = 0 repeat x_0: Δ_0 = 0, r_0 = 0, r_1 = Δ_1).
fn row_terms(r: u32, s: u32, samples: u32, channels: u32, channel: u32) -> vec3<f32> {
  let xv = series_at(r, s, samples, channels, channel);
  let x1 = series_at(r, s - min(s, 1u), samples, channels, channel);
  let x2 = series_at(r, s - min(s, 2u), samples, channels, channel);
  return sample_terms(xv, x1, x2);
}

// Sum over the training span of every row of term `which` (0: x, 1: Δ for s ≥ 1, 2: r for
// s ≥ 2), centred on `mean` and squared when `squared`.
fn span_sum(lane: u32, which: u32, mean: f32, squared: bool) -> f32 {
  var acc = 0.0;
  let span = su.rows * su.train_end;
  for (var k = lane; k < span; k = k + WORKGROUP_SIZE) {
    let s = k % su.train_end;
    if (s < which) {
      continue;
    }
    let v = row_terms(k / su.train_end, s, su.samples, su.channels, su.channel)[which] - mean;
    acc = acc + select(v, v * v, squared);
  }
  return workgroup_sum(lane, acc);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn norm_stats(@builtin(local_invocation_index) lane: u32) {
  for (var which = 0u; which < 3u; which++) {
    let n = max(f32(su.rows * (su.train_end - min(su.train_end, which))), 1.0);
    let mean = span_sum(lane, which, 0.0, false) / n;
    let sd = sqrt(span_sum(lane, which, mean, true) / n);
    if (lane == 0u) {
      stats[2u * which] = mean;
      stats[2u * which + 1u] = select(sd, 1.0, sd == 0.0);
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn features(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_index(gid, groups, WORKGROUP_SIZE);
  if (i >= fu.rows * fu.samples) {
    return;
  }
  let terms = row_terms(i / fu.samples, i % fu.samples, fu.samples, fu.channels, fu.channel);
  let scaled = scaled_terms(terms, vec3<f32>(stats_in[0], stats_in[2], stats_in[4]), vec3<f32>(stats_in[1], stats_in[3], stats_in[5]));
  let packed = pack_terms(scaled, fu.terms);
  for (var f = 0u; f < fu.features; f++) {
    feat[i * fu.features + f] = packed[f];
  }
  tgt[i] = scaled[fu.target_kind];
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
