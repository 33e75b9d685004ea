// safetensors.test.ts — golden bytes written out by hand from the format spec, hand-built
// F16 / BF16 / F64 files, round trips, every reader error, and the state-dict check.

import { describe, expect, it } from 'vitest';
import { checkStateDict, assertStateDict, decodeSafetensors, encodeSafetensors, type Float32Tensor } from '../../src/io/safetensors';
import { initRecurrentParams } from '../../src/model/init';
import { modelParamShapes as paramShapes } from '../../src/model/params';
import type { RecurrentConfig } from '../../src/reference/recurrent';
import { Random } from '../../src/util/random';

const ascii = (s: string): number[] => Array.from(s, (ch) => ch.charCodeAt(0));
const spaces = (n: number): number[] => new Array<number>(n).fill(0x20);

/** A file from a literal header (padded with spaces to a multiple of 8) and raw data bytes. */
function buildFile(header: string, data: number[]): Uint8Array {
  const h = new TextEncoder().encode(header);
  const padded = Math.ceil(h.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.set(h, 8);
  out.fill(0x20, 8 + h.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

describe('encodeSafetensors golden bytes (hand-written from the spec)', () => {
  it('one F32 tensor whose 64-byte header needs no padding', () => {
    const bytes = encodeSafetensors({ 'attn.0': { shape: [1, 2, 3], data: Float32Array.of(0, 1, 2, 3, 4, 5) } });
    const expected = [
      64, 0, 0, 0, 0, 0, 0, 0, // u64 LE header length
      ...ascii('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'),
      0x00, 0x00, 0x00, 0x00, // 0.0f
      0x00, 0x00, 0x80, 0x3f, // 1.0f = 0x3f800000
      0x00, 0x00, 0x00, 0x40, // 2.0f = 0x40000000
      0x00, 0x00, 0x40, 0x40, // 3.0f = 0x40400000
      0x00, 0x00, 0x80, 0x40, // 4.0f = 0x40800000
      0x00, 0x00, 0xa0, 0x40, // 5.0f = 0x40a00000
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('metadata first, tensors sorted by name, scalar shape [], header padded 138 → 144', () => {
    const bytes = encodeSafetensors(
      { w: { shape: [2], data: Float32Array.of(-2, 0.5) }, b: { shape: [], data: Float32Array.of(1.5) } },
      { format: 'pt' },
    );
    // 32 + 52 + 54 = 138 header bytes, 6 spaces of padding.
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"b":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    const expected = [
      144, 0, 0, 0, 0, 0, 0, 0,
      ...ascii(header),
      ...spaces(6),
      0x00, 0x00, 0xc0, 0x3f, // 1.5f  = 0x3fc00000 (b)
      0x00, 0x00, 0x00, 0xc0, // -2.0f = 0xc0000000 (w[0])
      0x00, 0x00, 0x00, 0x3f, // 0.5f  = 0x3f000000 (w[1])
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('empty dict is "{}" plus six spaces', () => {
    expect(Array.from(encodeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, ...spaces(6)]);
  });

  it('orders names by UTF-8 bytes (Rust String order), not UTF-16 code units', () => {
    const t = (): Float32Tensor => ({ shape: [1], data: Float32Array.of(0) });
    // U+FF21 is EF BC A1 in UTF-8 and U+1F600 is F0 9F 98 80: byte order puts U+FF21 first,
    // although its UTF-16 unit 0xFF21 sorts after the surrogate 0xD83D.
    const names = ['b', '\u{1F600}', 'a', '\uFF21', 'B', 'é'];
    const bytes = encodeSafetensors(Object.fromEntries(names.map((n) => [n, t()])));
    expect(Object.keys(decodeSafetensors(bytes).tensors)).toEqual(['B', 'a', 'b', 'é', '\uFF21', '\u{1F600}']);
  });
});

describe('decodeSafetensors', () => {
  it('reads hand-built F16, BF16 and F64 tensors as float32', () => {
    const f16 = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000, 0x3555];
    const bf16 = [0x3f80, 0xc0a0, 0x4049];
    const f64Bytes = new Uint8Array(16);
    new DataView(f64Bytes.buffer).setFloat64(0, 0.1, true);
    new DataView(f64Bytes.buffer).setFloat64(8, -1e-50, true);
    const le16 = (v: number): number[] => [v & 0xff, v >> 8];
    const header =
      '{"h":{"dtype":"F16","shape":[7],"data_offsets":[16,30]},' +
      '"d":{"dtype":"F64","shape":[2,1],"data_offsets":[0,16]},' +
      '"bf":{"dtype":"BF16","shape":[3],"data_offsets":[30,36]}}';
    const file = buildFile(header, [...f64Bytes, ...f16.flatMap(le16), ...bf16.flatMap(le16)]);
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toBeNull();
    expect(Object.keys(tensors)).toEqual(['d', 'h', 'bf']); // offset order
    expect(Array.from(tensors.h!.data)).toEqual([1, -2, 65504, 2 ** -24, Infinity, -0, 0.333251953125]);
    expect(Object.is(tensors.h!.data[5], -0)).toBe(true);
    expect(Array.from(tensors.bf!.data)).toEqual([1, -5, 3.140625]);
    expect(tensors.d!.shape).toEqual([2, 1]);
    expect(tensors.d!.dtype).toBe('F64');
    expect(tensors.d!.data[0]).toBe(Math.fround(0.1));
    expect(Object.is(tensors.d!.data[1], -0)).toBe(true);
  });

  it('round-trips random tensors, metadata, odd values and a misaligned input view', () => {
    const rng = new Random(3);
    const tensors: Record<string, Float32Tensor> = {};
    for (const [name, shape] of [['weight_ih_l0', [12, 7]], ['head.bias', [1]], ['scalar', []], ['empty', [0, 3]], ['ünï', [2, 3, 5]]] as const) {
      const n = shape.reduce((a: number, d: number) => a * d, 1);
      tensors[name] = { shape: [...shape], data: Float32Array.from({ length: n }, () => rng.normal()) };
    }
    tensors.special = { shape: [4], data: Float32Array.of(NaN, -Infinity, -0, 1e-45) };
    const meta = { format: 'pt', note: 'quote " backslash \\ newline \n ü' };
    const bytes = encodeSafetensors(tensors, meta);
    expect((bytes.length - 8 - new DataView(bytes.buffer).getUint32(0, true)) % 4).toBe(0);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1); // byteOffset 1: no aligned views
    shifted.set(bytes);
    const decoded = decodeSafetensors(shifted);
    expect(decoded.metadata).toEqual(meta);
    expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(decoded.tensors[name]!.shape).toEqual(t.shape);
      expect(decoded.tensors[name]!.dtype).toBe('F32');
      expect(Array.from(decoded.tensors[name]!.data).every((v, k) => Object.is(v, t.data[k]))).toBe(true);
    }
  });

  describe('errors', () => {
    const good = encodeSafetensors({ a: { shape: [2], data: Float32Array.of(1, 2) } });
    const f32 = (n: number): number[] => new Array<number>(4 * n).fill(0);

    it('truncated file (shorter than the length prefix, or data cut off)', () => {
      expect(() => decodeSafetensors(new Uint8Array(5))).toThrow(/truncated: 5 bytes, need at least 8/);
      expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow(/tensor "a" data_offsets \[0, 8\] out of range .*truncated/);
    });
    it('header length beyond the file', () => {
      const bad = good.slice();
      new DataView(bad.buffer).setUint32(0, 1000, true);
      expect(() => decodeSafetensors(bad)).toThrow(/header length 1000 goes beyond the file/);
      new DataView(bad.buffer).setUint32(4, 1, true); // > 2^32
      expect(() => decodeSafetensors(bad)).toThrow(/header length 4294968296 goes beyond the file/);
    });
    it('corrupt JSON header and invalid UTF-8', () => {
      expect(() => decodeSafetensors(buildFile('{"a":', []))).toThrow(/corrupt JSON header/);
      expect(() => decodeSafetensors(buildFile('[1,2]', []))).toThrow(/corrupt JSON header: expected an object/);
      const bad = buildFile('{"a":1}', []);
      bad[9] = 0xff;
      expect(() => decodeSafetensors(bad)).toThrow(/not valid UTF-8/);
    });
    it('unknown dtype', () => {
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}', f32(1)))).toThrow(/tensor "x" has unknown dtype "Q7"/);
    });
    it('data_offsets out of range, not [begin, end], or reversed', () => {
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,100]}}', f32(1)))).toThrow(/tensor "x" data_offsets \[0, 100\] out of range/);
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}', f32(1)))).toThrow(/tensor "x" data_offsets \[4, 0\] out of range/);
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0]}}', f32(1)))).toThrow(/tensor "x" data_offsets must be \[begin, end\]/);
    });
    it('data_offsets not matching shape × dtype size', () => {
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f32(2)))).toThrow(/tensor "x" data_offsets \[0, 8\] span 8 bytes, shape \[3\] × F32 needs 12/);
      expect(() => decodeSafetensors(buildFile('{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', f32(1)))).toThrow(/tensor "x" shape must be/);
    });
    it('overlapping, gapped, or incomplete data', () => {
      const two = (a: string, b: string) => `{"x":{"dtype":"F32","shape":[2],"data_offsets":${a}},"y":{"dtype":"F32","shape":[2],"data_offsets":${b}}}`;
      expect(() => decodeSafetensors(buildFile(two('[0,8]', '[4,12]'), f32(3)))).toThrow(/tensor "y" data \[4, 12\) overlaps tensor "x"/);
      expect(() => decodeSafetensors(buildFile(two('[0,8]', '[12,20]'), f32(5)))).toThrow(/tensor "y" starts at 12, leaving a gap after byte 8/);
      expect(() => decodeSafetensors(buildFile(two('[0,8]', '[8,16]'), f32(5)))).toThrow(/data buffer is 20 bytes but the tensors cover only 16/);
    });
    it('metadata values must be strings', () => {
      expect(() => decodeSafetensors(buildFile('{"__metadata__":{"epoch":3}}', []))).toThrow(/metadata "epoch" must be a string, got 3/);
    });
    it('encoder rejects bad input, naming the tensor', () => {
      expect(() => encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } })).toThrow(/tensor "w" has 3 values, shape \[2, 2\] needs 4/);
      expect(() => encodeSafetensors({ __metadata__: { shape: [1], data: new Float32Array(1) } })).toThrow(/reserved/);
      expect(() => encodeSafetensors({ w: { shape: [1.5], data: new Float32Array(1) } })).toThrow(/tensor "w" shape must be/);
    });
  });
});

