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
