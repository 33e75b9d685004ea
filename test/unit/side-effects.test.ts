// side-effects.test.ts — importing springloop runs nothing: package.json says
// "sideEffects": false, so every module must do no work at load (no kernel expansion, no
// reflection, no tables computed by calls) or bundlers keep code apps never use. Bundles each
// public entry with esbuild, every module forced to count as having side effects, and names
// each module that leaves code behind (third-party code, e.g. wgsl_reflect in the kernel
// authoring entry, is not ours to judge).
import { describe, expect, it } from 'vitest';
import { build, type Plugin } from 'esbuild';
import { resolve } from 'node:path';
import { esbuildWgslPlugin } from '../../scripts/wgsl-plugin';

/** Marks every module as having side effects, so only pure code may be dropped. */
const everyModuleCounts: Plugin = {
  name: 'every-module-counts',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.inner) return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, sideEffects: true };
    });
  },
};

/** The modules that leave code in a bundle that only imports `entry`, with their byte counts. */
async function codeLeftByImporting(entry: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `import ${JSON.stringify(resolve(entry))};`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent',
    plugins: [everyModuleCounts, esbuildWgslPlugin({ kernelModule: resolve('src/gpu/kernel.ts'), stripComments: true })],
  });
  const inputs = Object.values(result.metafile!.outputs)[0]!.inputs;
  return Object.entries(inputs)
    .filter(([file, v]) => v.bytesInOutput > 0 && !file.startsWith('node_modules/'))
    .map(([file, v]) => `${file} runs code when imported (${v.bytesInOutput} bytes kept): make it a function, or mark a pure call /* @__PURE__ */`);
}

describe('importing the library does no work', () => {
  for (const entry of ['src/index.ts', 'src/kernel-authoring.ts', 'src/dynamics.ts', 'src/experiment-data.ts', 'src/echo-state.ts']) {
    it(`${entry}: no module has load-time side effects`, async () => {
      expect(await codeLeftByImporting(entry)).toEqual([]);
    });
  }
});
