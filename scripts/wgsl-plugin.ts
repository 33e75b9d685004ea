// wgsl-plugin.ts — build-time WGSL. Every imported .wgsl file becomes a JS module with
//   export const source = "<the file's text, in its shipped form>";
//   export default /* @__PURE__ */ compiledKernel({ name, source, helpers, reflection });
// where `helpers` holds the text of each shaders/lib/ file it includes (imported from their
// own modules, so a helper ships once) and `reflection` is the reflection of the expanded
// source (wgsl_reflect, src/gpu/reflect.ts; packed as src/gpu/packed-reflection.ts), done here
// so the runtime needs no WGSL parser.
// Helpers (files in a `lib/` folder) are not reflected. One function makes the module for
// esbuild (scripts/build.mjs) and for vitest (vitest.config.ts), so tests run what ships.
// The shipped form drops the indentation brackets imply and the spaces the house style puts
// around operators (src/gpu/wgsl-shipped.ts; put back exactly before compiling). With
// `stripComments` (production bundles) comments are also blanked line by line. Either way
// every line keeps its number and every token its column once restored, so the line map of
// compile errors survives.
import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { resolveIncludes } from '../src/gpu/wgsl-include.ts';
import { reflectWgsl } from '../src/gpu/reflect.ts';
import { packReflection } from '../src/gpu/packed-reflection.ts';
import { packWgsl } from '../src/gpu/wgsl-shipped.ts';

export interface WgslModuleOptions {
  /** Absolute path of src/gpu/kernel.ts (the module that exports compiledKernel). */
  kernelModule: string;
  /** Blank WGSL comments (keeping `//!include` lines, line numbers and columns). Default false. */
  stripComments?: boolean;
}

const INCLUDE_LINE = /^\s*\/\/!include\s+"[^"]+"\s*$/;

/** Blanks `// …` and (nested) block comments, keeping every newline, `//!include` line and column. */
export function stripWgslComments(text: string): string {
  let out = '';
  let depth = 0; // block-comment nesting
  for (const line of text.split('\n')) {
    if (depth === 0 && INCLUDE_LINE.test(line)) {
      out += `${line}\n`;
      continue;
    }
    let kept = '';
    for (let i = 0; i < line.length; i++) {
      const two = line.slice(i, i + 2);
      if (depth === 0 && two === '//') break;
      if (two === '/*') {
        depth++;
        kept += '  ';
        i++;
      } else if (depth > 0 && two === '*/') {
        depth--;
        kept += '  ';
        i++;
      } else {
        kept += depth > 0 ? ' ' : line[i];
      }
    }
    out += `${kept.trimEnd()}\n`;
  }
  return out.slice(0, -1);
}

/** True for shared helpers: files in a folder named `lib` (shaders/lib/). */
export function isHelperFile(path: string): boolean {
  return basename(dirname(path)) === 'lib';
}

/** The helpers a file can include: every .wgsl in its own `lib/` folder (or its folder, for a helper). */
function helperFiles(path: string): Map<string, string> {
  const dir = isHelperFile(path) ? dirname(path) : join(dirname(path), 'lib');
  const files = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.wgsl'));
  } catch {
    // no lib folder: nothing to include
  }
  for (const f of names) files.set(f.slice(0, -'.wgsl'.length), join(dir, f));
  return files;
}

/** The JS module for the .wgsl file at `path`. Throws naming file and line for bad includes or WGSL. */
export function wgslModuleCode(path: string, options: WgslModuleOptions): string {
  const helper = isHelperFile(path);
  const name = helper ? basename(path, '.wgsl') : basename(path);
  const files = helperFiles(path);
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    return options.stripComments ? stripWgslComments(text) : text;
  };
  const source = read(path);
  const library = Object.fromEntries([...files].map(([n, f]) => [n, read(f)]));
  const resolved = resolveIncludes(name, source, library);
  const used = [...new Set(resolved.lineMap.map((l) => l.file))].filter((f) => f !== name);
  const reflection = helper ? '' : packReflection(reflectWgsl(resolved.code, name));
  const importPath = (file: string) => {
    const rel = relative(dirname(path), file).split(sep).join('/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  return [
    `import { compiledKernel } from ${JSON.stringify(importPath(options.kernelModule))};`,
    ...used.map((h, i) => `import { source as helper${i} } from ${JSON.stringify(importPath(files.get(h)!))};`),
    `export const source = ${JSON.stringify(packWgsl(relative(process.cwd(), path), source))};`,
    `export default /* @__PURE__ */ compiledKernel({`,
    `  name: ${JSON.stringify(name)},`,
    `  source,`,
    `  helpers: { ${used.map((h, i) => `${JSON.stringify(h)}: helper${i}`).join(', ')} },`,
    `  reflection: ${JSON.stringify(reflection)},`,
    `});`,
    '',
  ].join('\n');
}

/** The esbuild plugin: .wgsl imports load as wgslModuleCode. */
export function esbuildWgslPlugin(options: WgslModuleOptions): EsbuildPlugin {
  return {
    name: 'springloop-wgsl',
    setup(build) {
      build.onLoad({ filter: /\.wgsl$/ }, (args) => ({
        contents: wgslModuleCode(args.path, options),
        loader: 'js',
        resolveDir: dirname(args.path),
        watchFiles: [args.path, ...helperFiles(args.path).values()],
      }));
    },
  };
}

/** The vite / vitest plugin: the same modules for .wgsl imports in tests and the dev server. */
export function viteWgslPlugin(options: WgslModuleOptions): VitePlugin {
  return {
    name: 'springloop-wgsl',
    enforce: 'pre',
    load(id) {
      const path = id.split('?')[0]!;
      if (!path.endsWith('.wgsl')) return null;
      return { code: wgslModuleCode(resolve(path), options), map: null };
    },
  };
}
