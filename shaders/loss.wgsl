// loss.wgsl — losses fused with their gradient, in one workgroup (deterministic reduction):
//   mse:           loss = mean over n elements of (out − target)²,  d_out = 2 (out − target) / n
//   cross_entropy: logits [n, classes], labels [n] (u32);
//                  loss = mean_r (logsumexp(logits[r]) − logits[r, label_r]),
//                  d_out[r] = (softmax(logits[r]) − onehot(label_r)) / n.
//                  A label ≥ classes makes the loss NaN (the kernel cannot throw).
// loss: [1]. Mirrors mseLoss / crossEntropyLoss in src/reference/losses.ts.

struct Loss {
  n: u32,
  classes: u32,
}

@group(0) @binding(0) var<uniform> p: Loss;
@group(0) @binding(1) var<storage, read> out: array<f32>;
@group(0) @binding(2) var<storage, read> expected: array<f32>;
@group(0) @binding(3) var<storage, read_write> d_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;

@group(0) @binding(0) var<uniform> q: Loss;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> d_logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> ce_loss: array<f32>;

override WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

// Tree sum of partial[0..WG) (WG a power of two); the result is in partial[0].
fn reduce_partial(lid: u32) {
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn mse(@builtin(local_invocation_id) lid: vec3<u32>) {
  let scale = 2.0 / f32(p.n);
  var sum = 0.0;
  for (var e = lid.x; e < p.n; e += WG) {
    let d = out[e] - expected[e];
    d_out[e] = scale * d;
    sum = fma(d, d, sum);
  }
  partial[lid.x] = sum;
  reduce_partial(lid.x);
  if (lid.x == 0u) {
    loss[0] = partial[0] / f32(p.n);
  }
}

@compute @workgroup_size(WG)
fn cross_entropy(@builtin(local_invocation_id) lid: vec3<u32>) {
  let O = q.classes;
  let inv = 1.0 / f32(q.n);
  var sum = 0.0;
  for (var r = lid.x; r < q.n; r += WG) {
    let base = r * O;
    var mx = logits[base];
    for (var k = 1u; k < O; k++) {
      mx = max(mx, logits[base + k]);
    }
    var z = 0.0;
    for (var k = 0u; k < O; k++) {
      z += exp(logits[base + k] - mx);
    }
    let log_z = mx + log(z);
    let label = labels[r];
    if (label < O) {
      sum += log_z - logits[base + label];
    } else {
      // NaN marks a label out of range (built at run time: a constant NaN does not compile).
      sum += bitcast<f32>(0x7fc00000u | (label & 0u));
    }
    for (var k = 0u; k < O; k++) {
      let prob = exp(logits[base + k] - log_z);
      d_logits[base + k] = (prob - select(0.0, 1.0, k == label)) * inv;
    }
  }
  partial[lid.x] = sum;
  reduce_partial(lid.x);
  if (lid.x == 0u) {
    ce_loss[0] = partial[0] * inv;
  }
}
