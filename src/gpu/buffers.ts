// buffers.ts — which buffers a Scheduler may record with, checked before anything is recorded so
// that the GPU never sees a destroyed, foreign or misused buffer. Every buffer gets an id the
// first time a scheduler sees it (also buffers it did not create: those are "adopted"); the
// scheduler's own buffers are alive until destroyBuffer(). Buffers created on a springloop
// device (init() hooks its createBuffer) know their device, so a buffer of another device —
// or of another Scheduler — is rejected by name, never handed to the GPU.
import { describeValue } from '../util/check';
import { BufferUsage } from './flags';
import { numel, type DType, type GpuTensor } from './tensor';

/** A scheduler's view of one buffer. */
export interface BufferRecord {
  /** Unique per process; keys bind groups. */
  readonly id: number;
  readonly label: string;
  /** False once destroyed through its scheduler. Adopted buffers stay true (their owner destroys them). */
  alive: boolean;
  /** Created by this scheduler (else adopted: created with device.createBuffer by the app). */
  readonly owned: boolean;
  /** The buffer's size and usage, read once (a GPUBuffer's getters cross into the implementation). */
  readonly size: number;
  readonly usage: number;
}

/** What a kernel binding can be given: a whole buffer, a tensor (its buffer), or a byte range of a buffer (offset default 0, size default the rest). */
export type Binding = GPUBuffer | GpuTensor | { buffer: GPUBuffer; offset?: number; size?: number };

/** A binding resolved to a checked byte range of a known buffer. */
export interface ResolvedBinding {
  buffer: GPUBuffer;
  offset: number;
  size: number;
  record: BufferRecord;
  /** The tensor, when one was given (its shape, dtype and label are checked). */
  tensor: GpuTensor | null;
}

/** How messages name a binding: `tensor 'x'` or `buffer 'lstm params'`. */
export function describeResolved(r: Pick<ResolvedBinding, 'record' | 'tensor'>): string {
  return r.tensor ? `tensor '${r.tensor.label}'` : `buffer '${r.record.label}'`;
}

let nextBufferId = 1;
/** The registry that created each springloop buffer (any scheduler, any device). */
const creators = new WeakMap<GPUBuffer, BufferRegistry>();
/** The device of every buffer created on a device init() made. */
const bufferDevices = new WeakMap<GPUBuffer, GPUDevice>();
const hookedDevices = new WeakSet<GPUDevice>();

/**
 * Records the device of every buffer later created on `device` (wraps its createBuffer), so a
 * scheduler can reject another device's buffers by name. init() calls it for its devices.
 */
export function trackDeviceBuffers(device: GPUDevice): void {
  if (hookedDevices.has(device)) return;
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const buffer = create(descriptor);
    bufferDevices.set(buffer, device);
    return buffer;
  };
  hookedDevices.add(device);
}

/** True for a GPUBuffer (of any device). */
export function isGpuBuffer(b: unknown): b is GPUBuffer {
  return typeof b === 'object' && b !== null && typeof (b as GPUBuffer).mapAsync === 'function' && typeof (b as GPUBuffer).size === 'number';
}

function isTensorLike(b: object): b is GpuTensor {
  return 'shape' in b && 'buffer' in b;
}

const DTYPES: readonly DType[] = ['f32', 'u32', 'i32'];

/** Every buffer one scheduler has created or seen, with the checks that make binding them safe. */
export class BufferRegistry {
  readonly #records = new WeakMap<GPUBuffer, BufferRecord>();

  /** @param device the scheduler's device (its buffers may be adopted; others' are foreign). */
  constructor(readonly device: GPUDevice) {}

  /** Registers a buffer this scheduler just created. */
  own(buffer: GPUBuffer, label: string, size: number, usage: number): BufferRecord {
    const record: BufferRecord = { id: nextBufferId++, label, alive: true, owned: true, size, usage };
    this.#records.set(buffer, record);
    creators.set(buffer, this);
    return record;
  }

  /** The record of one of this scheduler's live buffers, or null (not ours, or already destroyed). */
  liveOwned(buffer: GPUBuffer): BufferRecord | null {
    const r = this.#records.get(buffer);
    return r && r.owned && r.alive ? r : null;
  }

  /** The record of a buffer seen before (any state), without adopting it. */
  peek(buffer: GPUBuffer): BufferRecord | undefined {
    return this.#records.get(buffer);
  }

  /**
   * Checks and resolves a binding: a tensor, buffer or range of a live buffer of this scheduler
   * (or adopted from this device), 4-byte aligned, non-empty and inside its buffer.
   * `where` names the call, `name` the argument ("binding 'x'", "src").
   */
  resolve(where: string, name: string, b: unknown): ResolvedBinding {
    if (typeof b !== 'object' || b === null) throw notBindable(where, name, b);
    const inner = (b as { buffer?: unknown }).buffer;
    if (inner === undefined) {
      const record = this.#admit(where, name, b, null);
      return this.#range(where, name, b as GPUBuffer, 0, record.size, null, record);
    }
    if (isTensorLike(b)) {
      const record = this.#admit(where, name, inner, b);
      checkTensorFields(where, name, b);
      return this.#range(where, name, inner as GPUBuffer, b.offset, 4 * numel(b.shape), b, record);
    }
    const record = this.#admit(where, name, inner, null);
    const r = b as { offset?: unknown; size?: unknown };
    const offset = r.offset ?? 0;
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new Error(`${where}: ${name}.offset must be an integer >= 0, got ${describeValue(offset)}`);
    const size = r.size ?? record.size - offset;
    if (typeof size !== 'number' || !Number.isSafeInteger(size)) throw new Error(`${where}: ${name}.size must be an integer, got ${describeValue(size)}`);
    return this.#range(where, name, inner as GPUBuffer, offset, size, null, record);
  }

