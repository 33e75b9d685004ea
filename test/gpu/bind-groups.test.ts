// bind-groups.test.ts — bind groups are keyed by buffer identity, also for buffers the scheduler
// did not create, and go with their buffers: two app-created buffers of the same size and
// offset never share a cached bind group, and destroying a buffer empties its entries.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { axpy, axpyKernel } from '../../src/kernels/axpy';
import { STORAGE_RW } from '../../src/gpu/flags';

const gpu = useGpu();

describe('bind group cache', () => {
  it('two foreign buffers of equal size get their own bind groups (each dispatch reads its own buffer)', async () => {
    const { sched, ctx } = gpu;
    await sched.prepare(axpyKernel);
    // Created by the app on the same device, not through the scheduler.
    const a = ctx.device.createBuffer({ size: 16, usage: STORAGE_RW, label: 'app a' });
    const b = ctx.device.createBuffer({ size: 16, usage: STORAGE_RW, label: 'app b' });
    ctx.device.queue.writeBuffer(a, 0, new Float32Array([1, 1, 1, 1]));
    ctx.device.queue.writeBuffer(b, 0, new Float32Array([100, 100, 100, 100]));
    const y = sched.createTensor([4], 'f32', 'y');
    const view = (buffer: GPUBuffer) => ({ buffer, offset: 0, shape: [4], dtype: 'f32' as const, label: buffer.label });
    const before = sched.counters.bindGroupsCreated;
    axpy(sched, 1, view(a), y);
    axpy(sched, 1, view(b), y);
    axpy(sched, 1, view(a), y); // same buffers as the first dispatch: a cache hit
    expect([...(await sched.read(y))]).toEqual([102, 102, 102, 102]);
    expect(sched.counters.bindGroupsCreated - before).toBe(2);
    y.destroy();
    a.destroy();
    b.destroy();
  });

  it('entries die with their buffers; the cache stays bounded over many short-lived tensors', async () => {
    const { sched } = gpu;
    await sched.prepare(axpyKernel);
    const x = sched.createTensor([8], 'f32', 'x', new Float32Array(8).fill(1));
    const cachedAtStart = sched.counters.cachedBindGroups;
    for (let i = 0; i < 50; i++) {
      const y = sched.createTensor([8], 'f32', 'y');
      axpy(sched, 1, x, y);
      expect(sched.counters.cachedBindGroups).toBe(cachedAtStart + 1);
      y.destroy();
      expect(sched.counters.cachedBindGroups).toBe(cachedAtStart);
    }
    await sched.flush();
    x.destroy();
  });
});
