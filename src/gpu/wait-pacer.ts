// wait-pacer.ts — dawn.node spins the JS thread while a GPU promise is pending; on a 2-core
// machine that takes a core from a software adapter. In Node the scheduler therefore sleeps
// through most of the wait it expects before asking Dawn (browsers do not spin).
// Expected wait = the smaller of: the recent average wait, and the recent wait per dispatch ×
// the dispatches pending — so a read of a few copies after a long epoch (weights, a
// checkpoint) does not sleep as long as the epoch's wait did.

export class WaitPacer {
  private waitEmaMs = 0;
  private waitPerDispatchMs = 0;
  private dispatchesWaited = 0;
  private pendingDispatches = 0;
  private sleptMs = 0;
  private startedAt = 0;

  /** @param enabled false in browsers, whose waits do not spin */
  constructor(private readonly enabled: boolean) {}

  /** The wait expected for `pending` dispatches, in ms. */
  expectedMs(pending: number): number {
    return Math.min(this.waitEmaMs, this.waitPerDispatchMs * pending);
  }

  /** Call right before waiting; `dispatchesSoFar` is the scheduler's dispatch counter. */
  async before(dispatchesSoFar: number): Promise<void> {
    this.startedAt = performance.now();
    this.sleptMs = 0;
    this.pendingDispatches = dispatchesSoFar - this.dispatchesWaited;
    this.dispatchesWaited = dispatchesSoFar;
    const expected = this.expectedMs(this.pendingDispatches);
    if (!this.enabled || expected < 2) return;
    await new Promise<void>((done) => setTimeout(done, Math.floor(0.8 * expected)));
    this.sleptMs = performance.now() - this.startedAt;
  }

  /** Call once the wait is over: updates the averages. */
  after(now = performance.now()): void {
    const waited = now - this.startedAt;
    if (this.pendingDispatches === 0) return; // copies only: says nothing about dispatches
    const perDispatch = waited / this.pendingDispatches;
    if (this.sleptMs > 0 && waited - this.sleptMs < 0.5) {
      this.waitEmaMs *= 0.5; // done before we looked: maybe much earlier, so expect less
      this.waitPerDispatchMs *= 0.5;
    } else {
      this.waitEmaMs = this.waitEmaMs === 0 ? waited : 0.7 * this.waitEmaMs + 0.3 * waited;
      this.waitPerDispatchMs = this.waitPerDispatchMs === 0 ? perDispatch : 0.7 * this.waitPerDispatchMs + 0.3 * perDispatch;
    }
  }
}
