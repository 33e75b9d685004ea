// wait-pacer.test.ts — the expected-wait estimate that lets Node sleep instead of spin.
import { describe, expect, it } from 'vitest';
import { WaitPacer } from '../../src/gpu/wait-pacer';

/** Drives one wait of `ms` after `dispatches` more dispatches, without real sleeping. */
async function wait(p: WaitPacer, dispatchesSoFar: number, ms: number): Promise<void> {
  await p.before(dispatchesSoFar);
  p.after(performance.now() + ms);
}

describe('WaitPacer', () => {
  it('expects nothing before it has seen a wait', () => {
    expect(new WaitPacer(false).expectedMs(100)).toBe(0);
  });

  it('learns the wait per dispatch and scales it by the dispatches pending', async () => {
    const p = new WaitPacer(false);
    await wait(p, 100, 50); // 100 dispatches took 50 ms
    expect(p.expectedMs(100)).toBeCloseTo(50, 0);
    expect(p.expectedMs(10)).toBeCloseTo(5, 0); // a smaller batch expects less
    expect(p.expectedMs(0)).toBe(0); // copies only: no sleep
  });

  it('a copy-only wait changes nothing', async () => {
    const p = new WaitPacer(false);
    await wait(p, 100, 50);
    await wait(p, 100, 3000); // nothing dispatched since the last wait
    expect(p.expectedMs(100)).toBeCloseTo(50, 0);
  });

  it('never expects more than the recent average wait', async () => {
    const p = new WaitPacer(false);
    await wait(p, 10, 40);
    expect(p.expectedMs(1000)).toBeCloseTo(40, 0);
  });
});

/** A fake clock: sleeping advances it; each wait's GPU work takes workMs from before(), plus Dawn's latency. */
function fakeGpu(latencyMs: number) {
  let t = 0;
  const slept: number[] = [];
  const pacer = new WaitPacer(true, {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  });
  let dispatches = 0;
  const run = async (count: number, workMs: number) => {
    const start = t;
    dispatches += count;
    await pacer.before(dispatches);
    t = Math.max(t, start + workMs) + latencyMs; // mapAsync resolves once the work is done
    pacer.after();
  };
  return { pacer, run, slept };
}

describe('WaitPacer with sleeping (Node)', () => {
  it('after long waits, comes down to short ones within a few waits, even when Dawn takes milliseconds to answer', async () => {
    const { run, slept } = fakeGpu(3);
    for (let i = 0; i < 4; i++) await run(10, 10_000); // a long simulation: 10 dispatches of a second each
    slept.length = 0;
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const before = slept.reduce((a, b) => a + b, 0);
      await run(24, 500); // a training step: 24 dispatches, 0.5 s
      times.push(slept.reduce((a, b) => a + b, 0) - before);
    }
    expect(times[0]).toBeGreaterThan(500); // the first sleeps too long
    expect(Math.max(...times.slice(6))).toBeLessThanOrEqual(500); // then never past the work
  });

  it('reset() forgets: the next wait is measured, not slept through', async () => {
    const { pacer, run, slept } = fakeGpu(1);
    await run(10, 1000);
    pacer.reset();
    slept.length = 0;
    await run(10, 20);
    expect(slept).toEqual([]);
  });
});
