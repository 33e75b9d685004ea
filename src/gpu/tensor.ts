// tensor.ts — a typed, shaped view of (part of) a GPU buffer. Shapes are row-major.

export type DType = 'f32' | 'u32' | 'i32';
export type HostArray = Float32Array | Uint32Array | Int32Array;

export interface GpuTensor {
  readonly buffer: GPUBuffer;
  /** Byte offset into buffer (a multiple of the device's storage offset alignment). */
  readonly offset: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly label: string;
}

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
