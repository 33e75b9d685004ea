// browser-safe.test.ts — everything src/browser.ts reaches (its static imports, followed
// through the tree) is free of node:* modules and of the Node-only folders; only
// src/gpu/device.ts knows Node from a browser, and it loads Dawn dynamically; the browser build
// (SPRINGLOOP_BROWSER defined) leaves that loader out. No GPU.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { esbuildWgslPlugin } from '../../scripts/wgsl-plugin';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMPORT = /^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm;

/** Files reachable from `entry` by static imports, with every specifier they import. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (s.endsWith('.wgsl')) continue;
      if (!s.startsWith('.')) continue;
      const base = join(dirname(file), s);
      queue.push(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
    }
  }
  return seen;
}

describe('browser-safe modules', () => {
  const files = reachable(join(ROOT, 'src', 'browser.ts'));

  it('reach the library', () => {
    expect(files.size).toBeGreaterThan(40);
    expect([...files.keys()].map((f) => relative(ROOT, f))).toEqual(expect.arrayContaining(['src/train/forecaster.ts', 'src/model/cells.ts', 'src/train/session.ts']));
  });

  /** What of `reached` is Node-only: node:* imports and the Node-only folders. */
  function nodeOnly(reached: Map<string, string[]>): string[] {
    const offenders: string[] = [];
    for (const [file, specifiers] of reached) {
      const rel = relative(ROOT, file);
      if (rel.startsWith('src/train/node/') || rel.startsWith('src/cli/')) offenders.push(rel);
      for (const s of specifiers) if (s.startsWith('node:')) offenders.push(`${rel} imports ${s}`);
    }
    return offenders;
  }

  it('import no node:* module and nothing of src/train/node or src/cli', () => {
    expect(nodeOnly(files)).toEqual([]);
  });

  // The package's other entries have browser builds too (dist/lib/browser/, scripts/build.mjs).
  for (const entry of ['kernel-authoring.ts', 'dynamics.ts', 'experiment-data.ts', 'echo-state.ts']) {
    it(`src/${entry} is browser-safe too`, () => {
      expect(nodeOnly(reachable(join(ROOT, 'src', entry)))).toEqual([]);
    });
  }
});

describe('the browser build (the package\'s "browser" condition)', () => {
  /** src/index.ts bundled as scripts/build.mjs bundles dist/lib/browser/ (minified, to read it whole). */
  async function bundle(define: Record<string, string>): Promise<string> {
    const result = await build({
      entryPoints: [join(ROOT, 'src', 'index.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, minify: true, logLevel: 'silent', define,
      plugins: [esbuildWgslPlugin({ kernelModule: join(ROOT, 'src', 'gpu', 'kernel.ts'), stripComments: true })],
    });
    return result.outputFiles[0]!.text;
  }

  it('leaves out the Node loader for Dawn and its messages, which the default build keeps', async () => {
    const nodeOnly = ['npm i springloop webgpu', 'VK_ADD_DRIVER_FILES', 'adapter=SwiftShader', 'bash scripts/setup.sh'];
    const browser = await bundle({ SPRINGLOOP_BROWSER: 'true' });
    const neutral = await bundle({});
    for (const text of nodeOnly) {
      expect(neutral, text).toContain(text);
      expect(browser, text).not.toContain(text);
    }
    expect(browser).toContain('navigator.gpu is missing');
  });
});
