// rk4.test.ts — shaders/rk4.wgsl through simulate(): the float32 GPU result against the
// float64 reference on awkward counts, all integrators, velocity on/off, recordEvery > 1,
// several chunks and oscillator groups (bit-exact against one dispatch), the closed form,
// and bad input rejected before any GPU work.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { expectNearReference } from './oscillator-check';
import { simulate, type SimulateOptions } from '../../src/physics/simulate';
import { buildEnsemble } from '../../src/physics/ensemble';
import { DEFAULT_OSCILLATOR, PARAM_NAMES, toColumns, type Integrator, type OscillatorColumns, type OscillatorParams } from '../../src/physics/oscillator';
import { simulateReference } from '../../src/physics/simulate-reference';
import { exactTrajectory } from '../../src/reference/oscillator-exact';
import { recordRk4Chunk, rk4Kernel } from '../../src/kernels/rk4';
import { packOscillatorParams } from '../../src/physics/pack';

const gpu = useGpu();
const INTEGRATORS: Integrator[] = ['rk4', 'euler', 'symplectic'];

/** N random oscillators (all regimes, forcing on), rounded to float32 so only integration differs. */
function ensemble(count: number, seed: number): OscillatorColumns {
  const cols = buildEnsemble({
    count,
    seed,
    specs: { m: '0.5:2', c: '0:1.5', k: '0.2:3', F: '-1:1', omega: '0:3', phi: '-3:3', x0: '-1:1', v0: '-1:1' },
  });
  for (const name of PARAM_NAMES) cols[name].forEach((v, i, a) => (a[i] = Math.fround(v)));
  return cols;
}

async function run(opts: SimulateOptions): Promise<Float32Array> {
  const trajectory = await simulate(gpu.sched, opts);
  try {
    return await trajectory.read();
  } finally {
    trajectory.destroy();
  }
}

describe('GPU vs float64 reference', () => {
  it.each([1, 2, 7, 63, 64, 65, 131])('rk4, N = %i, (x, v) every step', async (count) => {
    const opts: SimulateOptions = { params: ensemble(count, count), dt: 0.01, steps: 240, recordEvery: 1, integrator: 'rk4', velocity: true };
    expectNearReference(await run(opts), opts);
  });

  for (const integrator of INTEGRATORS) {
    it.each([
      [false, 1],
      [true, 7],
      [false, 7],
    ])(`${integrator}, N = 37, velocity %s, recordEvery %i, steps not a multiple`, async (velocity, recordEvery) => {
      const opts: SimulateOptions = { params: ensemble(37, 5), dt: 0.02, steps: 305, recordEvery, integrator, velocity };
      expectNearReference(await run(opts), opts);
    });
  }

  it('a prime N over several workgroups, split into many chunks and groups', async () => {
    const opts: SimulateOptions = {
      params: ensemble(4099, 11), dt: 0.01, steps: 60, recordEvery: 3, integrator: 'rk4', velocity: true,
      stepsPerDispatch: 13, maxBindingBytes: 64 * 1024,
    };
    expectNearReference(await run(opts), opts);
  });

  it.each([50, 1000, -12345.678])('a late start time t0 = %s costs no precision (forcing phase from absolute time)', async (t0) => {
    const opts: SimulateOptions = { params: ensemble(29, 3), dt: 0.01, steps: 200, recordEvery: 4, integrator: 'rk4', t0 };
    expectNearReference(await run(opts), opts);
  });

  it('recordRk4Chunk with a clock offset t0 (phase packed at time 0) matches the reference at that t0', async () => {
    const params = ensemble(17, 4);
    const opts: SimulateOptions = { params, dt: 0.02, steps: 100, recordEvery: 5, integrator: 'rk4', t0: 3.5 };
    const sched = gpu.sched;
    await sched.prepare(rk4Kernel);
    const packed = sched.createTensor([17, 8], 'f32', 'params', packOscillatorParams(params));
    const state = sched.createTensor([17, 2], 'f32', 'state');
    const out = sched.createTensor([17, 21], 'f32', 'out');
    for (const [stepBegin, stepEnd] of [[0, 60], [60, 100]]) {
      recordRk4Chunk(sched, { integrator: 'rk4', params: packed, state, out, count: 17, samples: 21, recordEvery: 5, stepBegin: stepBegin!, stepEnd: stepEnd!, velocity: false, dt: 0.02, t0: 3.5 });
    }
    expectNearReference((await sched.read(out)) as Float32Array, opts);
    for (const t of [packed, state, out]) sched.destroyBuffer(t.buffer);
  });

  it('records only the initial state when recordEvery > steps (S = 1)', async () => {
    const params = ensemble(5, 9);
    const got = await run({ params, dt: 0.1, steps: 3, recordEvery: 4, integrator: 'euler', velocity: true });
    expect([...got]).toEqual(Array.from({ length: 5 }, (_, i) => [params.x0[i]!, params.v0[i]!]).flat());
  });

  it('accepts an array of oscillator records as well as columns', async () => {
    const records: OscillatorParams[] = [DEFAULT_OSCILLATOR, { ...DEFAULT_OSCILLATOR, c: 2, omega: 0, x0: 0 }];
    const opts: SimulateOptions = { params: records, dt: 0.05, steps: 100, recordEvery: 10, integrator: 'symplectic' };
    expectNearReference(await run(opts), { ...opts, params: toColumns(records) });
  });
});

