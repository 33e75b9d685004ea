// rk4.wgsl — batched driven damped oscillators m x'' + c x' + k x = F cos(omega t + phi).
// One invocation integrates one oscillator through the steps [stepBegin, stepEnd) of a run
// with its state (x, v) in registers, and records every recordEvery-th step.
//   params: [N, 8] f32 rows (m, c, k, F, omega, phase, x0, v0), an OscillatorRow each, where
//           phase = omega t0 + phi reduced mod 2π in float64 by the wrapper, so the kernel
//           counts time from the run's start and a late t0 costs no precision
//   state:  [N, 2] f32 (x, v) carried from one chunk of steps to the next
//   out:    [N, S] f32 of x, or [N, S, 2] of (x, v) when sim.velocity != 0;
//           sample s = the state after step s * recordEvery; sample 0 = (x0, v0), written by
//           the chunk that starts at step 0 (that chunk also takes its state from params).
// Time of step n is t0 + n * dt from the integer n (in the kernel: n * dt after t0, folded
// into phase), never accumulated, so splitting a run into chunks changes nothing, bit for bit. Entry points: rk4 (the four stages regrouped
// exactly, see rk4Propagator), euler (both updates from the old state), symplectic (v first,
// then x with the new v). Mirrors simulateReference in src/reference/rk4.ts; the wrapper is
// src/kernels/rk4.ts. (Writing out as [S, N] instead measured no faster on lavapipe.)

//!include "grid"

struct Sim {
  count: u32,       // N: oscillators bound here (one group of a larger run)
  samples: u32,     // S = floor(steps / recordEvery) + 1
  recordEvery: u32,
  stepBegin: u32,   // global index of this chunk's first step
  stepEnd: u32,     // one past its last step (<= (S - 1) * recordEvery)
  velocity: u32,    // 1: out is [N, S, 2]
  t0: f32,          // time of step 0 after the time at which params' phase holds (0 from simulate())
  dt: f32,
  fromState: u32,   // 1: a continued run; step 0 starts from (and records) state, not params' (x0, v0)
}

// One oscillator's packed parameters (src/physics/pack.ts writes them; its size is the row
// stride TypeScript reads back from this declaration).
struct OscillatorRow {
  mckF: vec4<f32>,      // m, c, k, F
  forcing: vec4<f32>,   // omega, phase at t0, x0, v0
}

@group(0) @binding(0) var<uniform> sim: Sim;
@group(0) @binding(1) var<storage, read> params: array<OscillatorRow>;
@group(0) @binding(2) var<storage, read_write> state: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

override WORKGROUP_SIZE: u32 = 64;

const TWO_PI: f32 = 6.283185307179586;
const INV_TWO_PI: f32 = 0.15915494309189535;

// The equation divided by m, with the phase in turns (1 turn = 2π rad) and t counted from t0:
// a = fm cos(2π (omegaT t + phiT)) - cm v - km x.
struct Oscillator {
  km: f32,
  cm: f32,
  fm: f32,
  omegaT: f32,
  phiT: f32,
}

// Which sample the next recorded step writes, and how many steps until then.
struct Recorder {
  sample: u32,
  untilRecord: u32,
}

fn oscillatorIndex(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  // 2-D grid so N may exceed 65535 workgroups of one dimension.
  return flat_index(gid, groups, WORKGROUP_SIZE);
}

fn loadOscillator(i: u32) -> Oscillator {
  let a = params[i].mckF;
  let b = params[i].forcing;
  let invM = 1.0 / a.x;
  return Oscillator(a.z * invM, a.y * invM, a.w * invM, b.x * INV_TWO_PI, b.y * INV_TWO_PI);
}

// Time of step n after the time at which params' phase holds.
fn timeAt(n: u32) -> f32 {
  return sim.t0 + f32(n) * sim.dt;
}

// (cos, sin) of u turns, for any u: r = u - round(u) in [-1/2, 1/2] and y = r - q/4 in
// [-1/8, 1/8] are exact, so the only errors are the phase's own float32 rounding and the
// Taylor remainders on |2πy| <= π/4 (< 2e-9). No builtin sin/cos: every adapter evaluates the
// same polynomials, and a large phase costs nothing extra.
fn cosSinTurns(u: f32) -> vec2<f32> {
  let r = u - round(u);
  let q = round(4.0 * r); // quarter turns, -2..2
  let y = TWO_PI * (r - 0.25 * q);
  let z = y * y;
  let c = 1.0 + z * (-1.0 / 2.0 + z * (1.0 / 24.0 + z * (-1.0 / 720.0 + z * (1.0 / 40320.0 + z * (-1.0 / 3628800.0)))));
  let s = y * (1.0 + z * (-1.0 / 6.0 + z * (1.0 / 120.0 + z * (-1.0 / 5040.0 + z * (1.0 / 362880.0)))));
  // Rotate by q quarter turns; cos and sin of q/4 turns are 1 - |q| and q (2 - |q|), exactly,
  // and multiplying by 0 or ±1 is exact (arithmetic: faster than selects on lavapipe).
  let cq = 1.0 - abs(q);
  let sq = q * (2.0 - abs(q));
  return vec2<f32>(c * cq - s * sq, s * cq + c * sq);
}

fn forcing(o: Oscillator, t: f32) -> f32 {
  return o.fm * cosSinTurns(o.omegaT * t + o.phiT).x;
}

