// tensor.ts — a typed, shaped view of (part of) a GPU buffer. Shapes are row-major.

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
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${name}: shape ${formatShape(shape)} must be a non-empty list of positive integers`);
  }
}
