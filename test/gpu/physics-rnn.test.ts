// physics-rnn.test.ts — the 2-unit identity RNN of physicsRnn({k, c, dt}) reproduces the
// `euler` integrator (x += v·dt; v += (u − k·x − c·v)·dt from the old state) to float32
// rounding, for u = 0, u = 1 and u = sin(a·t) (a = 0.01 per step), h0 = [1, 0], through the
// same recurrent kernels as every model (both time-loop variants).
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { physicsRnn, physicsRnnParameters } from '../../src/physics-rnn';
import { simulate } from '../../src/physics/simulate';
import type { RecurrentVariant } from '../../src/kernels/recurrent';

const gpu = useGpu();
const A = 0.01; // forcing phase advance per step

/** u_t for the three inputs, [3, T]. */
function inputs(T: number): Float32Array {
  const u = new Float32Array(3 * T);
  for (let t = 0; t < T; t++) {
    u[T + t] = 1;
    u[2 * T + t] = Math.sin(A * t);
  }
  return u;
}

/** float64 euler from (1, 0): [3, T, 2] states after each step. */
function eulerFloat64(k: number, c: number, dt: number, T: number): Float64Array {
  const out = new Float64Array(3 * T * 2);
  for (let s = 0; s < 3; s++) {
    let x = 1;
    let v = 0;
    for (let t = 0; t < T; t++) {
      const a = Math.sin(A * t) * (s === 2 ? 1 : 0) + (s === 1 ? 1 : 0) - k * x - c * v;
      [x, v] = [x + v * dt, v + a * dt];
      out[(s * T + t) * 2] = x;
      out[(s * T + t) * 2 + 1] = v;
    }
  }
  return out;
}

async function runRnn(k: number, c: number, dt: number, T: number, variant: RecurrentVariant) {
  const { sched } = gpu;
  const model = await physicsRnn(sched, { k, c, dt }, { variant });
  const u = sched.createTensor([3, T, 1], 'f32', 'u', inputs(T));
  const h0 = sched.createTensor([1, 3, 2], 'f32', 'h0', [1, 0, 1, 0, 1, 0]);
  const fwd = model.forward(u, { h0 });
  const [out, states] = (await sched.readMany([fwd.out, fwd.rnnOut])) as Float32Array[];
  model.destroy();
  sched.destroyBuffer(u.buffer);
  sched.destroyBuffer(h0.buffer);
  return { out: out!, states: states! };
}

/** Largest |a − b| relative to the trajectory's scale, in units of float32 epsilon per step. */
function driftPerStep(a: ArrayLike<number>, b: ArrayLike<number>, T: number): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale * 2 ** -24 * T);
}

describe('physicsRnn', () => {
  it('builds the designed weights', () => {
    const p = physicsRnnParameters({ k: 2, c: 0.5, dt: 0.1 });
    expect([...p.weight_hh_l0!]).toEqual([1, 0.1, -0.2, 0.95].map(Math.fround));
    expect([...p.weight_ih_l0!]).toEqual([0, 0.1].map(Math.fround));
    expect([...p['head.weight']!]).toEqual([1, 0]);
    expect(() => physicsRnnParameters({ k: NaN, c: 0, dt: 0.1 })).toThrow(/k must be a finite number, got NaN/);
    expect(() => physicsRnnParameters({ k: 1, c: 0, dt: 0 })).toThrow(/dt must be > 0, got 0/);
  });

  describe.each([
    ['persistent', 3000],
    ['step', 400],
  ] as [RecurrentVariant, number][])('%s kernels, %i steps', (variant, T) => {
    it.each([
      [1, 0.4],
      [1.5, -0.3],
      [-1, 1.5],
      [0.7, 0],
    ])('k=%d c=%d matches float64 euler to float32 rounding', async (k, c) => {
      const dt = 0.01;
      const { out, states } = await runRnn(k, c, dt, T, variant);
      const want = eulerFloat64(k, c, dt, T);
      // Rounding of the weights and of each step's arithmetic: measured ≤ 0.2 ε per step;
      // a different integrator (symplectic Euler) drifts by 50–1000 ε per step.
      expect(driftPerStep(states, want, T)).toBeLessThan(1);
      for (let i = 0; i < 3 * T; i++) expect(out[i]).toBe(states[2 * i]);
    });
  });

  it('matches the GPU euler integrator of src/physics/simulate.ts', async () => {
    const { sched } = gpu;
    const k = 1;
    const c = 0.4;
    const dt = 0.01;
    const T = 2000;
    const { states } = await runRnn(k, c, dt, T, 'persistent');
    // u = F cos(ω t + φ): 0; 1; sin(a·n) with t = n·dt.
    const base = { m: 1, c, k, x0: 1, v0: 0 };
    const traj = await simulate(sched, {
      params: [
        { ...base, F: 0, omega: 0, phi: 0 },
        { ...base, F: 1, omega: 0, phi: 0 },
        { ...base, F: 1, omega: A / dt, phi: -Math.PI / 2 },
      ],
      dt, steps: T, recordEvery: 1, integrator: 'euler', velocity: true,
    });
    const euler = await traj.read(); // [3, T+1, 2]; sample s+1 = after step s
    traj.destroy();
    const after = new Float32Array(3 * T * 2);
    for (let s = 0; s < 3; s++) after.set(euler.subarray((s * (T + 1) + 1) * 2, (s + 1) * (T + 1) * 2), s * T * 2);
    expect(driftPerStep(states, after, T)).toBeLessThan(1);
  });
});
