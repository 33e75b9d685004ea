// npy.ts — NumPy .npy files (format 1.0) for float32 trajectories, plus a small decoder.
// Layout: "\x93NUMPY", major 1, minor 0, header length (uint16 little-endian), then the
// header dict as ASCII, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (N, S), },
// padded with spaces and ended by '\n' so magic + version + length + header is a multiple
// of 64 bytes; then the data, C order, little-endian.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const PREAMBLE_BYTES = 10; // magic (6) + version (2) + header length (2), format 1.0
const ALIGN = 64;

/** A decoded .npy array (C order). */
export interface NpyArray {
  /** Array shape; [] for a 0-d array. */
  shape: number[];
  /** NumPy dtype string: '<f4' or '<f8'. */
  descr: '<f4' | '<f8';
  /** Elements in C order; length is the product of shape. */
  data: Float32Array | Float64Array;
}

/** NumPy's shape tuple: () for 0-d, (N,) for 1-d, (N, S) otherwise. */
export function npyShapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The padded ASCII header (dict + spaces + '\n') for a float32 C-order array. */
export function npyHeaderFloat32(shape: readonly number[]): string {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${npyShapeTuple(shape)}, }`;
  const unpadded = PREAMBLE_BYTES + dict.length + 1; // + '\n'
  const padding = (ALIGN - (unpadded % ALIGN)) % ALIGN;
  return dict + ' '.repeat(padding) + '\n';
}

/**
 * Encodes `data` (any numbers; converted to float32) as a .npy file with the given shape.
 * Throws if the shape is invalid or its element count differs from data.length.
 */
export function encodeNpyFloat32(data: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  checkShape(shape, data.length);
  const header = npyHeaderFloat32(shape);
  if (header.length > 0xffff) throw new Error(`npy: header of ${header.length} bytes does not fit format 1.0`);
  const bytes = new Uint8Array(PREAMBLE_BYTES + header.length + 4 * data.length);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes[6] = 1; // major version
  bytes[7] = 0; // minor version
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  let offset = PREAMBLE_BYTES + header.length;
  for (let i = 0; i < data.length; i++, offset += 4) view.setFloat32(offset, data[i]!, true);
  return bytes;
}

/** Decodes a .npy file of '<f4' or '<f8' in C order (format 1.x, 2.x or 3.x). */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < PREAMBLE_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('npy: missing magic string \\x93NUMPY; not a .npy file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new Error(`npy: unsupported format version ${major}.${bytes[7]}`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerLength;
  if (dataOffset > bytes.length) throw new Error(`npy: header length ${headerLength} runs past the end of the file`);
  const header = new TextDecoder().decode(bytes.subarray(8 + lengthBytes, dataOffset));
  const { descr, shape } = parseHeader(header);
  const size = shape.reduce((a, b) => a * b, 1);
  const itemBytes = descr === '<f4' ? 4 : 8;
  if (bytes.length - dataOffset !== size * itemBytes) {
    throw new Error(
      `npy: shape ${npyShapeTuple(shape)} needs ${size * itemBytes} data bytes, file has ${bytes.length - dataOffset}`,
    );
  }
  const data = descr === '<f4' ? new Float32Array(size) : new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const at = dataOffset + i * itemBytes;
    data[i] = itemBytes === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
  }
  return { shape, descr, data };
}

function parseHeader(header: string): { descr: '<f4' | '<f8'; shape: number[] } {
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4' && descr !== '<f8') {
    throw new Error(`npy: unsupported dtype ${JSON.stringify(descr)}; only '<f4' and '<f8' are supported`);
  }
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  if (fortran !== 'False') throw new Error(`npy: fortran_order must be False, got ${fortran ?? 'nothing'}`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error(`npy: header has no shape: ${JSON.stringify(header)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+L?$/.test(s)) throw new Error(`npy: bad shape entry ${JSON.stringify(s)}`);
      return Number.parseInt(s, 10);
    });
  return { descr, shape };
}

function checkShape(shape: readonly number[], length: number): void {
  for (const [axis, dim] of shape.entries()) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw new Error(`npy: shape[${axis}] must be a non-negative integer, got ${dim}`);
    }
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== length) {
    throw new Error(`npy: shape ${npyShapeTuple(shape)} holds ${size} elements but data has ${length}`);
  }
}
