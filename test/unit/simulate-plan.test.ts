// simulate-plan.test.ts — cutting a run into (chunk, group) dispatches: no GPU.
import { describe, expect, it } from 'vitest';
import { planSimulation, type PlanLimits } from '../../src/physics/simulate-plan';
import { rk4Layout } from '../../src/kernels/rk4';

// Row sizes as shaders/rk4.wgsl declares them: [8] f32 parameters, [2] f32 state.
const ROWS = { paramBytes: rk4Layout().paramBytes, stateBytes: rk4Layout().stateBytes };

const LAVAPIPE: PlanLimits = { maxStorageBufferBindingSize: 134217728, maxBufferSize: 4294967295, minStorageBufferOffsetAlignment: 256 };

describe('planSimulation', () => {
  it('reads the row sizes from rk4.wgsl', () => {
    expect(rk4Layout()).toEqual({ paramBytes: 32, stateBytes: 8 });
  });


  it('covers every step exactly once, in order, within the per-dispatch budget', () => {
    const plan = planSimulation({ count: 1000, samples: 101, recordEvery: 7, velocity: false, ...ROWS }, LAVAPIPE, { maxOscillatorStepsPerDispatch: 30_000 });
    expect(plan.totalSteps).toBe(700);
    expect(plan.chunks[0]!.begin).toBe(0);
    for (let k = 1; k < plan.chunks.length; k++) expect(plan.chunks[k]!.begin).toBe(plan.chunks[k - 1]!.end);
    expect(plan.chunks.at(-1)!.end).toBe(700);
    for (const c of plan.chunks) expect((c.end - c.begin) * 1000).toBeLessThanOrEqual(30_000);
    expect(plan.groups).toEqual([{ first: 0, count: 1000 }]);
  });

  it('plans one empty chunk when only the initial state is recorded (S = 1)', () => {
    const plan = planSimulation({ count: 3, samples: 1, recordEvery: 50, velocity: true, ...ROWS }, LAVAPIPE);
    expect(plan.chunks).toEqual([{ begin: 0, end: 0 }]);
    expect(plan.outputBytes).toBe(3 * 4 * 2);
  });

  it('honours stepsPerDispatch over the budget', () => {
    const plan = planSimulation({ count: 5, samples: 11, recordEvery: 1, velocity: false, ...ROWS }, LAVAPIPE, { stepsPerDispatch: 3 });
    expect(plan.chunks.map((c) => c.end - c.begin)).toEqual([3, 3, 3, 1]);
  });

  it.each([
    [3001, 5, false],
    [100_003, 33, false],
    [777, 17, true],
  ])('splits N=%i (S=%i, velocity %s) into aligned groups that each fit one binding', (count, samples, velocity) => {
    const maxBindingBytes = 40_000;
    const plan = planSimulation({ count, samples, recordEvery: 1, velocity, ...ROWS }, LAVAPIPE, { maxBindingBytes });
    expect(plan.groups.length).toBeGreaterThan(1);
    let next = 0;
    for (const g of plan.groups) {
      expect(g.first).toBe(next);
      next += g.count;
      for (const bytes of [plan.outputBytesPerOscillator, ROWS.paramBytes, ROWS.stateBytes]) {
        expect((g.first * bytes) % 256).toBe(0);
        expect(g.count * bytes).toBeLessThanOrEqual(maxBindingBytes);
      }
    }
    expect(next).toBe(count);
  });

  it('rejects an output larger than maxBufferSize, naming the sizes', () => {
    expect(() => planSimulation({ count: 1_000_000, samples: 2001, recordEvery: 1, velocity: true, ...ROWS }, LAVAPIPE)).toThrow(
      /output \[1000000, 2001, 2\] float32 needs 16008000000 bytes, more than this device's maxBufferSize \(4294967295\)/,
    );
  });

  it('rejects one oscillator whose samples overflow a binding, naming recordEvery', () => {
    expect(() => planSimulation({ count: 2, samples: 40_000_001, recordEvery: 1, velocity: false, ...ROWS }, LAVAPIPE)).toThrow(
      /one oscillator records 40000001 samples .* largest storage binding \(134217728 bytes\).*recordEvery \(now 1\)/,
    );
  });

  it('rejects more steps than the kernel counts', () => {
    expect(() => planSimulation({ count: 1, samples: 2, recordEvery: 2 ** 32, velocity: false, ...ROWS }, LAVAPIPE)).toThrow(/steps=4294967296 exceeds/);
  });
});
