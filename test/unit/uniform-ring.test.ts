// uniform-ring.test.ts — the scheduler's per-dispatch uniform slices (src/gpu/uniform-ring.ts)
// without a GPU: aligned offsets, a new buffer when one is full, one write per used buffer at
// submit covering exactly the packed bytes, and a clean start after write / reset / clear.
import { describe, expect, it } from 'vitest';
import { UNIFORM_CHUNK_BYTES, UniformRing } from '../../src/gpu/uniform-ring';

function fakeRing(align = 256) {
  const buffers: { id: number }[] = [];
  const writes: { buffer: unknown; bytes: number; first: number }[] = [];
  const ring = new UniformRing(() => {
    const b = { id: buffers.length };
    buffers.push(b);
    return b as unknown as GPUBuffer;
  }, align);
  const queue = {
    writeBuffer: (buffer: unknown, _offset: number, data: ArrayBuffer, _dataOffset: number, bytes: number) =>
      void writes.push({ buffer, bytes, first: new DataView(data).getUint32(0, true) }),
  } as unknown as GPUQueue;
  return { ring, buffers, writes, queue };
}

describe('UniformRing', () => {
  it('hands out aligned slots and opens a new buffer when one is full', () => {
    const { ring, buffers } = fakeRing(256);
    const a = ring.slot(20);
    const b = ring.slot(260);
    expect([a.offset, b.offset]).toEqual([0, 256]);
    const perChunk = UNIFORM_CHUNK_BYTES / 256;
    for (let i = 3; i < perChunk; i++) ring.slot(16); // fills the first buffer exactly
    const next = ring.slot(16);
    expect(next.offset).toBe(0);
    expect(buffers).toHaveLength(2);
    expect(next.buffer).not.toBe(a.buffer);
  });

  it('writes each used buffer once, only its packed bytes, then reuses the buffers from the start', () => {
    const { ring, buffers, writes, queue } = fakeRing(64);
    const s = ring.slot(16);
    s.view.setUint32(s.offset, 7, true);
    ring.slot(16);
    ring.write(queue);
    expect(writes).toEqual([{ buffer: buffers[0], bytes: 128, first: 7 }]);
    expect(ring.slot(16)).toMatchObject({ buffer: buffers[0], offset: 0 });
    ring.reset();
    ring.write(queue);
    expect(writes).toHaveLength(1); // nothing packed since the reset
    ring.clear();
    ring.slot(16);
    expect(buffers).toHaveLength(2); // after clear() the old buffers are not used again
  });

  it('rejects a struct larger than a buffer', () => {
    expect(() => fakeRing().ring.slot(UNIFORM_CHUNK_BYTES + 1)).toThrow(/exceeds the 65536-byte uniform chunk/);
  });
});
