// error-scopes.ts — the safety net under the scheduler's recording-time checks. Each call that
// hands work to the device (a submit, a buffer or bind group creation, a queue write) runs
// inside its own validation + out-of-memory error scope, pushed and popped in the same
// synchronous block (so scopes of two schedulers never interleave). What a scope catches is
// kept with the call's name and thrown, once, by the scheduler's next wait on the GPU: the
// context is never left with an uncaptured error, and the next call works.
import { GpuValidationError } from './errors';
import type { GpuContext } from './context';
import type { Lifetime } from './lifetime';

/** One scheduler's error scopes and what they caught since its last wait. */
export class ErrorScopes {
  readonly #pending = new Set<Promise<void>>();
  #caught: GpuValidationError[] = [];

  readonly #device: GPUDevice;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** Runs fn inside validation and out-of-memory scopes; `where` names the call in a caught error. */
  run<T>(where: string, fn: () => T): T {
    this.#device.pushErrorScope('out-of-memory');
    this.#device.pushErrorScope('validation');
    try {
      return fn();
    } finally {
      this.#watch(where, this.#device.popErrorScope());
      this.#watch(where, this.#device.popErrorScope());
    }
  }

  /**
   * Awaits a GPU promise for `lifetime`'s `method` (read, flush). A rejection because the device
   * was lost (Dawn rejects pending maps with an empty AbortError) becomes the context's
   * DeviceLostError, one because the owner was disposed meanwhile its after-dispose error;
   * afterwards, errors caught by the scopes since the last wait (and an uncaptured one) are thrown.
   */
  async wait<T>(ctx: GpuContext, lifetime: Lifetime, method: string, wait: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await wait();
    } catch (e) {
      // The lost promise resolves just before Dawn rejects pending maps; allow it a moment.
      await Promise.race([ctx.lost, sleep(100)]);
      lifetime.check(method);
      throw new Error(`${lifetime.owner}.${method}(): waiting for the GPU failed: ${(e as Error)?.name ?? 'Error'} ${(e as Error)?.message ?? String(e)}`);
    }
    lifetime.check(method);
    await this.throwCaught();
    ctx.throwIfFailed();
    return result;
  }

  /** Waits for every scope popped so far; throws the first error they caught (then forgets them). */
  async throwCaught(): Promise<void> {
    await Promise.all([...this.#pending]);
    const first = this.#caught[0];
    this.#caught = [];
    if (first) throw first;
  }

  #watch(where: string, popped: Promise<GPUError | null>): void {
    const settled = popped.then(
      (error) => {
        if (error) this.#caught.push(new GpuValidationError(where, error.message));
      },
      () => undefined, // the device was lost: device loss is reported instead
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }
}

/** Resolves after ms milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