fn record(i: u32, s: u32, x: f32, v: f32) {
  if (sim.velocity != 0u) {
    let at = 2u * (i * sim.samples + s);
    out[at] = x;
    out[at + 1u] = v;
  } else {
    out[i * sim.samples + s] = x;
  }
}

// Initial state of this chunk: at step 0 (x0, v0), or the carried state of a continued run,
// recorded as sample 0; else the carried state.
fn loadState(i: u32) -> vec2<f32> {
  if (sim.stepBegin == 0u) {
    var s = params[i].forcing.zw;
    if (sim.fromState != 0u) {
      s = state[i];
    }
    record(i, 0u, s.x, s.y);
    return s;
  }
  return state[i];
}

fn startRecorder() -> Recorder {
  return Recorder(sim.stepBegin / sim.recordEvery + 1u, sim.recordEvery - sim.stepBegin % sim.recordEvery);
}

// Counts one step done; records (x, v) when it completes a recordEvery interval.
fn tick(i: u32, r: ptr<function, Recorder>, x: f32, v: f32) {
  (*r).untilRecord -= 1u;
  if ((*r).untilRecord == 0u) {
    record(i, (*r).sample, x, v);
    (*r).sample += 1u;
    (*r).untilRecord = sim.recordEvery;
  }
}

// RK4 applied to this linear system, y = (x, v), y' = A y + (0, f(t)), is one affine map per
// step (the same arithmetic as the four stages, regrouped in exact arithmetic):
//   y_{n+1} = y_n + E y_n + P cos θ_n + Q sin θ_n,   θ_n = 2π (omegaT t_n + phiT),
// with B = dt A, E = B + B²/2 + B³/6 + B⁴/24, and the stage forcings at t_n, t_n + dt/2 and
// t_n + dt folded into P and Q by the angle-addition formulas (see rk4Propagator).
struct Propagator {
  e: mat2x2<f32>,
  p: vec2<f32>,
  q: vec2<f32>,
}

fn rk4Propagator(o: Oscillator, dt: f32) -> Propagator {
  let b = dt * mat2x2<f32>(vec2<f32>(0.0, -o.km), vec2<f32>(1.0, -o.cm)); // columns
  let id = mat2x2<f32>(1.0, 0.0, 0.0, 1.0);
  let b2 = b * b;
  let b3 = b2 * b;
  let e = b + (0.5 * b2) + ((1.0 / 6.0) * b3) + ((1.0 / 24.0) * (b2 * b2));
  // Stage sum k1 + 2k2 + 2k3 + k4 with y = 0: forcing weights of f(t_n), f(t_n + dt/2), f(t_n + dt)
  // are (dt/6)(I + B + B²/2 + B³/4), (dt/6)(4I + 2B + B²/2) and (dt/6)I, applied to (0, 1).
  let w = dt / 6.0;
  let g1 = w * (id + b + (0.5 * b2) + (0.25 * b3))[1];
  let g2 = w * ((4.0 * id) + (2.0 * b) + (0.5 * b2))[1];
  let g3 = vec2<f32>(0.0, w);
  let half = cosSinTurns(0.5 * o.omegaT * dt); // rotation by omega dt / 2
  let full = cosSinTurns(o.omegaT * dt);
  let p = o.fm * (g1 + g2 * half.x + g3 * full.x);
  let q = -o.fm * (g2 * half.y + g3 * full.y);
  return Propagator(e, p, q);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = oscillatorIndex(gid, groups);
  if (i >= sim.count) {
    return;
  }
  let o = loadOscillator(i);
  let prop = rk4Propagator(o, sim.dt);
  var y = loadState(i);
  var rec = startRecorder();
  for (var n = sim.stepBegin; n < sim.stepEnd; n++) {
    let cs = cosSinTurns(o.omegaT * timeAt(n) + o.phiT);
    y += prop.e * y + prop.p * cs.x + prop.q * cs.y;
    tick(i, &rec, y.x, y.y);
  }
  state[i] = y;
}

// Explicit Euler exactly as the exercise writes it: both updates read the old state.
@compute @workgroup_size(WORKGROUP_SIZE)
fn euler(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = oscillatorIndex(gid, groups);
  if (i >= sim.count) {
    return;
  }
  let o = loadOscillator(i);
  var s = loadState(i);
  var rec = startRecorder();
  let dt = sim.dt;
  for (var n = sim.stepBegin; n < sim.stepEnd; n++) {
    let a = forcing(o, timeAt(n)) - o.cm * s.y - o.km * s.x;
    s = vec2<f32>(s.x + s.y * dt, s.y + a * dt);
    tick(i, &rec, s.x, s.y);
  }
  state[i] = s;
}

// Semi-implicit (symplectic) Euler: v first, then x with the new v.
@compute @workgroup_size(WORKGROUP_SIZE)
fn symplectic(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = oscillatorIndex(gid, groups);
  if (i >= sim.count) {
    return;
  }
  let o = loadOscillator(i);
  var s = loadState(i);
  var rec = startRecorder();
  let dt = sim.dt;
  for (var n = sim.stepBegin; n < sim.stepEnd; n++) {
    let v = s.y + (forcing(o, timeAt(n)) - o.cm * s.y - o.km * s.x) * dt;
    s = vec2<f32>(s.x + v * dt, v);
    tick(i, &rec, s.x, s.y);
  }
  state[i] = s;
}
