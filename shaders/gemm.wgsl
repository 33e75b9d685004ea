// gemm.wgsl — C = op(A)·op(B) (+ bias) (+ C) in f32 with any strides: the input projection of
// all T steps of a recurrent layer at once, and the weight and input gradients of BPTT.
// Every operand is addressed through element offsets and strides given in the uniforms,
//   op(A)(m, k) = a[a_off + m·a_rs + k·a_cs]      op(A): [M, K]
//   op(B)(k, n) = b[b_off + k·b_rs + n·b_cs]      op(B): [K, N]
//   C(m, n)     = c[c_off + m·c_rs + n·c_cs]      C:     [M, N]
// so a transpose is a swap of strides (src/kernels/gemm.ts computes them).
// bias_mode: 0 none, 1 bias[bias_off + n] per column, 2 bias[bias_off + m] per row.
// accumulate: 0 → C = op(A)·op(B) + bias (C is not read); 1 → C += op(A)·op(B) + bias.
// Mirrors gemmReference in src/reference/gemm.ts.
//
// Tiling, chosen for SIMD-on-CPU adapters (lavapipe) as much as for GPUs: a workgroup owns
// ROWS rows of C (taken from workgroup_id.y, so every load of A is workgroup-uniform: one
// scalar load broadcast to all lanes) and 4·WG columns, 4 per invocation (the only per-lane
// loads). Each k step: 4 per-lane loads + ROWS uniform loads for 4·ROWS multiply-adds.

struct Gemm {
  m: u32,
  n: u32,
  k: u32,
  a_off: u32,
  a_rs: u32,
  a_cs: u32,
  b_off: u32,
  b_rs: u32,
  b_cs: u32,
  c_off: u32,
  c_rs: u32,
  c_cs: u32,
  bias_off: u32,
  bias_mode: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> g: Gemm;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// Upper bound of ROWS (function-scope arrays need a constant size).
const MAX_ROWS: u32 = 16u;
// Rows of C per workgroup (≤ MAX_ROWS) and invocations per workgroup (4 columns each).
override ROWS: u32 = 16u;
override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn gemm(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let n0 = (wid.x * WG + lid.x) * 4u;
  let m0 = wid.y * ROWS;
  // Clamped addresses: out-of-range rows/columns load valid data and are never stored.
  var bcol: vec4<u32>;
  for (var j = 0u; j < 4u; j++) {
    bcol[j] = g.b_off + min(n0 + j, g.n - 1u) * g.b_cs;
  }
  var arow: array<u32, MAX_ROWS>;
  var acc: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    arow[r] = g.a_off + min(m0 + r, g.m - 1u) * g.a_rs;
    acc[r] = vec4<f32>(0.0);
  }
  for (var k = 0u; k < g.k; k++) {
    let bk = k * g.b_rs;
    let bv = vec4<f32>(b[bcol.x + bk], b[bcol.y + bk], b[bcol.z + bk], b[bcol.w + bk]);
    let ak = k * g.a_cs;
    for (var r = 0u; r < ROWS; r++) {
      acc[r] = fma(vec4<f32>(a[arow[r] + ak]), bv, acc[r]);
    }
  }
  // The epilogue runs in loops that are not unrolled (one copy: much faster to compile);
  // the accumulators above stay in registers.
  var res: array<vec4<f32>, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) {
    res[r] = acc[r];
  }
  let cols = min(4u, g.n - min(g.n, n0));
  for (var r = 0u; r < min(ROWS, g.m - m0); r++) {
    let m = m0 + r;
    for (var j = 0u; j < cols; j++) {
      let n = n0 + j;
      let at = g.c_off + m * g.c_rs + n * g.c_cs;
      var v = res[r][j];
      if (g.bias_mode == 1u) {
        v += bias[g.bias_off + n];
      } else if (g.bias_mode == 2u) {
        v += bias[g.bias_off + m];
      }
      if (g.accumulate != 0u) {
        v += c[at];
      }
      c[at] = v;
    }
  }
}

// colsum — out[out_off + n] (+)= Σ_{r < rows} src[src_off + r·src_rs + n] for n < cols: the
// bias gradients (sums of the per-step gate gradients over all T·B rows). One column per
// invocation, rows walked in order (deterministic, no atomics).
struct ColSum {
  rows: u32,
  cols: u32,
  src_off: u32,
  src_rs: u32,
  out_off: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<uniform> s: ColSum;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn colsum(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= s.cols) {
    return;
  }
  var total = 0.0;
  for (var r = 0u; r < s.rows; r++) {
    total += src[s.src_off + r * s.src_rs + n];
  }
  if (s.accumulate != 0u) {
    total += out[s.out_off + n];
  }
  out[s.out_off + n] = total;
}
