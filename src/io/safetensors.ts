// safetensors.ts — read and write the safetensors format, byte for byte as
// safetensors.torch.save_file writes it. Pure functions on Uint8Array (no fs).
//
// Layout:
//   [0, 8)        N: u64 little-endian, byte length of the header
//   [8, 8+N)      UTF-8 JSON header, compact, padded with spaces to a multiple of 8:
//                 {"__metadata__":{"k":"v"},"name":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},…}
//   [8+N, end)    byte buffer; data_offsets are relative to its start, little-endian, C order.
// The writer orders tensors by dtype alignment (descending), then by name compared as
// UTF-8 bytes (Rust's String order); with F32 only that is byte-wise name order, and the
// data is packed in that order with no gaps. Metadata keys are written sorted (safetensors
// writes a Rust HashMap, whose order is unspecified). The reader is as strict as
// safetensors' own: offsets must tile the buffer exactly, in order, from 0 to its end.

import { describeValue, requireObject } from '../util/check';

/** Element types the reader converts to float32 (the writer emits F32 only). */
export type SafetensorsDtype = 'F32' | 'F64' | 'F16' | 'BF16';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
const METADATA_KEY = '__metadata__';

/** A float32 tensor, row-major. */
export interface Float32Tensor {
  /** Dimensions, row-major. */
  shape: number[];
  /** The elements, row-major. */
  data: Float32Array;
}

/** A tensor as read from a file: converted to float32, with the dtype it was stored in. */
export interface DecodedTensor extends Float32Tensor {
  /** The dtype stored in the file (converted to float32 on reading). */
  dtype: SafetensorsDtype;
}

/** The contents of a safetensors file. */
export interface DecodedSafetensors {
  /** Tensors by name, in file (data offset) order. */
  tensors: Record<string, DecodedTensor>;
  /** The "__metadata__" map, or null when the file has none. */
  metadata: Record<string, string> | null;
}

const utf8 = /* @__PURE__ */ new TextEncoder();

/** Rust's String ordering: byte-wise on UTF-8. */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function checkShape(where: string, shape: unknown): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`safetensors: ${where} shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape.reduce((a: number, d: number) => a * d, 1);
}

/** Serialises float32 tensors (and optional string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Float32Tensor>, metadata?: Record<string, string>): Uint8Array {
  requireObject('safetensors: tensors', tensors);
  const names = Object.keys(tensors).sort(compareUtf8);
  for (const name of names) {
    const t = tensors[name] as unknown;
    if (typeof t !== 'object' || t === null || !('shape' in t) || !('data' in t)) {
      throw new Error(`safetensors: tensor "${name}" must be { shape, data: Float32Array }, got ${describeValue(t)}`);
    }
  }
  if (metadata !== undefined) requireObject('safetensors: metadata', metadata);
  const header: string[] = [];
  if (metadata !== undefined) {
    const entries = Object.keys(metadata)
      .sort(compareUtf8)
      .map((k) => {
        const v = metadata[k];
        if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string, got ${JSON.stringify(v)}`);
        return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
      });
    header.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new Error(`safetensors: tensor name "${METADATA_KEY}" is reserved for metadata`);
    const { shape, data } = tensors[name]!;
    const count = checkShape(`tensor "${name}"`, shape);
    if (!(data instanceof Float32Array)) throw new Error(`safetensors: tensor "${name}" data must be a Float32Array`);
    if (data.length !== count) {
      throw new Error(`safetensors: tensor "${name}" has ${data.length} values, shape [${shape.join(', ')}] needs ${count}`);
    }
    const end = offset + 4 * count;
    header.push(`${JSON.stringify(name)}:{"dtype":"F32","shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = utf8.encode(`{${header.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, headerLen, true); // high 32 bits stay 0
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const name of names) {
    for (const v of tensors[name]!.data) {
      view.setFloat32(pos, v, true);
      pos += 4;
    }
  }
  return bytes;
}

