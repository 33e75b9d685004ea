// npy.test.ts — .npy float32 encoding: golden header from the format spec, round trips,
// shape errors, and (when python3 + numpy are present) numpy.load agreement both ways.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpyFloat32, npyHeaderFloat32, npyShapeTuple } from '../../src/io/npy';

const ascii = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));

describe('encodeNpyFloat32', () => {
  it('writes the golden header for shape (2, 3)', () => {
    // Spec: magic \x93NUMPY, version 1.0, uint16 LE header length, dict, spaces, '\n';
    // 10 + len(dict) + padding + 1 must be a multiple of 64. len(dict) is 59 here, so
    // padding = 128 - 10 - 59 - 1 = 58 and the header length field is 118 = 0x76.
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(dict.length).toBe(59);
    const expected = [0x93, ...ascii('NUMPY'), 1, 0, 0x76, 0x00, ...ascii(dict), ...Array(58).fill(0x20), 0x0a];
    expect(expected.length).toBe(128);
    const bytes = encodeNpyFloat32(new Float32Array(6), [2, 3]);
    expect(Array.from(bytes.subarray(0, 128))).toEqual(expected);
    expect(bytes.length).toBe(128 + 6 * 4);
  });

  it('writes 1-d shapes as (N,) and pads every header to a multiple of 64', () => {
    expect(npyShapeTuple([5])).toBe('(5,)');
    expect(npyShapeTuple([])).toBe('()');
    expect(npyShapeTuple([4, 7, 2])).toBe('(4, 7, 2)');
    for (const shape of [[5], [2, 3], [123456, 7890, 2], [0, 3], []]) {
      const header = npyHeaderFloat32(shape);
      expect((10 + header.length) % 64).toBe(0);
      expect(header.endsWith('\n')).toBe(true);
      expect(header).toContain(`'shape': ${npyShapeTuple(shape)}, }`);
    }
  });

  it('stores float32 little-endian in C order', () => {
    const bytes = encodeNpyFloat32([1, -2.5, 0.1], [3]);
    // The (3,) dict is 57 characters: 10 + 57 + 1 = 68, so the header pads to 128 bytes.
    expect(bytes.length).toBe(128 + 12);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getFloat32(128, true)).toBe(1);
    expect(Array.from(bytes.subarray(132, 136))).toEqual([0x00, 0x00, 0x20, 0xc0]); // -2.5f LE
    expect(view.getFloat32(136, true)).toBe(Math.fround(0.1));
  });

  it('round-trips through decodeNpy, converting float64 input to float32', () => {
    const data = Float64Array.from({ length: 3 * 4 * 2 }, (_, i) => Math.sin(i) * 1e3);
    const decoded = decodeNpy(encodeNpyFloat32(data, [3, 4, 2]));
    expect(decoded.shape).toEqual([3, 4, 2]);
    expect(decoded.descr).toBe('<f4');
    expect(decoded.data).toEqual(Float32Array.from(data));
  });

  it('rejects shapes that do not match the data', () => {
    expect(() => encodeNpyFloat32(new Float32Array(5), [2, 3])).toThrow(/shape \(2, 3\) holds 6 elements but data has 5/);
    expect(() => encodeNpyFloat32(new Float32Array(2), [2.5])).toThrow(/shape\[0\] must be a non-negative integer, got 2.5/);
    expect(() => encodeNpyFloat32(new Float32Array(0), [-1])).toThrow(/shape\[0\]/);
  });
});

describe('decodeNpy', () => {
  it('rejects non-npy bytes, truncated data and unsupported dtypes', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]))).toThrow(/magic/);
    const good = encodeNpyFloat32([1, 2, 3], [3]);
    expect(() => decodeNpy(good.subarray(0, good.length - 1))).toThrow(/needs 12 data bytes, file has 11/);
    const int32 = good.slice();
    int32.set(ascii("'<i4'"), 10 + "{'descr': ".length);
    expect(() => decodeNpy(int32)).toThrow(/unsupported dtype "<i4"/);
  });
});

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!hasNumpy)('numpy interop (python3 + numpy)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'springloop-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const python = (code: string) => {
    const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
    return r.stdout;
  };

  it('numpy.load reads our file with the same shape, dtype and values', () => {
    const data = Float32Array.from({ length: 3 * 5 }, (_, i) => (i - 7) / 3);
    const path = join(dir, 'ours.npy');
    writeFileSync(path, encodeNpyFloat32(data, [3, 5]));
    const out = JSON.parse(
      python(`import numpy, json; a = numpy.load(${JSON.stringify(path)}); ` +
        'print(json.dumps({"shape": list(a.shape), "dtype": a.dtype.str, "data": [float(v) for v in a.ravel()]}))'),
    );
    expect(out.shape).toEqual([3, 5]);
    expect(out.dtype).toBe('<f4');
    expect(out.data).toEqual(Array.from(data));
  });

  it('our header is byte-identical to numpy.save, and we read numpy f4 and f8 files', () => {
    const f4 = join(dir, 'np4.npy');
    const f8 = join(dir, 'np8.npy');
    python(`import numpy as np; a = np.arange(24).reshape(2, 3, 4) / 8 - 1; ` +
      `np.save(${JSON.stringify(f4)}, a.astype(np.float32)); np.save(${JSON.stringify(f8)}, a)`);
    const theirs = new Uint8Array(readFileSync(f4));
    const expected = Float64Array.from({ length: 24 }, (_, i) => i / 8 - 1);
    const ours = encodeNpyFloat32(expected, [2, 3, 4]);
    expect(Array.from(ours)).toEqual(Array.from(theirs));
    const d4 = decodeNpy(theirs);
    expect(d4.shape).toEqual([2, 3, 4]);
    expect(d4.data).toEqual(Float32Array.from(expected));
    const d8 = decodeNpy(new Uint8Array(readFileSync(f8)));
    expect(d8.descr).toBe('<f8');
    expect(d8.data).toEqual(expected);
  });
});
