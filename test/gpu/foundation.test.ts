// foundation.test.ts — the runtime, kernels, scheduler and arena on the adapter Node finds.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { axpy, axpyKernel } from '../../src/kernels/axpy';
import { axpyReference } from '../../src/reference/axpy';
import { defineKernel } from '../../src/gpu/define-kernel';
import { ParamArena } from '../../src/gpu/arena';
import { STORAGE_RW } from '../../src/gpu/flags';
import { Random } from '../../src/util/random';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuildWgslPlugin } from '../../scripts/wgsl-plugin';
import type { Kernel } from '../../src/gpu/kernel';

const gpu = useGpu();

function randomF32(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('runtime', () => {
  it('names the adapter it found', () => {
    expect(gpu.ctx.adapterName.length).toBeGreaterThan(0);
    expect(['hardware', 'lavapipe', 'swiftshader', 'software']).toContain(gpu.ctx.adapterKind);
  });
});

describe('axpy kernel end to end', () => {
  it.each([1, 7, 63, 64, 65, 997, 4099])('matches the float64 reference for n = %i', async (n) => {
    await gpu.sched.prepare(axpyKernel);
    const xs = randomF32(n, n);
    const ys = randomF32(n, n + 1);
    const x = gpu.sched.createTensor([n], 'f32', 'x', xs);
    const y = gpu.sched.createTensor([n], 'f32', 'y', ys);
    axpy(gpu.sched, 0.75, x, y);
    const got = await gpu.sched.read(y);
    // fma may run as multiply-then-add: bound the error by the operands' magnitudes.
    const want = axpyReference(0.75, xs, ys);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(2 ** -23 * (Math.abs(0.75 * xs[i]!) + Math.abs(ys[i]!)));
    }
    gpu.sched.destroyBuffer(x.buffer);
    gpu.sched.destroyBuffer(y.buffer);
  });

  it('gives each dispatch of one submit its own uniforms (dynamic offsets)', async () => {
    await gpu.sched.prepare(axpyKernel);
    const n = 5;
    const x = gpu.sched.createTensor([n], 'f32', 'x', new Float32Array(n).fill(1));
    const y = gpu.sched.createTensor([n], 'f32', 'y', new Float32Array(n));
    const submitsBefore = gpu.sched.counters.submits;
    for (let k = 1; k <= 300; k++) axpy(gpu.sched, k, x, y); // 300 slots: spans two uniform chunks
    const got = await gpu.sched.read(y);
    expect(gpu.sched.counters.submits - submitsBefore).toBe(1);
    expect([...got]).toEqual(new Array(n).fill((300 * 301) / 2));
  });
});

describe('clear errors', () => {
  it('rejects mismatched tensor sizes before recording', async () => {
    const x = gpu.sched.createTensor([4], 'f32', 'x');
    const y = gpu.sched.createTensor([5], 'f32', 'y');
    const before = gpu.sched.counters.dispatches;
    expect(() => axpy(gpu.sched, 1, x, y)).toThrow(/x has shape \[4\] but y has shape \[5\]/);
    expect(gpu.sched.counters.dispatches).toBe(before);
  });

  it('rejects a binding smaller than the shader needs', async () => {
    const src = `struct P { a: vec4<f32>, b: vec4<f32> }
      @group(0) @binding(0) var<storage, read_write> p: P;
      @compute @workgroup_size(1) fn main() { p.a = p.b; }`;
    const k = defineKernel('fixed.wgsl', src);
    await gpu.sched.prepare(k);
    const small = gpu.sched.createBuffer(16, STORAGE_RW, 'small');
    expect(() => gpu.sched.dispatch(k, 'main', { bindings: { p: small }, workgroups: 1 })).toThrow(/binding 'p' is 16 bytes, smaller than the 32/);
  });

  it('names a missing binding', async () => {
    await gpu.sched.prepare(axpyKernel);
    const x = gpu.sched.createTensor([3], 'f32', 'x');
    expect(() => gpu.sched.dispatch(axpyKernel, 'axpy', { bindings: { x }, uniforms: { n: 3, alpha: 1 }, workgroups: 1 })).toThrow(
      /needs binding 'y' \(storage\) but it was not given/,
    );
  });

  it('names a missing uniform member', async () => {
    await gpu.sched.prepare(axpyKernel);
    const x = gpu.sched.createTensor([3], 'f32', 'x');
    const y = gpu.sched.createTensor([3], 'f32', 'y');
    expect(() => gpu.sched.dispatch(axpyKernel, 'axpy', { bindings: { x, y }, uniforms: { n: 3 }, workgroups: 1 })).toThrow(/params\.alpha was not given/);
    gpu.sched.discard();
  });

  it('reports a WGSL compile error with file and line', async () => {
    const bad = defineKernel('broken.wgsl', `@group(0) @binding(0) var<storage, read_write> v: array<f32>;
@compute @workgroup_size(1) fn main() {
  v[0] = undefined_thing;
}`);
    await expect(gpu.sched.prepare(bad)).rejects.toThrow(/WGSL compile error in broken\.wgsl:\n\s+broken\.wgsl:3:\d+: .*undefined_thing/);
  });

  it('points a compile error in a shipped kernel (comments blanked, indentation and spaces dropped) at file:line:column of its source', async () => {
    const kernel = await shippedKernel('shipped.wgsl', {
      'shipped.wgsl': '// a kernel\n//!include "helper"\n@group(0) @binding(0) var<storage, read_write> v: array<f32>;\n@compute @workgroup_size(1) fn main() {\n  v[0] = twice(1.0);\n}\n',
      'lib/helper.wgsl': 'fn twice(x: f32) -> f32 {\n  /* nested */ if (x > 0.0) {\n    return 2.0 * undefined_thing; // here\n  }\n  return x;\n}\n',
    });
    // Line 3 of lib/helper.wgsl; 'undefined_thing' starts at column 18 there.
    await expect(gpu.sched.prepare(kernel)).rejects.toThrow(/WGSL compile error in shipped\.wgsl:\n\s+helper:3:18: .*undefined_thing/);
  });
});

