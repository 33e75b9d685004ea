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
