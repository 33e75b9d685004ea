// lifetime.ts — whether a GPU-owning object is alive, and what it depends on. Every public
// method of such an object starts with `life.check('method')`, which throws before anything is
// recorded: `RecurrentModel.forward() after destroy()`, `… after dispose() of its Scheduler`,
// or the context's DeviceLostError. destroy()/dispose() bodies run once (`if (!lifetime.end()) return`).
import { UseAfterDestroyError } from './errors';

/** The word an object's release method uses: destroy() or dispose(). */
export type ReleaseVerb = 'destroy' | 'dispose';

/** The liveness of one object: its own release, its dependencies', and (at the root) device loss. */
export class Lifetime {
  #released = false;
  readonly #dependencies: readonly Lifetime[];
  readonly #lost: () => Error | null;

  /**
   * @param owner the class name used in messages ('RecurrentModel')
   * @param verb its release method
   * @param dependencies objects it needs alive (its Scheduler; a Forecaster's Trajectory)
   * @param lost at a context: the DeviceLostError once the device is lost, else null
   */
  constructor(
    readonly owner: string,
    readonly verb: ReleaseVerb,
    dependencies: readonly Lifetime[] = [],
    lost: () => Error | null = () => null,
  ) {
    this.#dependencies = dependencies;
    this.#lost = lost;
  }

  /** True once this object was released (not its dependencies). */
  get ended(): boolean {
    return this.#released;
  }

  /** True while this object and everything it depends on are alive and the device is not lost. */
  get alive(): boolean {
    return !this.#released && this.#firstReleased() === null && this.#lostError() === null;
  }

  /** Marks the release; false when it had already happened (so a release body runs once). */
  end(): boolean {
    if (this.#released) return false;
    this.#released = true;
    return true;
  }

  /** Throws `<owner>.<method>() after <verb>()` (or of a dependency), or the device-lost error. */
  check(method: string): void {
    // On every public call: no allocation unless something is wrong.
    if (!this.#released && this.#firstReleased() === null && this.#lostError() === null) return;
    this.#throwFor(method === 'new' ? `new ${this.owner}()` : `${this.owner}.${method}()`);
  }

  /**
   * For a function or factory (`simulate()`, `RecurrentModel.create()`): throws `<call> after
   * dispose() of its Scheduler` (or the device-lost error) when a dependency is gone.
   */
  static require(call: string, dependencies: readonly Lifetime[]): void {
    new Lifetime('', 'destroy', dependencies).#throwFor(call);
  }

  #throwFor(call: string): void {
    if (this.#released) throw new UseAfterDestroyError(`${call} after ${this.verb}()`);
    const dead = this.#firstReleased();
    if (dead) throw new UseAfterDestroyError(`${call} after ${dead.verb}() of its ${dead.owner}`);
    const lost = this.#lostError();
    if (lost) throw lost;
  }

  /** The nearest released dependency (depth first), or null. */
  #firstReleased(): Lifetime | null {
    for (const d of this.#dependencies) {
      if (d.#released) return d;
      const deeper = d.#firstReleased();
      if (deeper) return deeper;
    }
    return null;
  }

  #lostError(): Error | null {
    const own = this.#lost();
    if (own) return own;
    for (const d of this.#dependencies) {
      const e = d.#lostError();
      if (e) return e;
    }
    return null;
  }
}

