// pool.ts — scratch buffers bucketed by size (powers of two, ≥ 256 B) and usage. A released
// buffer becomes reusable only once the submit that last used it has completed on the GPU.

/** What a ScratchPool holds, from stats(). */
export interface PoolStats {
  /** Buffers allocated since the pool was made. */
  buffersCreated: number;
  /** Bytes allocated since the pool was made. */
  bytesCreated: number;
  /** Buffers acquired and not yet released. */
  inUse: number;
  /** Released buffers waiting for their last submit to complete. */
  pending: number;
  /** Buffers ready for reuse. */
  free: number;
}

interface Pending {
  buffer: GPUBuffer;
  key: string;
  serial: number;
}

/** Scratch GPU buffers bucketed by size (powers of two, at least 256 bytes) and usage; a released buffer is reused only after the submit that last used it has completed. Each Scheduler has one (`sched.pool`). */
export class ScratchPool {
  readonly #free = new Map<string, GPUBuffer[]>();
  readonly #pending: Pending[] = [];
  readonly #bucketOf = new WeakMap<GPUBuffer, string>();
  #inUse = 0;
  #buffersCreated = 0;
  #bytesCreated = 0;

  readonly #createBuffer: (bytes: number, usage: number, label: string) => GPUBuffer;
  readonly #serials: () => { recording: number; completed: number };
  readonly #destroyBuffer: (buffer: GPUBuffer) => void;

  /**
   * @param createBuffer allocates a new buffer (counted by the scheduler)
   * @param serials the number of the submit now being recorded and the last completed one
   * @param destroyBuffer frees a buffer (through the scheduler, so it is uncounted and unbindable)
   */
  constructor(
    createBuffer: (bytes: number, usage: number, label: string) => GPUBuffer,
    serials: () => { recording: number; completed: number },
    destroyBuffer: (buffer: GPUBuffer) => void = (buffer) => buffer.destroy(),
  ) {
    this.#createBuffer = createBuffer;
    this.#serials = serials;
    this.#destroyBuffer = destroyBuffer;
  }

  /** Rounds a request up to its bucket size. */
  static bucketBytes(bytes: number): number {
    if (!(bytes > 0) || !Number.isFinite(bytes)) throw new Error(`scratch buffer size must be positive, got ${bytes}`);
    return Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
  }

  /** A buffer of at least `bytes` bytes with `usage` (GPUBufferUsage flags): a free one of its bucket, or a new one. Throws when `bytes` is not a positive finite number. */
  acquire(bytes: number, usage: number): GPUBuffer {
    this.reclaim();
    const size = ScratchPool.bucketBytes(bytes);
    const key = `${usage}:${size}`;
    let buffer = this.#free.get(key)?.pop();
    if (!buffer) {
      buffer = this.#createBuffer(size, usage, `scratch ${size}B`);
      this.#buffersCreated++;
      this.#bytesCreated += size;
    }
    this.#bucketOf.set(buffer, key);
    this.#inUse++;
    return buffer;
  }

  /** Returns a buffer; it is handed out again after the current submit completes. */
  release(buffer: GPUBuffer): void {
    const key = this.#bucketOf.get(buffer);
    if (!key) throw new Error('release(): this buffer did not come from the scratch pool');
    this.#bucketOf.delete(buffer);
    this.#inUse--;
    this.#pending.push({ buffer, key, serial: this.#serials().recording });
  }

  /** Moves buffers whose last submit has completed back to the free lists. */
  reclaim(): void {
    const { completed } = this.#serials();
    let kept = 0;
    for (const p of this.#pending) {
      if (p.serial <= completed) {
        const list = this.#free.get(p.key) ?? [];
        list.push(p.buffer);
        this.#free.set(p.key, list);
      } else this.#pending[kept++] = p;
    }
    this.#pending.length = kept;
  }

  /** Counts of created, in-use, pending and free buffers. */
  stats(): PoolStats {
    let free = 0;
    for (const list of this.#free.values()) free += list.length;
    return { buffersCreated: this.#buffersCreated, bytesCreated: this.#bytesCreated, inUse: this.#inUse, pending: this.#pending.length, free };
  }

  /** Frees every buffer the pool holds (free and pending; ones in use belong to their holders until released). */
  destroy(): void {
    for (const list of this.#free.values()) list.forEach((b) => this.#destroyBuffer(b));
    this.#pending.forEach((p) => this.#destroyBuffer(p.buffer));
    this.#free.clear();
    this.#pending.length = 0;
  }
}
