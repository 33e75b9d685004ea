/// <reference types="vite/client" />
// wgsl-build.test.ts — build-time reflection (scripts/wgsl-plugin.ts) against run-time
// reflection (defineKernel, wgsl_reflect in the 'springloop/kernels' entry) for every shipped
// kernel: same entry points, bindings, uniform offsets, workgroup sizes and overrides; the same
// expanded source and line map; the shipped form (without the indentation brackets imply)
// restores exactly; and in the production form (comments blanked) every line and column of
// code where it was, so compile errors still point at file:line:column.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { esbuildWgslPlugin, stripWgslComments } from '../../scripts/wgsl-plugin';
import { packWgsl, unpackWgsl } from '../../src/gpu/wgsl-shipped';
import { packReflection, unpackReflection } from '../../src/gpu/packed-reflection';
import { reflectWgsl } from '../../src/gpu/reflect';
import { defineKernel } from '../../src/gpu/define-kernel';
import { WGSL_LIBRARY } from '../../src/gpu/wgsl-library';
import type { Kernel } from '../../src/gpu/kernel';

const KERNEL_FILES = readdirSync('shaders').filter((f) => f.endsWith('.wgsl')).sort();
const devModules = import.meta.glob<Kernel>('../../shaders/*.wgsl', { eager: true, import: 'default' });

function runtimeKernel(file: string): Kernel {
  return defineKernel(file, readFileSync(join('shaders', file), 'utf8'));
}

