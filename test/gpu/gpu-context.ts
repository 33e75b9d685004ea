// gpu-context.ts — shared set-up for the GPU tier: one context + scheduler per test file,
// on the adapter Node finds (or SPRINGLOOP_ADAPTER). No adapter is a failure, not a skip.
import { afterAll, beforeAll } from 'vitest';
import { init, type GpuContext, type InitOptions } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';

export interface GpuFixture {
  ctx: GpuContext;
  sched: Scheduler;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in before tests run. */
export function useGpu(options: InitOptions = {}): GpuFixture {
  const fixture = {} as GpuFixture;
  beforeAll(async () => {
    fixture.ctx = await init(options);
    fixture.sched = new Scheduler(fixture.ctx);
  });
  afterAll(() => {
    fixture.sched?.dispose();
    fixture.ctx?.dispose();
  });
  return fixture;
}

/** Largest difference in units of float32 spacing at the reference's magnitude. */
export function maxUlpError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const ulp = Math.max(Math.abs(e), 1.1754943508222875e-38) * 2 ** -23;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / ulp);
  }
  return worst;
}
