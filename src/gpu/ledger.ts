// ledger.ts — the buffers one Scheduler owns: created (counted, registered with an id), and
// destroyed (uncounted and unbindable at once; freed right away, or — when the open encoder
// still uses them — right after the submit or discard that closes it), all freed by dispose.
import type { BufferRegistry } from './buffers';
import type { ErrorScopes } from './error-scopes';
import type { Lifetime } from './lifetime';

/** The counters the ledger keeps (a Scheduler's Counters object). */
export interface LedgerCounters {
  buffersCreated: number;
  bytesCreated: number;
  liveBuffers: number;
  liveBytes: number;
}

export class BufferLedger {
  /** Live buffers this scheduler created, with their sizes. */
  readonly #liveSizes = new Map<GPUBuffer, number>();
  readonly #tensorLives = new WeakMap<GPUBuffer, Lifetime>();
  /** Buffers the open encoder uses, and destroyed ones to free once it is submitted or dropped. */
  readonly #recorded = new Set<GPUBuffer>();
  #deferred: GPUBuffer[] = [];

  readonly #device: GPUDevice;
  readonly #registry: BufferRegistry;
  readonly #scopes: ErrorScopes;
  readonly #counters: LedgerCounters;
  readonly #forget: (bufferId: number) => void;

  /**
   * @param forget called with a destroyed buffer's id (its bind groups go)
   */
  constructor(
    device: GPUDevice,
    registry: BufferRegistry,
    scopes: ErrorScopes,
    counters: LedgerCounters,
    forget: (bufferId: number) => void,
  ) {
    this.#device = device;
    this.#registry = registry;
    this.#scopes = scopes;
    this.#counters = counters;
    this.#forget = forget;
  }

  /** Creates, registers and counts a buffer of `size` bytes (a multiple of 4, checked by the caller). */
  create(size: number, usage: number, label: string): GPUBuffer {
    const buffer = this.#scopes.run(`createBuffer('${label}', ${size} bytes)`, () => this.#device.createBuffer({ size, usage, label }));
    this.#registry.own(buffer, label, size, usage);
    this.#liveSizes.set(buffer, size);
    this.#counters.buffersCreated++;
    this.#counters.bytesCreated += size;
    this.#counters.liveBuffers++;
    this.#counters.liveBytes += size;
    return buffer;
  }

  /** Ends `life` when the buffer is destroyed (a Tensor's). */
  attach(buffer: GPUBuffer, life: Lifetime): void {
    this.#tensorLives.set(buffer, life);
  }

  /** Destroys one of this scheduler's live buffers (no-op otherwise). endTensor: end its Tensor's Lifetime too. */
  destroy(buffer: GPUBuffer, endTensor: boolean): void {
    const record = this.#registry.liveOwned(buffer);
    if (!record) return;
    record.alive = false;
    if (endTensor) this.#tensorLives.get(buffer)?.end();
    this.#forget(record.id);
    this.#counters.liveBuffers--;
    this.#counters.liveBytes -= this.#liveSizes.get(buffer)!;
    this.#liveSizes.delete(buffer);
    if (this.#recorded.has(buffer)) this.#deferred.push(buffer);
    else buffer.destroy();
  }

  /** The open encoder uses this buffer: destroying it waits for the encoder's submit. */
  markRecorded(buffer: GPUBuffer): void {
    this.#recorded.add(buffer);
  }

  /** The open encoder is gone (submitted or dropped): free what was destroyed while it was open. */
  releaseRecorded(): void {
    this.#recorded.clear();
    for (const b of this.#deferred) b.destroy();
    this.#deferred = [];
  }

  /** Destroys every live buffer (the scheduler's dispose(); Tensors then say their Scheduler is gone). */
  destroyAll(): void {
    for (const b of [...this.#liveSizes.keys()]) this.destroy(b, false);
    this.releaseRecorded();
  }
}