/** Every shipped kernel as the production build makes it (comments blanked), bundled and loaded. */
async function productionKernels(): Promise<Record<string, Kernel>> {
  const entry = KERNEL_FILES.map((f, i) => `export { default as k${i} } from ${JSON.stringify(resolve('shaders', f))};`).join('\n');
  const result = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
    bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
    plugins: [esbuildWgslPlugin({ kernelModule: resolve('src/gpu/kernel.ts'), stripComments: true })],
  });
  const dir = mkdtempSync(join(tmpdir(), 'springloop-wgsl-'));
  try {
    const file = join(dir, 'kernels.mjs');
    writeFileSync(file, result.outputFiles[0]!.text);
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Record<string, Kernel>;
    return Object.fromEntries(KERNEL_FILES.map((f, i) => [f, mod[`k${i}`]!]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('build-time WGSL reflection', () => {
  it('ships at least the known kernels', () => {
    expect(KERNEL_FILES).toEqual(expect.arrayContaining(['axpy.wgsl', 'rk4.wgsl', 'lstm.wgsl', 'gru.wgsl', 'rnn.wgsl', 'adam.wgsl']));
  });

  it.each(KERNEL_FILES)('%s: the test build gives the layouts, source and line map of run-time reflection', (file) => {
    const built = devModules[`../../shaders/${file}`]!;
    const runtime = runtimeKernel(file);
    expect(built.name).toBe(file);
    expect(built.code).toBe(runtime.code);
    expect(built.lineMap).toEqual(runtime.lineMap);
    expect([...built.reflection.entryPoints.keys()]).toEqual([...runtime.reflection.entryPoints.keys()]);
    expect(built.reflection.entryPoints).toEqual(runtime.reflection.entryPoints);
    expect(built.reflection.constants).toEqual(runtime.reflection.constants);
  });

  it('the production build (comments blanked) gives the same layouts and keeps every line and column', async () => {
    const shipped = await productionKernels();
    for (const file of KERNEL_FILES) {
      const runtime = runtimeKernel(file);
      const prod = shipped[file]!;
      expect(prod.reflection.entryPoints, file).toEqual(runtime.reflection.entryPoints);
      expect(prod.reflection.constants, file).toEqual(runtime.reflection.constants);
      expect(prod.lineMap, file).toEqual(runtime.lineMap);
      const prodLines = prod.code.split('\n');
      const rawLines = runtime.code.split('\n');
      expect(prodLines.length, file).toBe(rawLines.length);
      prodLines.forEach((line, i) => {
        for (let c = 0; c < line.length; c++) {
          if (line[c] !== ' ') expect(rawLines[i]![c], `${file} line ${i + 1} column ${c + 1}`).toBe(line[c]);
        }
      });
      expect(prod.code.length, file).toBeLessThan(runtime.code.length);
      expect(prod.code, file).not.toMatch(/\/\/(?!!include)/);
    }
  });

  it('WGSL_LIBRARY lists every helper in shaders/lib/, by file name', () => {
    const helpers = readdirSync('shaders/lib').filter((f) => f.endsWith('.wgsl')).map((f) => f.replace(/\.wgsl$/, '')).sort();
    expect(Object.keys(WGSL_LIBRARY).sort()).toEqual(helpers);
    for (const h of helpers) expect(WGSL_LIBRARY[h]).toBe(readFileSync(`shaders/lib/${h}.wgsl`, 'utf8'));
  });
});

describe('stripWgslComments', () => {
  it('blanks line and nested block comments, keeping lines, columns and //!include', () => {
    const src = [
      '// header',
      '//!include "grid"',
      'fn f() -> f32 { /* a /* nested */ b */ return 1.0; } // tail',
      '/* multi',
      '   line // not a line comment here',
      '*/ let x = 2;',
      'const y = 3; ',
    ].join('\n');
    expect(stripWgslComments(src).split('\n')).toEqual([
      '',
      '//!include "grid"',
      `fn f() -> f32 { ${' '.repeat('/* a /* nested */ b */'.length)} return 1.0; }`,
      '',
      '',
      '   let x = 2;',
      'const y = 3;',
    ]);
  });
});

describe('packWgsl / unpackWgsl', () => {
  const SHADER_FILES = [...KERNEL_FILES.map((f) => `shaders/${f}`), ...readdirSync('shaders/lib').filter((f) => f.endsWith('.wgsl')).map((f) => `shaders/lib/${f}`)];

  it.each(SHADER_FILES)('%s: unpacks to the exact text, with and without comments, and ships it shorter', (file) => {
    const raw = readFileSync(file, 'utf8');
    for (const text of [raw, stripWgslComments(raw)]) {
      const shipped = packWgsl(file, text);
      expect(unpackWgsl(shipped)).toBe(text);
      expect(shipped.split('\n').length).toBe(text.split('\n').length);
      expect(shipped.length).toBeLessThan(text.length);
    }
  });

  it('drops two spaces per open bracket, keeps what a continuation line adds, and skips comments', () => {
    const text = ['fn f(a: f32,', '  b: f32) -> f32 {', '  let x = vec2<f32>(', '    a,', '      b); // (unclosed in a comment', '  return x.x', '    + x.y;', '}', '', 'const A = array<f32, 2>(1.0, 2.0);'].join('\n');
    const shipped = packWgsl('t.wgsl', text);
    expect(shipped.split('\n')).toEqual(['fn f(a:f32,', 'b:f32)->f32{', 'let x=vec2<f32>(', 'a,', '  b);// (unclosed in a comment', 'return x.x', '\t  + x.y;', '}', '', 'const A=array<f32,2>(1.0,2.0);']);
    expect(unpackWgsl(shipped)).toBe(text);
  });

  it('drops the spaces around binary operators, keeps unary minus, pointers and comparisons, and ships lines it cannot restore verbatim', () => {
    const lines = ['let a = -b * (*p).x + c[i] - 1.0;', 'if (a <= b && c != d) {', '} else {', '}', 'x += y % 2u;', 'let t = 1e-3;', '@group(0) @binding(1) var<storage, read> v: array<f32>;', 'let odd = a  +  b;', 'let q = a < b;'];
    const shipped = packWgsl('ops.wgsl', lines.join('\n')).split('\n');
    expect(shipped).toEqual(['let a=-b*(*p).x+c[i]-1.0;', 'if(a<=b&&c!=d){', '}else{', '}', 'x+=y%2u;', '\tlet t = 1e-3;', '@group(0)@binding(1)var<storage,read> v:array<f32>;', '\tlet odd = a  +  b;', 'let q=a < b;']);
    expect(unpackWgsl(shipped.join('\n'))).toBe(lines.join('\n'));
  });

  it('refuses, naming file and line, a line indented less than its brackets imply (it could not be restored)', () => {
    expect(() => packWgsl('flat.wgsl', 'fn f() {\nreturn;\n}')).toThrow(/^flat\.wgsl:2: indented by fewer than 2 spaces/);
  });
});

describe('packReflection / unpackReflection', () => {
  it('restores layouts the defaults do not cover: vectors WGSL aligns, padded structs, strided and fixed-size storage, 2-D workgroups, no bindings', () => {
    const wgsl = `
struct P { a: u32, v: vec3<f32>, b: f32, w: vec2<i32> }
struct Q { v: vec3<f32> }
struct Cell { x: f32, y: f32 }
struct Fixed { n: u32, m: u32, k: u32 }
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(2) var<uniform> q: Q;
@group(0) @binding(3) var<storage, read> cells: array<Cell>;
@group(0) @binding(4) var<storage, read_write> fixed: Fixed;
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;
override WG: u32 = 8;
const K: u32 = 3u;
@compute @workgroup_size(WG, 4) fn a(@builtin(global_invocation_id) g: vec3u) { out[g.x] = vec4<f32>(p.v, cells[0].y + f32(fixed.n + p.a)); }
@compute @workgroup_size(8, 4) fn b() { out[0] = vec4<f32>(q.v, 1.0); }
@compute @workgroup_size(1) fn c() { }
`;
    const reflection = reflectWgsl(wgsl, 'layouts.wgsl');
    const packed = packReflection(reflection);
    expect(unpackReflection(packed)).toEqual(reflection);
    expect(packed.split('\n')).toEqual([
      'p u48 a v:f3@16 b:f w:i2',
      'cells 3 r8',
      'fixed s12/0',
      'out s16',
      'q 2 u16 v:f3',
      '@a 0,1,2,3 8,4,1 WG',
      '@b 4,3 8,4,1 -',
      '@c - 1',
      '=K 3',
    ]);
  });

  it('refuses a binding outside @group(0)', () => {
    const reflection = reflectWgsl('@group(1) @binding(0) var<storage, read_write> y: array<f32>;\n@compute @workgroup_size(64) fn main() { y[0] = 1.0; }', 'g1.wgsl');
    expect(() => packReflection(reflection)).toThrow(/binding 'y' is in @group\(1\)/);
  });
});
