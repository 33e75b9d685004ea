// uniform-ring.ts — per-dispatch uniforms as slices of a few shared uniform buffers, bound
// with dynamic offsets (one bind group serves every dispatch of a pipeline with the same
// storage bindings). Values are packed into host staging copies while recording and written
// with one queue.writeBuffer per buffer at submit: queue order puts each write after the
// submits that read the previous contents, so the buffers are reused at once.

/** Bytes of each shared uniform buffer. */
export const UNIFORM_CHUNK_BYTES = 64 * 1024;

export interface UniformSlot {
  buffer: GPUBuffer;
  /** Staging view of the whole chunk: pack the struct at `offset`. */
  view: DataView;
  offset: number;
}

interface UniformChunk {
  buffer: GPUBuffer;
  staging: ArrayBuffer;
  view: DataView;
  used: number;
}

export class UniformRing {
  readonly #chunks: UniformChunk[] = [];
  #current = 0;

  readonly #newBuffer: (bytes: number) => GPUBuffer;
  readonly #align: number;

  /** newBuffer makes a UNIFORM | COPY_DST buffer (the scheduler counts it); align: minUniformBufferOffsetAlignment. */
  constructor(newBuffer: (bytes: number) => GPUBuffer, align: number) {
    this.#newBuffer = newBuffer;
    this.#align = align;
  }

  /** A slice for a struct of structBytes, aligned for a dynamic offset. */
  slot(structBytes: number): UniformSlot {
    const size = Math.ceil(structBytes / this.#align) * this.#align;
    if (size > UNIFORM_CHUNK_BYTES) throw new Error(`uniform struct of ${structBytes} bytes exceeds the ${UNIFORM_CHUNK_BYTES}-byte uniform chunk`);
    for (;;) {
      let chunk = this.#chunks[this.#current];
      if (!chunk) {
        const staging = new ArrayBuffer(UNIFORM_CHUNK_BYTES);
        chunk = { buffer: this.#newBuffer(UNIFORM_CHUNK_BYTES), staging, view: new DataView(staging), used: 0 };
        this.#chunks.push(chunk);
      }
      if (chunk.used + size <= UNIFORM_CHUNK_BYTES) {
        const offset = chunk.used;
        chunk.used += size;
        return { buffer: chunk.buffer, view: chunk.view, offset };
      }
      this.#current++;
    }
  }

  /** Queues the packed values of every used chunk (call just before the submit that reads them), then starts over. */
  write(queue: GPUQueue): void {
    for (const chunk of this.#chunks) {
      if (chunk.used > 0) queue.writeBuffer(chunk.buffer, 0, chunk.staging, 0, chunk.used);
    }
    this.reset();
  }

  /** Forgets what was packed since the last write (recorded work was discarded). */
  reset(): void {
    for (const chunk of this.#chunks) chunk.used = 0;
    this.#current = 0;
  }

  /** Forgets the buffers too (their owner destroyed them); later slots make new ones. */
  clear(): void {
    this.#chunks.length = 0;
    this.#current = 0;
  }
}
