// browser-safe.test.ts — everything src/browser.ts reaches (its static imports, followed
// through the tree) is free of node:* modules and of the Node-only folders; only
// src/gpu/device.ts knows Node from a browser, and it loads Dawn dynamically. No GPU.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

  it('import no node:* module and nothing of src/train/node or src/cli', () => {
    const offenders: string[] = [];
    for (const [file, specifiers] of files) {
      const rel = relative(ROOT, file);
      if (rel.startsWith('src/train/node/') || rel.startsWith('src/cli/')) offenders.push(rel);
      for (const s of specifiers) if (s.startsWith('node:')) offenders.push(`${rel} imports ${s}`);
    }
    expect(offenders).toEqual([]);
  });
});
