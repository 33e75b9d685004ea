// declarations.mjs — readies tsc's declarations (dist/types) for every module resolver.
// src/ imports without extensions (bundler style); NodeNext and Node16 need the full path, so
// each relative specifier becomes the file it names ('./gpu/device' -> './gpu/device.js',
// './model' -> './model/index.js'). WebGPU types: TypeScript >= 6 has them in its DOM and
// WebWorker libs, and @webgpu/types would then clash with them; TypeScript 5.x has none, so
// each entry gets a twin in ts5/ that references @webgpu/types (package.json routes 5.x there
// with a "types@<6.0" condition). Consumers need no `types` setting either way. Then it checks
// what users would trip over: a specifier that names no declaration, `any`, Node-only types,
// a .wgsl module. Throws, listing file:line of each problem.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]*)\2/gm;
const WEBGPU_REFERENCE = '/// <reference types="@webgpu/types" />';

/** Every .d.ts file under `dir`. */
export function declarationFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => f.endsWith('.d.ts') && statSync(f).isFile());
}

/** The ESM specifier for a relative import in `file`, or null when it names no declaration. */
export function fullSpecifier(file, spec) {
  const base = join(dirname(file), spec);
  if (spec.endsWith('.js') && existsSync(base.replace(/\.js$/, '.d.ts'))) return spec;
  if (existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (existsSync(join(base, 'index.d.ts'))) return `${spec.replace(/\/$/, '')}/index.js`;
  return null;
}

/** Source text without comments and string contents (for the checks). */
function codeOnly(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/(['"`])(?:\\.|(?!\1)[^\\\n])*\1/g, (s) => s[0] + ' '.repeat(s.length - 2) + s[0]);
}

/** What a consumer would trip over in one declaration file, as "file:line: problem" lines. */
export function declarationProblems(file, text, root) {
  const problems = [];
  const code = codeOnly(text).split('\n');
  const at = (i) => `${relative(root, file)}:${i + 1}`;
  code.forEach((line, i) => {
    if (/\bany\b/.test(line)) problems.push(`${at(i)}: 'any' in a public type: ${text.split('\n')[i].trim()}`);
    if (/\bNodeJS\.|\bBuffer\b/.test(line)) problems.push(`${at(i)}: a Node-only type: ${text.split('\n')[i].trim()}`);
  });
  for (const m of text.matchAll(SPECIFIER)) {
    const line = text.slice(0, m.index).split('\n').length - 1;
    if (m[3].endsWith('.wgsl')) problems.push(`${at(line)}: imports a .wgsl module ('${m[3]}'): give the export an explicit type`);
    else if (!fullSpecifier(file, m[3])) problems.push(`${at(line)}: '${m[3]}' names no declaration file`);
  }
  return problems;
}

/**
 * Rewrites every declaration file under `dir` in place and writes the TypeScript 5.x twins
 * `dir/ts5/<entry>` of the `entries` (e.g. 'index.d.ts'); throws listing the problems found.
 */
export function fixDeclarations(dir, entries) {
  const problems = [];
  for (const file of declarationFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    problems.push(...declarationProblems(file, text, dir));
    const fixed = text.replace(SPECIFIER, (all, head, quote, spec) => `${head}${quote}${fullSpecifier(file, spec) ?? spec}${quote}`);
    if (fixed !== text) writeFileSync(file, fixed);
  }
  if (problems.length > 0) throw new Error(`declarations in ${dir} need fixing:\n  ${problems.join('\n  ')}`);
  mkdirSync(join(dir, 'ts5'), { recursive: true });
  for (const entry of entries) {
    const js = `../${basename(entry, '.d.ts')}.js`;
    writeFileSync(join(dir, 'ts5', entry), `${WEBGPU_REFERENCE}\nexport * from '${js}';\n`);
  }
}
