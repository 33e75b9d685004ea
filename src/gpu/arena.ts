// arena.ts — all parameters of a model in one GPU buffer, laid out from a size table
// (each tensor aligned to the device's storage-offset alignment), with a gradient arena
// of the same layout. A fused optimizer sees each arena as one flat f32 array.
import { numel, formatShape, type GpuTensor } from './tensor';
import { STORAGE_RW } from './flags';
import type { Scheduler } from './scheduler';
import { Lifetime } from './lifetime';

/** A tensor to place in an arena: its name and shape. */
export interface ArenaEntry {
  /** Unique name, e.g. a PyTorch state_dict key. */
  name: string;
  /** Shape in f32 elements, e.g. [4H, I]. */
  shape: readonly number[];
}

/** Where an arena entry lives in the arena's buffers. */
export interface ArenaSlot extends ArenaEntry {
  /** Byte offset, a multiple of the alignment the layout was made for. */
  offset: number; // bytes
  /** f32 elements (the product of the shape). */
  count: number; // f32 elements
}

/** Computes the layout of an arena: offsets aligned to `alignment` bytes. */
export function layoutArena(entries: readonly ArenaEntry[], alignment: number): { slots: ArenaSlot[]; bytes: number } {
  const slots: ArenaSlot[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`arena: tensor '${e.name}' is listed twice`);
    seen.add(e.name);
    const count = numel(e.shape);
    if (!Number.isInteger(count) || count < 1) throw new Error(`arena: tensor '${e.name}' has invalid shape ${formatShape(e.shape)}`);
    slots.push({ ...e, offset, count });
    offset = Math.ceil((offset + 4 * count) / alignment) * alignment;
  }
  return { slots, bytes: Math.max(offset, alignment) };
}

/** A model's parameters in one GPU buffer and its gradients in a second of the same layout (see layoutArena), so an optimizer updates everything in one dispatch. Throws on duplicate names or empty shapes. */
export class ParamArena {
  /** Alive until destroy() (and while its scheduler is). */
  readonly lifetime: Lifetime;
  /** Every tensor's slot, in layout order. */
  readonly slots: readonly ArenaSlot[];
  /** Size of each buffer in bytes (alignment padding included). */
  readonly bytes: number;
  /** The parameters (storage, copy src/dst). */
  readonly params: GPUBuffer;
  /** The gradients, laid out like `params`. */
  readonly grads: GPUBuffer;
  readonly #byName: Map<string, ArenaSlot>;
  readonly #sched: Scheduler;

  constructor(sched: Scheduler, entries: readonly ArenaEntry[], label = 'params') {
    this.#sched = sched;
    this.lifetime = new Lifetime('ParamArena', 'destroy', [sched.lifetime]);
    this.lifetime.check('new');
    const layout = layoutArena(entries, sched.device.limits.minStorageBufferOffsetAlignment);
    this.slots = layout.slots;
    this.bytes = layout.bytes;
    this.#byName = new Map(this.slots.map((s) => [s.name, s]));
    this.params = sched.createBuffer(this.bytes, STORAGE_RW, label);
    this.grads = sched.createBuffer(this.bytes, STORAGE_RW, `${label}.grad`);
  }

  /** Total f32 elements of the arena, padding included (what a fused optimizer walks). */
  get floats(): number {
    return this.bytes / 4;
  }

  /** The slot of `name`; throws listing the names there are when it has none of that name. */
  slot(name: string): ArenaSlot {
    this.lifetime.check('slot');
    const s = this.#byName.get(name);
    if (!s) throw new Error(`arena has no tensor '${name}' (it has: ${[...this.#byName.keys()].join(', ')})`);
    return s;
  }

  /** A tensor view of parameter `name` (binds its byte range of `params`). */
  param(name: string): GpuTensor {
    const s = this.slot(name);
    return { buffer: this.params, offset: s.offset, shape: s.shape, dtype: 'f32', label: name };
  }

  /** A tensor view of the gradient of `name` (its byte range of `grads`). */
  grad(name: string): GpuTensor {
    const s = this.slot(name);
    return { buffer: this.grads, offset: s.offset, shape: s.shape, dtype: 'f32', label: `${name}.grad` };
  }

  /** Uploads every tensor of `values` (all names must exist, sizes must match) in one write. */
  write(values: Readonly<Record<string, ArrayLike<number>>>): void {
    this.lifetime.check('write');
    const host = new Float32Array(this.bytes / 4);
    const current = new Set(Object.keys(values));
    for (const s of this.slots) {
      const v = values[s.name];
      if (!v) throw new Error(`arena write: tensor '${s.name}' is missing`);
      if (v.length !== s.count) throw new Error(`arena write: tensor '${s.name}' has ${v.length} values, expected ${s.count} for shape ${formatShape(s.shape)}`);
      host.set(v, s.offset / 4);
      current.delete(s.name);
    }
    if (current.size > 0) throw new Error(`arena write: unknown tensor(s) ${[...current].join(', ')}`);
    this.#sched.upload({ buffer: this.params, offset: 0, shape: [this.floats], dtype: 'f32', label: 'arena' }, host);
  }

  /** Reads the whole arena (or its gradients) back in one transfer. */
  async read(which: 'params' | 'grads' = 'params'): Promise<Record<string, Float32Array>> {
    this.lifetime.check('read');
    const buffer = which === 'params' ? this.params : this.grads;
    const flat = (await this.#sched.read({ buffer, offset: 0, size: this.bytes })) as Float32Array;
    const out: Record<string, Float32Array> = {};
    for (const s of this.slots) out[s.name] = flat.slice(s.offset / 4, s.offset / 4 + s.count);
    return out;
  }

  /** Frees both buffers. Idempotent. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    this.#sched.destroyBuffer(this.params);
    this.#sched.destroyBuffer(this.grads);
  }
}
