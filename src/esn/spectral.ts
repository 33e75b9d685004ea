// spectral.ts — the spectral radius ρ(W) of a reservoir, on the GPU: power iteration
// y_{k+1} = W y_k / ‖y_k‖ (CHUNK steps per submit, no readback) pulls the start vector into the
// span of the outermost eigenvectors; then an Arnoldi process of m steps from it (each W·q on the
// GPU, the Gram–Schmidt in float64 on the host) gives the Hessenberg matrix whose Ritz values
// approximate those outermost eigenvalues, and ρ is their largest modulus (src/util/eigen.ts).
// A random reservoir's outer eigenvalues crowd the rim of a disc — complex pairs within 0.1 %
// of each other are common — which plain ‖Wy‖/‖y‖ never separates and Arnoldi does. Rounds of
// power steps + Arnoldi repeat until two estimates agree to `tolerance`.
// Checked against every eigenvalue of the W read back (src/reference/esn.ts).
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { designWidth, recordPowerNorm, recordPowerStep, type ReservoirBuffers } from '../kernels/esn';
import { Random } from '../util/random';
import { eigenvalues } from '../util/eigen';

const CHUNK = 100;

export interface SpectralOptions {
  /** Relative agreement of two successive estimates that ends the iteration (default 1e-5). */
  tolerance?: number;
  /** Power steps before each Arnoldi process (default 200) and Arnoldi steps m (default 24). */
  powerSteps?: number;
  krylov?: number;
  /** Most rounds of power steps + Arnoldi (default 8). */
  maxRounds?: number;
  seed?: number;
}

/** ρ(W) and the matrix–vector products it took. */
export interface SpectralEstimate {
  radius: number;
  iterations: number;
}

/** Estimates ρ(W) of a reservoir of `units` units on the GPU. */
export async function estimateSpectralRadius(sched: Scheduler, res: ReservoirBuffers, units: number, o: SpectralOptions = {}): Promise<SpectralEstimate> {
  const tolerance = o.tolerance ?? 1e-5;
  const m = Math.min(o.krylov ?? 24, units);
  const dz4 = designWidth(res.n4);
  const ring = sched.createTensor([2 * dz4 * 4], 'f32', 'power iterates', startVector(units, dz4, o.seed ?? 1));
  const pnorm = sched.createTensor([1], 'f32', 'power norm', [1]);
  const io = { sched, res, ring, pnorm, units, dz4 };
  try {
    let products = 0;
    let last = Number.NaN;
    for (let round = 0; round < (o.maxRounds ?? 8); round++) {
      products += await powerSteps(io, o.powerSteps ?? 200);
      const { radius, steps } = await arnoldiRadius(io, m);
      products += steps;
      if (Math.abs(radius - last) <= tolerance * radius) return { radius, iterations: products };
      last = radius;
    }
    return { radius: last, iterations: products };
  } finally {
    sched.destroyBuffer(ring.buffer);
    sched.destroyBuffer(pnorm.buffer);
  }
}

interface PowerIo {
  sched: Scheduler;
  res: ReservoirBuffers;
  /** Two design rows: the current vector in row 0, W·(row 0) in row 1. */
  ring: GpuTensor;
  pnorm: GpuTensor;
  units: number;
  dz4: number;
}

// Row 0 ← W^steps·(row 0), normalised (pairs of steps through row 1). Returns the steps taken.
async function powerSteps(io: PowerIo, steps: number): Promise<number> {
  const even = steps + (steps % 2);
  recordPowerNorm(io.sched, io.res.n4, io.ring, io.pnorm, 0);
  for (let k = 0; k < even; k++) {
    recordPowerStep(io.sched, io.res, io.ring, io.pnorm, k % 2, (k + 1) % 2);
    if ((k + 1) % CHUNK === 0) io.sched.submit();
  }
  io.sched.submit();
  return even;
}

// m Arnoldi steps from row 0: Q's columns orthonormal in float64, H [m, m] upper Hessenberg.
async function arnoldiRadius(io: PowerIo, m: number): Promise<{ radius: number; steps: number }> {
  const rows = (await io.sched.read(io.ring)) as Float32Array;
  const q: Float64Array[] = [normalised(Float64Array.from(rows.subarray(4, 4 + io.units)))];
  const h = new Float64Array(m * m);
  let size = m;
  for (let j = 0; j < m; j++) {
    const w = await multiply(io, q[j]!);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i <= j; i++) {
        const c = dot(q[i]!, w);
        h[i * m + j]! += c;
        for (let k = 0; k < w.length; k++) w[k]! -= c * q[i]![k]!;
      }
    }
    const norm = Math.sqrt(dot(w, w));
    if (j + 1 === m) break;
    if (norm <= 1e-12 * Math.abs(h[j * m + j]! || 1)) {
      size = j + 1; // an invariant subspace: its eigenvalues are exact
      break;
    }
    h[(j + 1) * m + j] = norm;
    q.push(w.map((v) => v / norm));
  }
  const sub = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) sub[i * size + j] = h[i * m + j]!;
  const { re, im } = eigenvalues(sub, size);
  let radius = 0;
  for (let i = 0; i < size; i++) radius = Math.max(radius, Math.hypot(re[i]!, im[i]!));
  return { radius, steps: size };
}

// W·v on the GPU (v uploaded to row 0, the product read from row 1).
async function multiply(io: PowerIo, v: Float64Array): Promise<Float64Array> {
  const row = new Float32Array(2 * io.dz4 * 4);
  row.set(v, 4);
  io.sched.upload(io.ring, row);
  io.sched.upload(io.pnorm, [1]);
  recordPowerStep(io.sched, io.res, io.ring, io.pnorm, 0, 1, false);
  const rows = (await io.sched.read(io.ring)) as Float32Array;
  return Float64Array.from(rows.subarray(io.dz4 * 4 + 4, io.dz4 * 4 + 4 + io.units));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function normalised(v: Float64Array): Float64Array {
  const n = Math.sqrt(dot(v, v));
  return n > 0 ? v.map((x) => x / n) : v;
}

// Row 0: a seeded random start (units only, padding 0).
function startVector(units: number, dz4: number, seed: number): Float32Array {
  const rows = new Float32Array(2 * dz4 * 4);
  const rng = new Random(seed);
  for (let i = 0; i < units; i++) rows[4 + i] = rng.normal();
  return rows;
}