/** Reads the u64 header length and the JSON header object. */
function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) {
    throw new Error(`safetensors: file is truncated: ${bytes.length} bytes, need at least 8 for the header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (8 + headerLen > bytes.length) {
    throw new Error(`safetensors: header length ${headerLen} goes beyond the file (${bytes.length} bytes, header would end at ${8 + headerLen})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    throw new Error(`safetensors: corrupt header: its ${headerLen} bytes are not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`safetensors: corrupt JSON header (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error(`safetensors: corrupt JSON header: expected an object, got ${text.slice(0, 40)}`);
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + headerLen };
}

function readMetadata(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`safetensors: "${METADATA_KEY}" must be an object of strings, got ${JSON.stringify(value)}`);
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`safetensors: metadata "${k}" must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(value as Record<string, string>) };
}

interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function readEntry(name: string, value: unknown, bufferLen: number): TensorEntry {
  const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (typeof info !== 'object' || info === null) throw new Error(`safetensors: tensor "${name}" entry must be an object`);
  const dtype = info.dtype;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    throw new Error(`safetensors: tensor "${name}" has unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  const count = checkShape(`tensor "${name}"`, info.shape);
  const offsets = info.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new Error(`safetensors: tensor "${name}" data_offsets must be [begin, end] integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > bufferLen) {
    throw new Error(`safetensors: tensor "${name}" data_offsets [${begin}, ${end}] out of range (data buffer is ${bufferLen} bytes; truncated file?)`);
  }
  const want = count * DTYPE_BYTES[dtype as SafetensorsDtype];
  if (end - begin !== want) {
    throw new Error(`safetensors: tensor "${name}" data_offsets [${begin}, ${end}] span ${end - begin} bytes, shape [${(info.shape as number[]).join(', ')}] × ${dtype} needs ${want}`);
  }
  return { name, dtype: dtype as SafetensorsDtype, shape: [...(info.shape as number[])], begin, end };
}

/** Offsets must tile [0, bufferLen) in order: no overlap, no gap, nothing after. */
function checkTiling(entries: TensorEntry[], bufferLen: number): void {
  let pos = 0;
  let prev = '';
  for (const e of entries) {
    if (e.begin < pos) throw new Error(`safetensors: tensor "${e.name}" data [${e.begin}, ${e.end}) overlaps tensor "${prev}" (ends at ${pos})`);
    if (e.begin > pos) throw new Error(`safetensors: tensor "${e.name}" starts at ${e.begin}, leaving a gap after byte ${pos}`);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== bufferLen) {
    throw new Error(`safetensors: data buffer is ${bufferLen} bytes but the tensors cover only ${pos} (truncated header or trailing bytes)`);
  }
}

/** IEEE half → float. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function convert(view: DataView, start: number, dtype: SafetensorsDtype, count: number): Float32Array {
  const out = new Float32Array(count);
  const scratch = new DataView(new ArrayBuffer(4));
  for (let k = 0; k < count; k++) {
    const at = start + k * DTYPE_BYTES[dtype];
    if (dtype === 'F32') out[k] = view.getFloat32(at, true);
    else if (dtype === 'F64') out[k] = view.getFloat64(at, true);
    else if (dtype === 'F16') out[k] = halfToFloat(view.getUint16(at, true));
    else {
      // BF16 is the top half of a float32.
      scratch.setUint32(0, view.getUint16(at, true) << 16, true);
      out[k] = scratch.getFloat32(0, true);
    }
  }
  return out;
}

/** Parses safetensors bytes; every tensor is converted to float32. */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const { header, dataStart } = readHeader(bytes);
  const bufferLen = bytes.length - dataStart;
  let metadata: Record<string, string> | null = null;
  const entries: TensorEntry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = readMetadata(value);
    else entries.push(readEntry(name, value, bufferLen));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  checkTiling(entries, bufferLen);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, bufferLen);
  const tensors: Record<string, DecodedTensor> = {};
  for (const e of entries) {
    const count = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    const tensor: DecodedTensor = { dtype: e.dtype, shape: e.shape, data: convert(view, e.begin, e.dtype, count) };
    // defineProperty: a tensor may legally be called "__proto__".
    Object.defineProperty(tensors, e.name, { value: tensor, enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

/** One problem found by checkStateDict. */
export interface StateDictProblem {
  /** What is wrong: a tensor missing, one not expected, a wrong shape, or non-finite values. */
  kind: 'missing' | 'extra' | 'shape' | 'non_finite';
  /** The offending tensor. */
  name: string;
  /** A sentence naming the tensor and what was expected. */
  message: string;
}

/**
 * Compares tensors with the expected name → shape table: reports missing, extra and
 * wrongly shaped tensors and non-finite values, each naming the tensor. Empty = all good.
 */
export function checkStateDict(
  tensors: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>,
  expectedShapes: Record<string, readonly number[]>,
): StateDictProblem[] {
  const problems: StateDictProblem[] = [];
  const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;
  for (const [name, shape] of Object.entries(expectedShapes)) {
    const t = tensors[name];
    if (t === undefined) {
      problems.push({ kind: 'missing', name, message: `tensor "${name}" is missing (expected shape ${fmt(shape)})` });
      continue;
    }
    const sameShape = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
    if (!sameShape) {
      problems.push({ kind: 'shape', name, message: `tensor "${name}" has shape ${fmt(t.shape)}, expected ${fmt(shape)}` });
    }
    let bad = 0;
    let first = -1;
    for (let k = 0; k < t.data.length; k++) {
      if (!Number.isFinite(t.data[k])) {
        if (first < 0) first = k;
        bad++;
      }
    }
    if (bad > 0) {
      problems.push({ kind: 'non_finite', name, message: `tensor "${name}" has ${bad} non-finite value(s), first at flat index ${first} (${t.data[first]})` });
    }
  }
  for (const name of Object.keys(tensors)) {
    if (!(name in expectedShapes)) problems.push({ kind: 'extra', name, message: `unexpected tensor "${name}"` });
  }
  return problems;
}

/** Throws one error listing every problem checkStateDict finds. */
export function assertStateDict(
  tensors: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>,
  expectedShapes: Record<string, readonly number[]>,
): void {
  const problems = checkStateDict(tensors, expectedShapes);
  if (problems.length > 0) throw new Error(`state dict does not match: ${problems.map((p) => p.message).join('; ')}`);
}