describe('RK4 on the GPU vs the closed form', () => {
  const osc = (over: Partial<OscillatorParams>): OscillatorParams => ({ ...DEFAULT_OSCILLATOR, ...over });
  const cases: Record<string, OscillatorParams> = {
    lecture: osc({}),
    underdamped: osc({ m: 1.5, c: 0.3, k: 2, F: 0.8, omega: 1.7, phi: 0.4, x0: -0.5, v0: 1 }),
    critical: osc({ m: 2, c: 2 * Math.sqrt(6), k: 3, F: 0.5, omega: 0.9, phi: -1, x0: 1, v0: -2 }),
    overdamped: osc({ m: 0.5, c: 3, k: 1, F: 1.2, omega: 2.5, phi: 2, x0: 0.3, v0: 0.7 }),
    undriven: osc({ c: 0.1, k: 4, F: 0, x0: 1, v0: 0.5 }),
    step: osc({ c: 0.6, k: 2, F: 1.5, omega: 0, phi: 0.25, x0: 0, v0: 0 }),
    nearResonance: osc({ c: 0.05, omega: 0.999, x0: 0, v0: 0 }),
  };
  it('stays within 2e-4 of max |x| over 2000 steps of dt = 0.01 in every regime', async () => {
    const names = Object.keys(cases);
    const run2000 = { dt: 0.01, steps: 2000, recordEvery: 1 };
    const got = await run({ params: names.map((n) => cases[n]!), ...run2000, integrator: 'rk4' });
    const S = 2001;
    names.forEach((name, i) => {
      const exact = exactTrajectory(cases[name]!, run2000);
      let err = 0;
      let scale = 0;
      for (let s = 0; s < S; s++) {
        err = Math.max(err, Math.abs(got[i * S + s]! - exact[s]!));
        scale = Math.max(scale, Math.abs(exact[s]!));
      }
      expect(err / scale, name).toBeLessThanOrEqual(2e-4);
    });
  });
});

describe('chunks and groups change nothing', () => {
  const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

  it.each(INTEGRATORS)('%s: one dispatch vs 1-step, 7-step and budget chunks, and 64-oscillator groups: bit-identical', async (integrator) => {
    const base: SimulateOptions = { params: ensemble(300, 21), dt: 0.03, steps: 150, recordEvery: 4, integrator, velocity: true };
    const whole = await run({ ...base, stepsPerDispatch: 1_000_000 });
    const variants: Partial<SimulateOptions>[] = [
      { stepsPerDispatch: 1 },
      { stepsPerDispatch: 7 },
      { maxOscillatorStepsPerDispatch: 300 * 11 },
      { maxBindingBytes: 64 * 19 * 2 * 4 * 2 }, // 128 oscillators of [19 × (x, v)] per group
      { stepsPerDispatch: 5, maxBindingBytes: 64 * 19 * 2 * 4 },
    ];
    for (const v of variants) expect(bits(await run({ ...base, ...v })), JSON.stringify(v)).toEqual(bits(whole));
  });

  it('splits N beyond one binding into aligned slices of one tensor', async () => {
    const before = gpu.sched.counters.dispatches;
    const t = await simulate(gpu.sched, { params: ensemble(200, 2), dt: 0.01, steps: 20, recordEvery: 1, integrator: 'rk4', maxBindingBytes: 64 * 21 * 4, stepsPerDispatch: 10 });
    expect(t.tensor.shape).toEqual([200, 21]);
    expect(t.slices.map((s) => [s.first, s.count])).toEqual([[0, 64], [64, 64], [128, 64], [192, 8]]);
    for (const s of t.slices) expect(s.binding).toMatchObject({ buffer: t.tensor.buffer, offset: s.first * 21 * 4, size: s.count * 21 * 4 });
    expect(gpu.sched.counters.dispatches - before).toBe(4 * 2); // groups × chunks
    t.destroy();
  });
});

