// stability.ts — what a discrete map's eigenvalues at a fixed point say (browser-safe, no
// numerical library): s_{t+1} = F(s_t) near s* behaves like J^t, so a fixed point is
//   stable    every |λ| < 1  (perturbations decay: an attractor)
//   unstable  every |λ| > 1  (perturbations grow in every direction: a repeller)
//   saddle    otherwise      (some directions decay, some grow or stay)
// and oscillatory when some λ is complex (perturbations rotate as they decay or grow).

/** Fixed-point kinds by the eigenvalues of the Jacobian there. */
export type Stability = 'stable' | 'saddle' | 'unstable';

/** |Im λ| above this fraction of |λ| counts as complex (float64 eigen-solvers leave ~1e-16). */
const COMPLEX_TOLERANCE = 1e-9;

/** Classifies eigenvalues [re, im][] of a discrete map's Jacobian (at least one). */
export function classifyEigenvalues(eigs: readonly (readonly [number, number])[]): { stability: Stability; oscillatory: boolean; spectralRadius: number } {
  if (eigs.length === 0) throw new Error('classifyEigenvalues: needs at least one eigenvalue');
  const mods = eigs.map(([re, im]) => Math.hypot(re, im));
  const spectralRadius = Math.max(...mods);
  const stability: Stability = spectralRadius < 1 ? 'stable' : Math.min(...mods) > 1 ? 'unstable' : 'saddle';
  const oscillatory = eigs.some(([re, im]) => Math.abs(im) > COMPLEX_TOLERANCE * Math.max(Math.hypot(re, im), 1e-300));
  return { stability, oscillatory, spectralRadius };
}

/**
 * Eigenvalues of a real 2 × 2 matrix [[a, b], [c, d]] in closed form, λ = τ/2 ± √(τ²/4 − δ)
 * (τ trace, δ determinant), larger |λ| first; a complex pair has +im first.
 */
export function eigenvalues2x2(m: readonly (readonly number[])[]): [[number, number], [number, number]] {
  const [a, b] = [m[0]?.[0], m[0]?.[1]];
  const [c, d] = [m[1]?.[0], m[1]?.[1]];
  for (const v of [a, b, c, d]) if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`eigenvalues2x2: needs a 2 × 2 matrix of finite numbers, got ${JSON.stringify(m)}`);
  const half = (a! + d!) / 2;
  const disc = half * half - (a! * d! - b! * c!);
  if (disc < 0) return [[half, Math.sqrt(-disc)], [half, -Math.sqrt(-disc)]];
  // The larger root by its sign, the other from δ / λ₁: no cancellation.
  const big = half + Math.sign(half || 1) * Math.sqrt(disc);
  const small = big === 0 ? 0 : (a! * d! - b! * c!) / big;
  return Math.abs(big) >= Math.abs(small) ? [[big, 0], [small, 0]] : [[small, 0], [big, 0]];
}
