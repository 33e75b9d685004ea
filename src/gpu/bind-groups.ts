// bind-groups.ts — a scheduler's bind groups, keyed by the layout and the identity of every
// bound buffer range (ids from buffers.ts, never a buffer's size or label), least recently used
// first out once `capacity` is reached, and dropped when one of their buffers is destroyed.

/** Bind groups created by default before the least recently used one is dropped. */
export const BIND_GROUP_CAPACITY = 2048;

interface Entry {
  group: GPUBindGroup;
  bufferIds: readonly number[];
}

/** Bind groups by key (layout + bound buffer ids and ranges), bounded and invalidated per buffer. */
export class BindGroupCache {
  readonly #entries = new Map<string, Entry>();
  readonly #keysByBuffer = new Map<number, Set<string>>();

  readonly #capacity: number;

  /** @param capacity most bind groups kept (the least recently used goes first). */
  constructor(capacity = BIND_GROUP_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Bind groups held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached group for `key` (marking it recently used), else undefined. */
  get(key: string): GPUBindGroup | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, hit);
    return hit.group;
  }

  /** Adds a group that binds the buffers `bufferIds`, evicting the least recently used when full. */
  set(key: string, group: GPUBindGroup, bufferIds: readonly number[]): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#delete(oldest);
    }
    this.#entries.set(key, { group, bufferIds });
    for (const id of bufferIds) {
      let keys = this.#keysByBuffer.get(id);
      if (!keys) this.#keysByBuffer.set(id, (keys = new Set()));
      keys.add(key);
    }
  }

  /** Drops every group that binds buffer `id` (it was destroyed). */
  forgetBuffer(id: number): void {
    const keys = this.#keysByBuffer.get(id);
    if (!keys) return;
    for (const key of [...keys]) this.#delete(key);
    this.#keysByBuffer.delete(id);
  }

  clear(): void {
    this.#entries.clear();
    this.#keysByBuffer.clear();
  }

  #delete(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    for (const id of e.bufferIds) {
      const keys = this.#keysByBuffer.get(id);
      keys?.delete(key);
      if (keys && keys.size === 0) this.#keysByBuffer.delete(id);
    }
  }
}
