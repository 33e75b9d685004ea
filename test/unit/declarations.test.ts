// declarations.test.ts — scripts/declarations.mjs, the step that readies tsc's declarations for
// NodeNext / Node16 (full specifiers), routes TypeScript 5.x to @webgpu/types, and refuses
// what would break a consumer (`any`, Node-only types, .wgsl modules, dangling specifiers).
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error — plain ESM build script without types
import { fixDeclarations } from '../../scripts/declarations.mjs';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'springloop-dts-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('fixDeclarations', () => {
  it('gives every relative specifier its file, and writes TypeScript 5.x twins of the entries', () => {
    const dir = tree({
      'index.d.ts': "export { a } from './a';\nexport type { M } from './model';\nexport type T = import('./a').A;\nexport * from './b.js';\n",
      'a.d.ts': 'export declare const a: number;\nexport interface A { device: GPUDevice }\n',
      'b.d.ts': 'export declare const b: string;\n',
      'model/index.d.ts': 'export interface M { n: number }\n',
    });
    try {
      fixDeclarations(dir, ['index.d.ts']);
      expect(readFileSync(join(dir, 'index.d.ts'), 'utf8')).toBe(
        "export { a } from './a.js';\nexport type { M } from './model/index.js';\nexport type T = import('./a.js').A;\nexport * from './b.js';\n",
      );
      expect(readFileSync(join(dir, 'ts5', 'index.d.ts'), 'utf8')).toBe('/// <reference types="@webgpu/types" />\nexport * from \'../index.js\';\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses any, Node-only types, .wgsl modules and specifiers that name no file, with file:line', () => {
    const dir = tree({
      'index.d.ts': [
        "import k from '../shaders/x.wgsl';",
        'export declare function f(x: any): void;',
        '/** any in a comment is fine */ export declare const s: "any";',
        'export declare const b: Buffer;',
        "export { g } from './missing';",
      ].join('\n'),
    });
    try {
      let message = '';
      try {
        fixDeclarations(dir, ['index.d.ts']);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/index\.d\.ts:1: imports a \.wgsl module/);
      expect(message).toMatch(/index\.d\.ts:2: 'any' in a public type/);
      expect(message).not.toMatch(/index\.d\.ts:3/);
      expect(message).toMatch(/index\.d\.ts:4: a Node-only type/);
      expect(message).toMatch(/index\.d\.ts:5: '\.\/missing' names no declaration file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