describe('trajectory lifetime and progress', () => {
  it('destroy() frees the output buffer and read() afterwards is an error', async () => {
    const t = await simulate(gpu.sched, { params: ensemble(3, 1), dt: 0.1, steps: 10, recordEvery: 1, integrator: 'rk4' });
    const { liveBuffers, liveBytes } = gpu.sched.counters;
    t.destroy();
    expect(gpu.sched.counters.liveBuffers).toBe(liveBuffers - 1);
    expect(gpu.sched.counters.liveBytes).toBe(liveBytes - 3 * 11 * 4);
    t.destroy(); // idempotent
    await expect(t.read()).rejects.toThrow(/Trajectory\.read\(\) after destroy\(\)/);
  });

  it('reports progress after each chunk, ending at the total', async () => {
    const calls: [number, number][] = [];
    const t = await simulate(gpu.sched, {
      params: ensemble(10, 1), dt: 0.1, steps: 25, recordEvery: 1, integrator: 'euler', stepsPerDispatch: 10,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual([[100, 250], [200, 250], [250, 250]]);
    t.destroy();
  });
});

describe('continuing a run (keepState, from)', () => {
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  /** Runs `pieces` of `steps` steps, each continuing the last; returns each piece's samples. */
  async function pieces(base: SimulateOptions, steps: number, count: number): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    let prev = await simulate(gpu.sched, { ...base, steps, keepState: true });
    out.push(await prev.read());
    for (let k = 1; k < count; k++) {
      const { params: _p, t0: _t0, ...rest } = base;
      const next = await simulate(gpu.sched, { ...rest, steps, keepState: true, from: prev });
      expect(next.t0).toBe(prev.t0 + steps * base.dt);
      prev.destroy(); // the continuation keeps the shared parameters alive
      out.push(await next.read());
      prev = next;
    }
    prev.destroy();
    return out;
  }
  /** [N, S] pieces → [N, S_total] with the shared samples (piece k's sample 0 = piece k-1's last) once. */
  function join(parts: Float32Array[], n: number): Float32Array {
    const s = parts.map((p) => p.length / n);
    const joined: number[] = [];
    for (let i = 0; i < n; i++) parts.forEach((p, k) => joined.push(...p.subarray(i * s[k]! + (k > 0 ? 1 : 0), (i + 1) * s[k]!)));
    return Float32Array.from(joined);
  }

  // dt = 2^-6: the kernel's time of step n, (time of the piece's start) + n · dt in float32, is
  // exact either way, so the pieces do the same arithmetic as the one run: bit-identical x.
  it.each(INTEGRATORS)('%s: two continued runs of n steps = one run of 2n steps, bit for bit (dt = 2^-6)', async (integrator) => {
    const base: SimulateOptions = { params: ensemble(70, 3), dt: 2 ** -6, steps: 60, recordEvery: 3, integrator, t0: 0.75 };
    const whole = await run({ ...base, steps: 120 });
    expect(bits(join(await pieces(base, 60, 2), 70))).toEqual(bits(whole));
  });

  // dt = 0.01: the piece's start time is rounded to float32 once (the one run computes
  // f32(n) · dt instead), so the forcing phase differs by float32 rounding: close, not identical.
  it('dt = 0.01: three continued runs of n steps match one run of 3n steps to float32 rounding', async () => {
    const base: SimulateOptions = { params: ensemble(40, 4), dt: 0.01, steps: 50, recordEvery: 5, integrator: 'rk4', t0: 1.3 };
    const whole = await run({ ...base, steps: 150 });
    const joined = join(await pieces(base, 50, 3), 40);
    expect(joined.length).toBe(whole.length);
    const scale = Math.max(...whole.map(Math.abs));
    whole.forEach((x, j) => expect(Math.abs(joined[j]! - x)).toBeLessThanOrEqual(2e-6 * scale));
    expectNearReference(whole, { ...base, steps: 150 });
  });

  it('exposes the final state [N, 2], frees everything on destroy, and rejects a run without keepState', async () => {
    const t = await simulate(gpu.sched, { params: ensemble(5, 6), dt: 0.1, steps: 10, recordEvery: 5, integrator: 'rk4', velocity: true, keepState: true });
    expect(t.finalState!.shape).toEqual([5, 2]);
    expect(t.steps).toBe(10);
    const [xv, last] = (await gpu.sched.readMany([t.tensor, t.finalState!])) as Float32Array[];
    for (let i = 0; i < 5; i++) expect([last![2 * i], last![2 * i + 1]]).toEqual([xv![i * 6 + 4], xv![i * 6 + 5]]);
    const { liveBuffers } = gpu.sched.counters;
    t.destroy();
    expect(gpu.sched.counters.liveBuffers).toBe(liveBuffers - 1); // out; state and params go back to the pool
    const plain = await simulate(gpu.sched, { params: ensemble(5, 6), dt: 0.1, steps: 10, recordEvery: 5, integrator: 'rk4' });
    expect(plain.finalState).toBeNull();
    const cont = { dt: 0.1, steps: 10, recordEvery: 5, integrator: 'rk4' as const };
    await expect(simulate(gpu.sched, { ...cont, from: plain })).rejects.toThrow(/from must be a live trajectory run with keepState: true/);
    await expect(simulate(gpu.sched, { ...cont, from: t })).rejects.toThrow(/trajectory 'trajectory', which was destroyed/);
    plain.destroy();
  });
});

describe('bad input is rejected before any GPU work', () => {
  const good = (): SimulateOptions => ({ params: ensemble(4, 1), dt: 0.01, steps: 10, recordEvery: 1, integrator: 'rk4' });
  const withParam = (name: string, value: number): SimulateOptions => {
    const opts = good();
    (opts.params as unknown as Record<string, Float64Array>)[name]![2] = value;
    return opts;
  };
  const cases: [string, SimulateOptions, RegExp][] = [
    ...PARAM_NAMES.flatMap((name): [string, SimulateOptions, RegExp][] => [
      [`${name} = NaN`, withParam(name, NaN), new RegExp(`oscillator 2 parameter ${name} must be a finite number, got NaN`)],
      [`${name} = Infinity`, withParam(name, Infinity), new RegExp(`oscillator 2 parameter ${name} must be a finite number, got Infinity`)],
      [`${name} = 1e39`, withParam(name, 1e39), new RegExp(`oscillator 2 parameter ${name}=1e\\+39 is outside float32's range`)],
    ]),
    ['m = 0', withParam('m', 0), /oscillator 2 parameter m must be non-zero/],
    ['m = 1e-300', withParam('m', 1e-300), /oscillator 2 parameter m=1e-300 is too small for float32/],
    ['dt = 0', { ...good(), dt: 0 }, /dt must be a finite number > 0, got 0/],
    ['dt < 0', { ...good(), dt: -0.1 }, /dt must be a finite number > 0, got -0.1/],
    ['dt = NaN', { ...good(), dt: NaN }, /dt must be a finite number > 0, got NaN/],
    ['dt = 1e-45', { ...good(), dt: 1e-45 }, /dt=1e-45 is too small for float32/],
    ['steps = 0', { ...good(), steps: 0 }, /steps must be an integer >= 1, got 0/],
    ['steps = 2.5', { ...good(), steps: 2.5 }, /steps must be an integer >= 1, got 2.5/],
    ['recordEvery = 0', { ...good(), recordEvery: 0 }, /recordEvery must be an integer >= 1, got 0/],
    ['integrator', { ...good(), integrator: 'leapfrog' as Integrator }, /integrator must be one of rk4, euler, symplectic, got 'leapfrog' \(a string\)/],
    ['steps * dt beyond float32', { ...good(), dt: 1e38 }, /the run's length steps \* dt = 1e\+39 is outside float32's range/],
    ['output > maxBufferSize', { ...good(), steps: 2 ** 31 }, /needs 34359738384 bytes, more than this device's maxBufferSize/],
    ['steps > the kernel counter', { ...good(), steps: 2 ** 32, recordEvery: 2 ** 32 }, /steps=4294967296 exceeds the GPU kernel's step counter/],
    ['no options at all', undefined as unknown as SimulateOptions, /simulate: options must be an object \{ params, dt, steps, recordEvery, integrator \}, got undefined/],
  ];

  it.each(cases)('%s', async (_name, opts, message) => {
    const { dispatches, buffersCreated } = gpu.sched.counters;
    await expect(simulate(gpu.sched, opts)).rejects.toThrow(message);
    expect(gpu.sched.counters.dispatches).toBe(dispatches);
    expect(gpu.sched.counters.buffersCreated).toBe(buffersCreated);
  });
});
