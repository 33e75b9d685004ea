// Foundation helpers that need no GPU: arena layout, grid shapes, adapter matching, flags, pool.
import { describe, expect, it } from 'vitest';
import { layoutArena } from '../../src/gpu/arena';
import { grid1d } from '../../src/gpu/grid';
import { adapterKindOf, matchesAdapter } from '../../src/gpu/device';
import { parseArgs } from '../../src/cli/args';
import { ScratchPool } from '../../src/gpu/pool';

describe('layoutArena', () => {
  it('aligns every tensor and sizes the arena', () => {
    const { slots, bytes } = layoutArena([{ name: 'w', shape: [3, 5] }, { name: 'b', shape: [3] }, { name: 'h', shape: [70] }], 256);
    expect(slots.map((s) => [s.name, s.offset, s.count])).toEqual([['w', 0, 15], ['b', 256, 3], ['h', 512, 70]]);
    expect(bytes).toBe(1024); // 512 + 280 bytes, rounded up to the alignment
  });
  it('rejects duplicates and empty shapes', () => {
    expect(() => layoutArena([{ name: 'w', shape: [1] }, { name: 'w', shape: [2] }], 256)).toThrow(/'w' is listed twice/);
    expect(() => layoutArena([{ name: 'w', shape: [0] }], 256)).toThrow(/'w' has invalid shape \[0\]/);
  });
});

describe('grid1d', () => {
  it.each([[1, 64], [64, 64], [65, 64], [65535 * 64, 64], [65535 * 64 + 1, 64], [1e7, 256]])('covers %i items with groups of %i', (items, wg) => {
    const [x, y] = grid1d(items, wg, 65535);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * wg).toBeGreaterThanOrEqual(items);
    expect((x * y - 1) * wg).toBeLessThan(items + x * wg); // no whole spare row
  });
});

describe('adapter choice', () => {
  it('classifies the software adapters by name', () => {
    expect(adapterKindOf('llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)')).toBe('lavapipe');
    expect(adapterKindOf('SwiftShader driver 5.0.0')).toBe('swiftshader');
    expect(adapterKindOf('NVIDIA H200')).toBe('hardware');
  });
  it('matches requested names', () => {
    expect(matchesAdapter('lavapipe', 'llvmpipe: Mesa 25')).toBe(true);
    expect(matchesAdapter('swiftshader', 'llvmpipe: Mesa 25')).toBe(false);
    expect(matchesAdapter('h200', 'NVIDIA H200')).toBe(true);
  });
});

describe('parseArgs', () => {
  const spec = { steps: 'number', out: 'string', velocity: 'boolean' } as const;
  it('parses values in both forms', () => {
    expect(parseArgs(['--steps', '10', '--out=a.npy', '--velocity', 'x'], spec)).toEqual({ _: ['x'], steps: 10, out: 'a.npy', velocity: true });
  });
  it('names bad flags', () => {
    expect(() => parseArgs(['--stpes', '1'], spec)).toThrow(/unknown flag --stpes/);
    expect(() => parseArgs(['--steps', 'abc'], spec)).toThrow(/--steps must be a finite number, got 'abc'/);
    expect(() => parseArgs(['--out'], spec)).toThrow(/--out needs a value/);
  });
});

describe('ScratchPool', () => {
  function fakePool() {
    let created = 0;
    const serial = { recording: 1, completed: 0 };
    const pool = new ScratchPool(
      (bytes) => ({ size: bytes, id: ++created, destroy() {} }) as unknown as GPUBuffer,
      () => serial,
    );
    return { pool, serial, created: () => created };
  }
  it('buckets by powers of two from 256 bytes', () => {
    expect(ScratchPool.bucketBytes(1)).toBe(256);
    expect(ScratchPool.bucketBytes(257)).toBe(512);
    expect(ScratchPool.bucketBytes(4096)).toBe(4096);
  });
  it('reuses a released buffer only after its submit completed', () => {
    const { pool, serial, created } = fakePool();
    const a = pool.acquire(1000, 128);
    pool.release(a);
    const b = pool.acquire(1000, 128);
    expect(b).not.toBe(a); // submit 1 not complete yet
    serial.completed = 1;
    const c = pool.acquire(900, 128);
    expect(c).toBe(a);
    expect(created()).toBe(2);
    expect(pool.acquire(1000, 64)).not.toBe(b); // other usage, other bucket
  });
  it('refuses buffers it did not hand out', () => {
    const { pool } = fakePool();
    expect(() => pool.release({} as GPUBuffer)).toThrow(/did not come from the scratch pool/);
  });
});
