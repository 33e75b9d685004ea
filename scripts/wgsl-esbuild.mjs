// wgsl-esbuild.mjs — the esbuild plugin of scripts/wgsl-plugin.ts for the plain-JS build
// scripts (build.mjs, serve-demo.mjs): bundles the TypeScript plugin once into
// node_modules/.cache/springloop/ and loads it, so esbuild and vitest share one implementation.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The esbuild plugin that turns .wgsl imports into build-reflected kernels. */
export async function wgslPlugin({ stripComments = false } = {}) {
  const outfile = join(ROOT, 'node_modules', '.cache', 'springloop', 'wgsl-plugin.mjs');
  await build({
    entryPoints: [join(ROOT, 'scripts', 'wgsl-plugin.ts')],
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
    outfile, logLevel: 'warning',
  });
  const { esbuildWgslPlugin } = await import(`${pathToFileURL(outfile).href}?${Date.now()}`);
  return esbuildWgslPlugin({ kernelModule: join(ROOT, 'src', 'gpu', 'kernel.ts'), stripComments });
}
