// tensor.ts — a typed, shaped view of (part of) a GPU buffer. Shapes are row-major.
import type { Lifetime } from './lifetime';
import { describeValue, requireInteger, requireOneOf } from '../util/check';

/** Element type of a tensor: 32-bit float, unsigned or signed integer. */
export type DType = 'f32' | 'u32' | 'i32';
/** The typed array of a DType on the host. */
export type HostArray = Float32Array | Uint32Array | Int32Array;

/** A typed, shaped view of (part of) a GPU buffer; kernel wrappers say which shapes they expect. */
export interface GpuTensor {
  /** The buffer holding the elements. */
  readonly buffer: GPUBuffer;
  /** Byte offset into buffer (a multiple of the device's storage offset alignment). */
  readonly offset: number;
  /** Dimensions, row-major, e.g. [B, T, H]. */
  readonly shape: readonly number[];
  /** Element type (4 bytes each). */
  readonly dtype: DType;
  /** Name used in error messages and GPU debug labels. */
  readonly label: string;
}

/** Number of elements of `shape` (the product of its dimensions; 1 for []). */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensorBytes(t: Pick<GpuTensor, 'shape'>): number {
  return 4 * numel(t.shape);
}

export function hostArrayFor(dtype: DType, data: ArrayBuffer | number): HostArray {
  if (typeof data === 'number') data = new ArrayBuffer(4 * data);
  if (dtype === 'f32') return new Float32Array(data);
  if (dtype === 'u32') return new Uint32Array(data);
  return new Int32Array(data);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Checks that a shape is a list of positive integers; names the tensor in the error. */
export function checkShape(name: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new Error(`${name}: shape must be a non-empty array of integers >= 1, got ${describeValue(shape)}`);
  }
  shape.forEach((d, i) => requireInteger(`${name}: shape[${i}]`, d, { min: 1 }));
}

const DTYPES: readonly DType[] = ['f32', 'u32', 'i32'];

/** Throws `<name> must be a GpuTensor …, got …` unless t has a buffer, a shape array and a dtype. */
export function requireTensorLike(name: string, t: unknown): asserts t is GpuTensor {
  const ok = typeof t === 'object' && t !== null && 'buffer' in t && Array.isArray((t as GpuTensor).shape) && typeof (t as GpuTensor).dtype === 'string';
  if (!ok) throw new Error(`${name} must be a GpuTensor (from Scheduler.createTensor, a model output, …), got ${describeValue(t)}`);
}

/** Checks a dtype name. */
export function checkDType(name: string, dtype: unknown): DType {
  return requireOneOf(`${name}: dtype`, dtype, DTYPES);
}

const INT_RANGE: Record<Exclude<DType, 'f32'>, [number, number]> = { u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff] };

/**
 * `count` values of `data` as the host array of `dtype` (data itself when it already is one);
 * throws naming the first value that is not a number (or, for u32/i32, not an integer in range).
 */
export function hostData(name: string, dtype: DType, count: number, data: unknown): HostArray {
  if (typeof data !== 'object' || data === null || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new Error(`${name}: data must be an array or typed array of ${count} numbers, got ${describeValue(data)}`);
  }
  const values = data as ArrayLike<unknown>;
  if (values.length !== count) throw new Error(`${name}: got ${values.length} values for ${count} elements (data must hold exactly one value per element)`);
  const host = hostArrayFor(dtype, count);
  if ((dtype === 'f32' && data instanceof Float32Array) || (dtype === 'u32' && data instanceof Uint32Array) || (dtype === 'i32' && data instanceof Int32Array)) return data;
  const range = dtype === 'f32' ? null : INT_RANGE[dtype];
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new Error(`${name}: data[${i}] is ${describeValue(v)}; values must be numbers`);
    if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) {
      throw new Error(`${name}: data[${i}] is ${v}; ${dtype === 'i32' ? 'an' : 'a'} ${dtype} tensor holds integers in [${range[0]}, ${range[1]}]`);
    }
    host[i] = v;
  }
  return host;
}

/** What a Tensor needs from the Scheduler that made it. */
export interface TensorOwner {
  read(t: GpuTensor): Promise<HostArray>;
  destroyBuffer(buffer: GPUBuffer): void;
}

/**
 * A tensor in its own buffer, made by Scheduler.createTensor. destroy() frees the buffer
 * (idempotent; work already recorded with it still runs); afterwards read() throws
 * `Tensor.read() after destroy()` and binding it anywhere throws naming it.
 */
export class Tensor implements GpuTensor {
  /** Always 0: the tensor starts its buffer. */
  readonly offset = 0;

  readonly #owner: TensorOwner;
  readonly #life: Lifetime;

  /** Use Scheduler.createTensor. @param life the tensor's Lifetime (ended when its buffer is destroyed) */
  constructor(
    readonly buffer: GPUBuffer,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly label: string,
    owner: TensorOwner,
    life: Lifetime,
  ) {
    this.#owner = owner;
    this.#life = life;
  }

  /** True once destroyed (by destroy(), Scheduler.destroyBuffer(buffer) or its scheduler's dispose()). */
  get destroyed(): boolean {
    return !this.#life.alive;
  }

  /** Copies the tensor to the host (one submit-and-wait): Float32Array, Uint32Array or Int32Array by dtype. */
  async read(): Promise<HostArray> {
    this.#life.check('read');
    return this.#owner.read(this);
  }

  /** Frees the buffer. Idempotent. */
  destroy(): void {
    this.#owner.destroyBuffer(this.buffer);
  }
}
