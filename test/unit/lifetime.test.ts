// lifetime.test.ts — the pieces of the lifetime and binding machinery that need no GPU:
// Lifetime's messages and precedence, the bind group cache's eviction and invalidation, and
// the host-data checks of createTensor/upload.
import { describe, expect, it } from 'vitest';
import { Lifetime } from '../../src/gpu/lifetime';
import { DeviceLostError, UseAfterDestroyError } from '../../src/gpu/errors';
import { BindGroupCache } from '../../src/gpu/bind-groups';
import { checkShape, hostData } from '../../src/gpu/tensor';

describe('Lifetime', () => {
  it('names the class, the method and what ended; releases once', () => {
    const ctx = new Lifetime('GpuContext', 'dispose');
    const sched = new Lifetime('Scheduler', 'dispose', [ctx]);
    const model = new Lifetime('RecurrentModel', 'destroy', [sched]);
    expect(model.alive).toBe(true);
    expect(() => model.check('forward')).not.toThrow();
    expect(ctx.end()).toBe(true);
    expect(ctx.end()).toBe(false);
    expect(model.alive).toBe(false);
    expect(model.ended).toBe(false);
    expect(() => model.check('forward')).toThrow(new UseAfterDestroyError('RecurrentModel.forward() after dispose() of its GpuContext'));
    expect(() => sched.check('new')).toThrow('new Scheduler() after dispose() of its GpuContext');
    sched.end();
    expect(() => model.check('forward')).toThrow('RecurrentModel.forward() after dispose() of its Scheduler');
    model.end();
    expect(() => model.check('forward')).toThrow('RecurrentModel.forward() after destroy()');
    expect(() => Lifetime.require('simulate()', [sched])).toThrow('simulate() after dispose() of its Scheduler');
  });

  it('throws the root device-lost error while nothing was released', () => {
    const lost = new DeviceLostError('unknown', 'GPU reset', 'test adapter');
    let isLost = false;
    const ctx = new Lifetime('GpuContext', 'dispose', [], () => (isLost ? lost : null));
    const timer = new Lifetime('GpuTimer', 'destroy', [new Lifetime('Scheduler', 'dispose', [ctx])]);
    expect(() => timer.check('begin')).not.toThrow();
    isLost = true;
    expect(() => timer.check('begin')).toThrow(lost);
    expect(lost.message).toMatch(/^GPU device lost on test adapter \(reason 'unknown': GPU reset\); .*call init\(\) again/);
    timer.end();
    expect(() => timer.check('begin')).toThrow('GpuTimer.begin() after destroy()');
  });
});

describe('BindGroupCache', () => {
  const group = (n: number) => ({ label: `g${n}` }) as unknown as GPUBindGroup;

  it('drops every group of a destroyed buffer, and the least recently used when full', () => {
    const cache = new BindGroupCache(3);
    cache.set('a', group(1), [1, 2]);
    cache.set('b', group(2), [2, 3]);
    cache.set('c', group(3), [4]);
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    cache.set('d', group(4), [5]); // evicts b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(3);
    cache.forgetBuffer(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.forgetBuffer(2); // its groups are gone already
    cache.forgetBuffer(4);
    expect(cache.size).toBe(1);
    expect(cache.get('d')).toBeDefined();
  });
});

describe('tensor arguments', () => {
  it('rejects bad dimensions by index and type', () => {
    expect(() => checkShape('t', [2, 2.5])).toThrow("t: shape[1] must be an integer >= 1, got 2.5");
    expect(() => checkShape('t', [0])).toThrow('t: shape[0] must be an integer >= 1, got 0');
    expect(() => checkShape('t', [Infinity])).toThrow('t: shape[0] must be an integer >= 1, got Infinity');
    expect(() => checkShape('t', [])).toThrow('t: shape must be a non-empty array of integers >= 1, got [] (an array of 0)');
    expect(() => checkShape('t', 3 as never)).toThrow('t: shape must be a non-empty array of integers >= 1, got 3');
  });

  it('checks host data: length, numbers, integer range; passes matching typed arrays through', () => {
    const f = new Float32Array([1, 2]);
    expect(hostData('t', 'f32', 2, f)).toBe(f);
    expect([...hostData('t', 'u32', 2, [3, 4])]).toEqual([3, 4]);
    expect(() => hostData('t', 'f32', 3, [1, 2])).toThrow('t: got 2 values for 3 elements');
    expect(() => hostData('t', 'f32', 2, [1, null])).toThrow('t: data[1] is null; values must be numbers');
    expect(() => hostData('t', 'i32', 1, [2 ** 31])).toThrow('t: data[0] is 2147483648; an i32 tensor holds integers in [-2147483648, 2147483647]');
    expect(() => hostData('t', 'u32', 1, new Float32Array([0.5]))).toThrow('t: data[0] is 0.5; a u32 tensor holds integers');
    expect(() => hostData('t', 'f32', 1, 'x')).toThrow("t: data must be an array or typed array of 1 numbers, got 'x' (a string)");
  });
});