describe('checkStateDict', () => {
  const config: RecurrentConfig = { cell: 'gru', inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2 };
  const shapes = paramShapes(config);
  const fresh = (): Record<string, Float32Tensor> => {
    const params = initRecurrentParams(config, 9);
    return Object.fromEntries(Object.entries(params).map(([name, data]) => [name, { shape: [...shapes[name]!], data }]));
  };

  it('accepts an initialised state dict after a safetensors round trip', () => {
    const decoded = decodeSafetensors(encodeSafetensors(fresh())).tensors;
    expect(checkStateDict(decoded, shapes)).toEqual([]);
    expect(() => assertStateDict(decoded, shapes)).not.toThrow();
  });

  it('reports missing, extra, wrongly shaped and non-finite tensors by name', () => {
    const sd = fresh();
    delete sd.bias_hh_l1;
    sd['head.extra'] = { shape: [1], data: new Float32Array(1) };
    sd.weight_hh_l0!.shape = [5, 15];
    sd['head.weight']!.data[3] = NaN;
    sd['head.bias']!.data[1] = -Infinity;
    const problems = checkStateDict(sd, shapes);
    expect(problems.map((p) => [p.kind, p.name]).sort()).toEqual(
      [['missing', 'bias_hh_l1'], ['extra', 'head.extra'], ['shape', 'weight_hh_l0'], ['non_finite', 'head.weight'], ['non_finite', 'head.bias']].sort(),
    );
    expect(problems.find((p) => p.name === 'weight_hh_l0')!.message).toMatch(/shape \[5, 15\], expected \[15, 5\]/);
    expect(problems.find((p) => p.name === 'head.weight')!.message).toMatch(/1 non-finite value\(s\), first at flat index 3 \(NaN\)/);
    expect(() => assertStateDict(sd, shapes)).toThrow(/"bias_hh_l1" is missing.*unexpected tensor "head.extra"/);
  });
});
