import { describe, expect, it } from 'vitest';
import { reflectWgsl } from '../../src/gpu/reflect';
import { defineKernel } from '../../src/gpu/define-kernel';
import { packUniforms } from '../../src/gpu/uniforms';

const SRC = `
struct Params { n: u32, dt: f32, scale: vec2<f32>, k: i32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read_write> ys: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> other: array<f32>;
override WG: u32 = 32;
fn load(i: u32) -> f32 { return xs[i]; }
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= params.n) { return; }
  ys[g.x] = vec2<f32>(load(g.x), params.dt);
}
@compute @workgroup_size(8, 2) fn second() { other[0] = 1.0; }
`;

describe('reflectWgsl', () => {
  const r = reflectWgsl(SRC, 'test.wgsl');

  it('lists only the bindings each entry point uses, through helper calls', () => {
    expect(r.entryPoints.get('main')!.bindings.map((b) => [b.name, b.binding, b.kind])).toEqual([
      ['params', 0, 'uniform'],
      ['xs', 1, 'read-only-storage'],
      ['ys', 2, 'storage'],
    ]);
    expect(r.entryPoints.get('second')!.bindings.map((b) => b.name)).toEqual(['other']);
  });

  it('reports uniform member offsets from WGSL layout rules', () => {
    const params = r.entryPoints.get('main')!.bindings[0]!;
    expect(params.structBytes).toBe(24);
    expect(params.members).toEqual([
      { name: 'n', offset: 0, scalar: 'u32', components: 1 },
      { name: 'dt', offset: 4, scalar: 'f32', components: 1 },
      { name: 'scale', offset: 8, scalar: 'f32', components: 2 },
      { name: 'k', offset: 16, scalar: 'i32', components: 1 },
    ]);
  });

  it('reports runtime array strides, workgroup sizes and overrides', () => {
    const main = r.entryPoints.get('main')!;
    expect(main.bindings[2]!.stride).toBe(8);
    expect(main.workgroupSize).toEqual([32, 1, 1]);
    expect(main.overrides).toEqual(['WG']);
    expect(r.entryPoints.get('second')!.workgroupSize).toEqual([8, 2, 1]);
  });

  it('packs uniforms at the reflected offsets and rejects bad values', () => {
    const params = r.entryPoints.get('main')!.bindings[0]!;
    const view = new DataView(new ArrayBuffer(256));
    packUniforms('t', params, { n: 7, dt: 0.5, scale: [2, 3], k: -4 }, view, 0);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect(view.getFloat32(12, true)).toBe(3);
    expect(view.getInt32(16, true)).toBe(-4);
    expect(() => packUniforms('t', params, { n: 7, dt: 0.5, scale: [2, 3] }, view, 0)).toThrow(/params\.k was not given/);
    expect(() => packUniforms('t', params, { n: 7, dt: 0.5, scale: [2, 3], k: 1, extra: 1 }, view, 0)).toThrow(/no member 'extra'/);
    expect(() => packUniforms('t', params, { n: -1, dt: 0.5, scale: [2, 3], k: 1 }, view, 0)).toThrow(/params\.n is u32 but got -1/);
    expect(() => packUniforms('t', params, { n: 1, dt: 0.5, scale: [2], k: 1 }, view, 0)).toThrow(/scale needs 2 value/);
  });

  it('lists the overrides an entry point uses through the functions it calls, at any depth', () => {
    const nested = reflectWgsl(`
override ROWS: u32 = 8u;
override SG: u32 = 1u;
override UNUSED: u32 = 2u;
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
fn group_of(r: u32) -> u32 { return r % SG; }
fn rows() -> u32 { return group_of(ROWS); }
@compute @workgroup_size(1) fn main() { out[0] = rows(); }
@compute @workgroup_size(1) fn other() { out[1] = group_of(3u); }
`, 'nested.wgsl');
    expect(nested.entryPoints.get('main')!.overrides.sort()).toEqual(['ROWS', 'SG']);
    expect(nested.entryPoints.get('other')!.overrides).toEqual(['SG']);
  });

  it('reads module-scope constants (not overrides) so TypeScript need not repeat them', () => {
    const k = defineKernel('consts.wgsl', `const GATES: u32 = 4u;\nconst WIDE = GATES * 2u;\nconst HALF: f32 = 0.5;\noverride WG: u32 = 8;\n${SRC}`);
    expect(k.constant('GATES')).toBe(4);
    expect(k.constant('WIDE')).toBe(8);
    expect(k.constant('HALF')).toBe(0.5);
    expect([...k.reflection.constants.keys()]).not.toContain('WG');
    expect(() => k.constant('NOPE')).toThrow(/kernel consts\.wgsl declares no module-scope const 'NOPE' \(it has: GATES, WIDE, HALF\)/);
  });

  it('names a missing entry point', () => {
    expect(() => defineKernel('test.wgsl', SRC).entry('nope')).toThrow(/no entry point 'nope' \(it has: main, second\)/);
  });

  it('reflects on first use, not when the kernel is defined (importing the library parses no WGSL)', () => {
    const broken = defineKernel('broken.wgsl', 'fn f( {');
    expect(broken.code).toBe('fn f( {');
    expect(() => broken.entry('main')).toThrow(/kernel broken\.wgsl: WGSL could not be parsed/);
    const k = defineKernel('test.wgsl', SRC);
    expect(k.reflection).toBe(k.reflection); // reflected once, then kept
  });

  it('rejects a shader without compute entry points', () => {
    expect(() => reflectWgsl('fn f() {}', 'empty.wgsl')).toThrow(/no @compute entry point/);
  });
});