  #range(where: string, name: string, buffer: GPUBuffer, offset: number, size: number, tensor: GpuTensor | null, record: BufferRecord): ResolvedBinding {
    if (offset % 4 !== 0 || size % 4 !== 0 || size <= 0 || offset + size > record.size) {
      throw new Error(`${where}: ${name} (${describeResolved({ record, tensor })}) covers bytes ${offset}+${size}, which must be a non-empty, 4-byte aligned range inside its ${record.size}-byte buffer`);
    }
    return { buffer, offset, size, record, tensor };
  }

  /** The record of a buffer this scheduler may use now; throws naming it when it may not. */
  #admit(where: string, name: string, value: unknown, tensor: GpuTensor | null): BufferRecord {
    const known = this.#records.get(value as GPUBuffer);
    if (known?.alive) return known;
    if (!isGpuBuffer(value)) throw notBindable(where, name, tensor ?? value);
    const buffer = value;
    const label = tensor ? `tensor '${tensor.label}'` : `buffer '${buffer.label || known?.label || 'unlabelled'}'`;
    if (known) {
      if (!known.alive) throw new Error(`${where}: ${name} is ${label}, which was destroyed (its owner's destroy(), Tensor.destroy() or Scheduler.destroyBuffer())`);
      return known;
    }
    const creator = creators.get(buffer);
    const device = bufferDevices.get(buffer) ?? creator?.device;
    if (device !== undefined && device !== this.device) {
      throw new Error(`${where}: ${name} is ${label} of another GPU device (another init()); use tensors and buffers of this Scheduler's context only`);
    }
    if (creator) throw new Error(`${where}: ${name} is ${label} of another Scheduler; a Scheduler binds only its own tensors and buffers (or ones created with its device.createBuffer)`);
    if (device === undefined && hookedDevices.has(this.device)) {
      throw new Error(`${where}: ${name} is ${label}, which was not created on this Scheduler's device; use tensors and buffers of this Scheduler's context only`);
    }
    const adopted: BufferRecord = { id: nextBufferId++, label: buffer.label || 'adopted', alive: true, owned: false, size: buffer.size, usage: buffer.usage };
    this.#records.set(buffer, adopted);
    return adopted;
  }
}

function notBindable(where: string, name: string, value: unknown): Error {
  return new Error(`${where}: ${name} must be a GpuTensor, a GPUBuffer or { buffer, offset, size }, got ${describeValue(value)}`);
}

function validShape(shape: unknown): boolean {
  if (!Array.isArray(shape) || shape.length === 0) return false;
  for (const d of shape) if (!Number.isSafeInteger(d) || d < 1) return false;
  return true;
}

function checkTensorFields(where: string, name: string, t: GpuTensor): void {
  if (!validShape(t.shape)) throw new Error(`${where}: ${name} has shape ${describeValue(t.shape)}; a tensor's shape is a non-empty list of integers >= 1`);
  if (!DTYPES.includes(t.dtype)) throw new Error(`${where}: ${name} has dtype ${describeValue(t.dtype)}; must be one of ${DTYPES.join(', ')}`);
  if (!Number.isSafeInteger(t.offset) || t.offset < 0) throw new Error(`${where}: ${name} has byte offset ${describeValue(t.offset)}; must be an integer >= 0`);
}

/** The name of a usage bit a use needs, for messages. */
function usageName(usage: number): string {
  const name = (Object.keys(BufferUsage) as (keyof typeof BufferUsage)[]).find((k) => BufferUsage[k] === usage);
  return name ?? String(usage);
}

/** Throws when the buffer lacks a usage bit the operation needs. */
export function requireUsage(where: string, name: string, r: ResolvedBinding, usage: number): void {
  if ((r.record.usage & usage) !== usage) {
    throw new Error(`${where}: ${name} (${describeResolved(r)}) was created without GPUBufferUsage.${usageName(usage)}, which this needs`);
  }
}

/** The device limits a storage binding must respect (copied once from GPUSupportedLimits). */
export interface StorageLimits {
  minStorageBufferOffsetAlignment: number;
  maxStorageBufferBindingSize: number;
}

/** Throws unless a storage binding starts at the device's storage offset alignment and fits one binding. */
export function requireStorageRange(where: string, name: string, r: ResolvedBinding, limits: StorageLimits): void {
  requireUsage(where, name, r, BufferUsage.STORAGE);
  const align = limits.minStorageBufferOffsetAlignment;
  if (r.offset % align !== 0) throw new Error(`${where}: ${name} (${describeResolved(r)}) starts at byte ${r.offset}, not a multiple of this device's storage offset alignment (${align})`);
  if (r.size > limits.maxStorageBufferBindingSize) {
    throw new Error(`${where}: ${name} (${describeResolved(r)}) is ${r.size} bytes, more than this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize})`);
  }
}

/**
 * Throws when one buffer is written by one storage binding of a dispatch and read-only bound by
 * another (WebGPU forbids that usage mix within a dispatch). `writable[i]` says how bound[i] is bound.
 */
export function requireNoWriteAliasing(where: string, names: readonly string[], bound: readonly ResolvedBinding[], writable: readonly boolean[]): void {
  for (let i = 0; i < bound.length; i++) {
    for (let j = i + 1; j < bound.length; j++) {
      if (bound[i]!.buffer !== bound[j]!.buffer || writable[i] === writable[j]) continue;
      const [w, ro] = writable[i] ? [i, j] : [j, i];
      throw new Error(`${where}: ${names[w]} (written) and ${names[ro]} (read-only) are the same buffer (${describeResolved(bound[i]!)}); a kernel may not read a buffer it writes through another binding — use two tensors`);
    }
  }
}
