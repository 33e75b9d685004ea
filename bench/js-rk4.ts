// js-rk4.ts — the benchmark's CPU peer: a tuned single-threaded float32 RK4 loop in plain
// JavaScript, what a careful programmer would write without a GPU. It uses the kernel's own
// algorithm (shaders/rk4.wgsl: RK4 regrouped into one affine map per step plus one cos/sin
// of the forcing phase), which measured ~1.3× faster in V8 than the four-stage form with two
// Math.cos per step. State is rounded to float32 every step; nothing allocates in the loops.
//   params: [N, 8] f32 rows (m, c, k, F, omega, phi, x0, v0); out: [N, S] f32 of x.

/** Integrates N oscillators with RK4 into out [N, S], S = floor(steps / recordEvery) + 1. */
export function jsRk4Float32(params: Float32Array, dt: number, steps: number, recordEvery: number, t0: number, out: Float32Array): void {
  const count = params.length / 8;
  const samples = Math.floor(steps / recordEvery) + 1;
  if (out.length !== count * samples) throw new Error(`jsRk4Float32: out has ${out.length} values, expected [${count}, ${samples}]`);
  const coefficients = new Float64Array(8); // e00 e01 e10 e11 px pv qx qv, reused per oscillator
  const lastStep = (samples - 1) * recordEvery;
  for (let i = 0; i < count; i++) {
    const p = 8 * i;
    const omega = params[p + 4]!;
    const phi = params[p + 5]!;
    propagator(params[p]!, params[p + 1]!, params[p + 2]!, params[p + 3]!, omega, dt, coefficients);
    const e00 = coefficients[0]!, e01 = coefficients[1]!, e10 = coefficients[2]!, e11 = coefficients[3]!;
    const px = coefficients[4]!, pv = coefficients[5]!, qx = coefficients[6]!, qv = coefficients[7]!;
    let x = params[p + 6]!;
    let v = params[p + 7]!;
    let at = i * samples;
    out[at++] = x;
    let untilRecord = recordEvery;
    for (let n = 0; n < lastStep; n++) {
      const theta = omega * Math.fround(t0 + n * dt) + phi;
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const dx = e00 * x + e01 * v + px * c + qx * s;
      const dv = e10 * x + e11 * v + pv * c + qv * s;
      x = Math.fround(x + dx);
      v = Math.fround(v + dv);
      if (--untilRecord === 0) {
        out[at++] = x;
        untilRecord = recordEvery;
      }
    }
  }
}

/**
 * RK4's step map for y' = A y + (0, F/m cos(omega t + phi)), A = [[0, 1], [-k/m, -c/m]]:
 * y_{n+1} = y_n + E y_n + P cos θ_n + Q sin θ_n (the derivation is in shaders/rk4.wgsl).
 * Writes (E row-major, P, Q) into out[0..8].
 */
function propagator(m: number, c: number, k: number, F: number, omega: number, dt: number, out: Float64Array): void {
  const b01 = dt; // B = dt A, b00 = 0
  const b10 = (-dt * k) / m;
  const b11 = (-dt * c) / m;
  // B² and B³ (b00 = 0 simplifies the products).
  const s00 = b01 * b10, s01 = b01 * b11, s10 = b11 * b10, s11 = b10 * b01 + b11 * b11;
  const t00 = s01 * b10, t01 = s00 * b01 + s01 * b11, t10 = s11 * b10, t11 = s10 * b01 + s11 * b11;
  const q00 = s00 * s00 + s01 * s10, q01 = s00 * s01 + s01 * s11, q10 = s10 * s00 + s11 * s10, q11 = s10 * s01 + s11 * s11;
  out[0] = s00 / 2 + t00 / 6 + q00 / 24;
  out[1] = b01 + s01 / 2 + t01 / 6 + q01 / 24;
  out[2] = b10 + s10 / 2 + t10 / 6 + q10 / 24;
  out[3] = b11 + s11 / 2 + t11 / 6 + q11 / 24;
  const w = dt / 6;
  const g1x = w * (b01 + s01 / 2 + t01 / 4), g1v = w * (1 + b11 + s11 / 2 + t11 / 4);
  const g2x = w * (2 * b01 + s01 / 2), g2v = w * (4 + 2 * b11 + s11 / 2);
  const fm = F / m;
  const ch = Math.cos((omega * dt) / 2), sh = Math.sin((omega * dt) / 2);
  const cf = Math.cos(omega * dt), sf = Math.sin(omega * dt);
  out[4] = fm * (g1x + g2x * ch);
  out[5] = fm * (g1v + g2v * ch + w * cf);
  out[6] = -fm * (g2x * sh);
  out[7] = -fm * (g2v * sh + w * sf);
}