/** The kernel `main` of `files` (name -> text, helpers under lib/) as the production build ships it. */
async function shippedKernel(main: string, files: Record<string, string>): Promise<Kernel> {
  const dir = mkdtempSync(join(tmpdir(), 'springloop-shipped-'));
  try {
    mkdirSync(join(dir, 'lib'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const result = await build({
      stdin: { contents: `export { default } from ${JSON.stringify(join(dir, main))};`, resolveDir: dir, loader: 'js' },
      bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
      plugins: [esbuildWgslPlugin({ kernelModule: resolve('src/gpu/kernel.ts'), stripComments: true })],
    });
    expect(result.outputFiles[0]!.text, 'shipped without implied indentation and spaces').toContain('\\nreturn 2.0*undefined_thing;\\n');
    writeFileSync(join(dir, 'kernel.mjs'), result.outputFiles[0]!.text);
    return ((await import(/* @vite-ignore */ pathToFileURL(join(dir, 'kernel.mjs')).href)) as { default: Kernel }).default;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('scheduler', () => {
  it('1000 steps leave the pool and the allocation counters flat', async () => {
    await gpu.sched.prepare(axpyKernel);
    const n = 257;
    const x = gpu.sched.createTensor([n], 'f32', 'x', new Float32Array(n).fill(1));
    const step = async () => {
      const scratch = gpu.sched.pool.acquire(4 * n, STORAGE_RW);
      const t = { buffer: scratch, offset: 0, shape: [n], dtype: 'f32' as const, label: 'scratch' };
      gpu.sched.clear(t);
      axpy(gpu.sched, 2, x, t);
      gpu.sched.pool.release(scratch);
      gpu.sched.submit();
    };
    // Warm-up with the same pattern: the pool grows to what 50 in-flight submits need.
    for (let i = 0; i < 50; i++) await step();
    await gpu.sched.flush();
    const counters = { ...gpu.sched.counters };
    const pool = gpu.sched.pool.stats();
    for (let i = 0; i < 1000; i++) {
      await step();
      if (i % 50 === 49) await gpu.sched.flush();
    }
    await gpu.sched.flush();
    expect(gpu.sched.counters.submits - counters.submits).toBe(1000);
    expect(gpu.sched.counters.dispatches - counters.dispatches).toBe(1000);
    expect(gpu.sched.counters.buffersCreated).toBe(counters.buffersCreated);
    expect(gpu.sched.counters.liveBytes).toBe(counters.liveBytes);
    expect(gpu.sched.counters.bindGroupsCreated).toBe(counters.bindGroupsCreated);
    const after = gpu.sched.pool.stats();
    expect(after.buffersCreated).toBe(pool.buffersCreated);
    expect(after.inUse).toBe(0);
  });

  it('reads several tensors back in one submit-and-wait', async () => {
    const a = gpu.sched.createTensor([3], 'f32', 'a', [1, 2, 3]);
    const b = gpu.sched.createTensor([2], 'u32', 'b', [7, 8]);
    const before = gpu.sched.counters.submits;
    const [ra, rb] = await gpu.sched.readMany([a, b]);
    expect(gpu.sched.counters.submits - before).toBe(1);
    expect([...ra!]).toEqual([1, 2, 3]);
    expect(rb).toBeInstanceOf(Uint32Array);
    expect([...rb!]).toEqual([7, 8]);
  });
});

describe('parameter arena', () => {
  it('aligns tensors to the storage offset alignment and round-trips values', async () => {
    const arena = new ParamArena(gpu.sched, [
      { name: 'w', shape: [3, 5] },
      { name: 'b', shape: [3] },
      { name: 'head', shape: [1] },
    ]);
    const align = gpu.ctx.device.limits.minStorageBufferOffsetAlignment;
    for (const s of arena.slots) expect(s.offset % align).toBe(0);
    const values = { w: randomF32(15, 1), b: randomF32(3, 2), head: randomF32(1, 3) };
    arena.write(values);
    const back = await arena.read();
    expect(back).toEqual(values);
    expect(() => arena.write({ w: values.w, b: values.b })).toThrow(/tensor 'head' is missing/);
    expect(() => arena.write({ ...values, b: new Float32Array(4) })).toThrow(/'b' has 4 values, expected 3/);
    arena.destroy();
  });
});
