import { describe, expect, it } from 'vitest';
import { resolveIncludes } from '../../src/gpu/wgsl-include';
import { WGSL_LIBRARY } from '../../src/gpu/wgsl-library';

describe('resolveIncludes', () => {
  const lib = {
    a: 'fn a() {}',
    b: '//!include "a"\nfn b() { a(); }',
    cyc1: '//!include "cyc2"\nfn c1() {}',
    cyc2: '//!include "cyc1"\nfn c2() {}',
  };

  it('expands an include in place and maps lines back to their files', () => {
    const r = resolveIncludes('main.wgsl', '// top\n//!include "a"\nfn main() {}', lib);
    expect(r.code).toBe('// top\nfn a() {}\nfn main() {}');
    expect(r.lineMap).toEqual([
      { file: 'main.wgsl', line: 1 },
      { file: 'a', line: 1 },
      { file: 'main.wgsl', line: 3 },
    ]);
  });

  it('includes each helper once, also through nested includes', () => {
    const r = resolveIncludes('m', '//!include "b"\n//!include "a"\n//!include "b"', lib);
    expect(r.code.match(/fn a\(\)/g)).toHaveLength(1);
    expect(r.code.match(/fn b\(\)/g)).toHaveLength(1);
    expect(r.code.indexOf('fn a()')).toBeLessThan(r.code.indexOf('fn b()'));
  });

  it('survives include cycles', () => {
    const r = resolveIncludes('m', '//!include "cyc1"', lib);
    expect(r.code).toContain('fn c1()');
    expect(r.code).toContain('fn c2()');
  });

  it('names an unknown include with its file and line', () => {
    expect(() => resolveIncludes('k.wgsl', '\n//!include "nope"', lib)).toThrow(/k\.wgsl:2: \/\/!include "nope" names no known WGSL helper/);
  });

  it('leaves ordinary comments alone', () => {
    expect(resolveIncludes('m', '// include "a"', lib).code).toBe('// include "a"');
  });

  it('ships the activations helper', () => {
    expect(WGSL_LIBRARY.activations).toMatch(/fn sigmoid/);
  });
});
