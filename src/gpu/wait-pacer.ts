// wait-pacer.ts — dawn.node spins the JS thread while a GPU promise is pending; on a 2-core
// machine that takes a core from a software adapter. In Node the scheduler therefore sleeps
// through most of the wait it expects before asking Dawn (browsers do not spin).
// Expected wait = the smaller of: the recent average wait, and the recent wait per dispatch ×
// the dispatches pending — so a read of a few copies after a long epoch (weights, a
// checkpoint) does not sleep as long as the epoch's wait did.
// A sleep can overshoot (the work was done before we looked): then the residual — what is
// left to wait after the sleep — is only Dawn's own latency. The smallest residual seen
// estimates that latency; a residual near it means "overslept", and halves the estimates, so
// after a run of big dispatches (a long simulation) the pacer comes down to small ones
// within a few waits instead of sleeping their old length.

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((done) => setTimeout(done, ms)),
};

/** What a Scheduler calls around each GPU wait (WaitPacer in Node; NO_PACING where waits do not spin). */
export interface GpuWaitPacer {
  /** Call right before waiting; `dispatchesSoFar` is the scheduler's dispatch counter. */
  before(dispatchesSoFar: number): Promise<void>;
  /** Call once the wait is over. */
  after(): void;
  /** Forgets what it learned. */
  reset(): void;
}

/** The pacer of runtimes whose GPU waits do not spin (browsers): nothing to learn, no sleep. */
export const NO_PACING: GpuWaitPacer = { before: async () => {}, after: () => {}, reset: () => {} };

export class WaitPacer implements GpuWaitPacer {
  #waitEmaMs = 0;
  #waitPerDispatchMs = 0;
  #dispatchesWaited = 0;
  #pendingDispatches = 0;
  #sleptMs = 0;
  #startedAt = 0;
  /** Smallest wait left after a sleep: Dawn's latency once the work is done. */
  #residualFloorMs = Infinity;

  readonly #enabled: boolean;
  readonly #clock: PacerClock;

  /** @param enabled false in browsers, whose waits do not spin */
  constructor(
    enabled: boolean,
    clock: PacerClock = REAL_CLOCK,
  ) {
    this.#enabled = enabled;
    this.#clock = clock;
  }

  /** The wait expected for `pending` dispatches, in ms. */
  expectedMs(pending: number): number {
    return Math.min(this.#waitEmaMs, this.#waitPerDispatchMs * pending);
  }

  /** Forgets what it learned (the next waits are measured, not slept through). */
  reset(): void {
    this.#waitEmaMs = 0;
    this.#waitPerDispatchMs = 0;
  }

  /** Call right before waiting; `dispatchesSoFar` is the scheduler's dispatch counter. */
  async before(dispatchesSoFar: number): Promise<void> {
    this.#startedAt = this.#clock.now();
    this.#sleptMs = 0;
    this.#pendingDispatches = dispatchesSoFar - this.#dispatchesWaited;
    this.#dispatchesWaited = dispatchesSoFar;
    const expected = this.expectedMs(this.#pendingDispatches);
    if (!this.#enabled || expected < 2) return;
    await this.#clock.sleep(Math.floor(0.8 * expected));
    this.#sleptMs = this.#clock.now() - this.#startedAt;
  }

  /** Call once the wait is over: updates the averages. */
  after(now = this.#clock.now()): void {
    const waited = now - this.#startedAt;
    if (this.#pendingDispatches === 0) return; // copies only: says nothing about dispatches
    if (this.#sleptMs > 0) {
      const residual = waited - this.#sleptMs;
      this.#residualFloorMs = Math.min(this.#residualFloorMs, residual);
      if (residual <= 2 * this.#residualFloorMs + 0.5) {
        this.#waitEmaMs *= 0.5; // done before we looked: maybe much earlier, so expect less
        this.#waitPerDispatchMs *= 0.5;
        return;
      }
    }
    const perDispatch = waited / this.#pendingDispatches;
    this.#waitEmaMs = this.#waitEmaMs === 0 ? waited : 0.7 * this.#waitEmaMs + 0.3 * waited;
    this.#waitPerDispatchMs = this.#waitPerDispatchMs === 0 ? perDispatch : 0.7 * this.#waitPerDispatchMs + 0.3 * perDispatch;
  }
}
