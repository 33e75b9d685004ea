// build.mjs — everything `npm pack` ships, plus the demo:
//   dist/lib/      the library as ES modules for bundlers and Node: index.js ('springloop'),
//                  kernels.js ('springloop/kernels', with the WGSL parser), analysis.js
//                  ('springloop/analysis', with ml-matrix), data.js ('springloop/data') and esn.js
//                  ('springloop/esn', echo state networks), sharing chunks/;
//                  dist/lib/browser/ the same without the Node loader (the "browser" condition)
//   dist/browser/  springloop.js: the whole library in one minified file, for pages without a bundler
//   dist/node/     the CLI and scripts (Node only; dawn.node stays external)
//   dist/types/    declarations (tsc, then scripts/declarations.mjs readies them for every resolver)
//   dist/demo/     the demo pages (not published)
// Every .wgsl import is reflected here (scripts/wgsl-plugin.ts); shipped WGSL has its comments
// blanked, line numbers kept. `node scripts/build.mjs --no-types` skips the declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, mkdirSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { wgslPlugin } from './wgsl-esbuild.mjs';
import { fixDeclarations } from './declarations.mjs';
import { demoDefines } from './serve-demo.mjs';

const shipped = { bundle: true, format: 'esm', logLevel: 'warning', target: 'es2022', plugins: [await wgslPlugin({ stripComments: true })] };
const nodeEntries = ['src/cli.ts', 'scripts/conformance.ts', 'scripts/results-md.ts', 'scripts/bench-page.ts'].filter((f) => existsSync(f));

const libEntries = { index: 'src/index.ts', kernels: 'src/kernel-authoring.ts', analysis: 'src/dynamics.ts', data: 'src/experiment-data.ts', esn: 'src/echo-state.ts' };
// ml-matrix is CommonJS, which bundlers cannot tree-shake: its one importer (src/analysis/linalg.ts)
// gets a module of its own, which an app's bundler drops whole when unused ("sideEffects": false),
// so physicsRnn or classifyEigenvalues alone from 'springloop/analysis' come without its 70 KB.
const libModules = { ...libEntries, 'chunks/linalg': 'src/analysis/linalg.ts' };

rmSync('dist', { recursive: true, force: true });
await build({
  ...shipped,
  entryPoints: libModules,
  outdir: 'dist/lib',
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  splitting: true,
});
// The same for browsers (the package's "browser" condition): without the Node loader (src/gpu/device.ts).
const browserOnly = { SPRINGLOOP_BROWSER: 'true' };
await build({
  ...shipped,
  entryPoints: libModules,
  outdir: 'dist/lib/browser',
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'browser',
  splitting: true,
  define: browserOnly,
});
// esbuild orders shared chunks with bare `import "./chunks/…";` lines. The package's modules do
// nothing at load ("sideEffects": false; test/unit/side-effects.test.ts), so those lines do
// nothing either, except make an app's esbuild warn once per line that it ignores them.
for (const dir of ['dist/lib', 'dist/lib/chunks', 'dist/lib/browser', 'dist/lib/browser/chunks']) {
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const file = `${dir}/${f}`;
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^import "\.\/[\w./-]+\.js";\n/gm, ''));
  }
}
await build({ ...shipped, entryPoints: ['src/browser.ts'], outfile: 'dist/browser/springloop.js', platform: 'browser', minify: true, define: browserOnly });
await build({
  ...shipped,
  entryPoints: nodeEntries.map((f) => ({ in: f, out: f.replace(/^src\//, '').replace(/\.ts$/, '') })),
  outdir: 'dist/node',
  platform: 'node',
  splitting: true,
  external: ['webgpu', 'puppeteer-core', 'esbuild'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

if (existsSync('demo')) {
  const pages = readdirSync('demo').filter((f) => f.endsWith('.ts'));
  if (pages.length > 0) {
    await build({
      bundle: true, format: 'esm', logLevel: 'warning', target: 'es2022', platform: 'browser', minify: true, keepNames: true, sourcemap: true,
      plugins: [await wgslPlugin()], entryPoints: pages.map((p) => `demo/${p}`), outdir: 'dist/demo', splitting: true, define: demoDefines(),
    });
  }
  mkdirSync('dist/demo', { recursive: true });
  for (const f of readdirSync('demo').filter((f) => /\.(html|css|svg|png)$/.test(f))) cpSync(`demo/${f}`, `dist/demo/${f}`);
}

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  fixDeclarations('dist/types', ['index.d.ts', 'kernel-authoring.d.ts', 'dynamics.d.ts', 'experiment-data.d.ts', 'echo-state.d.ts']);
}
console.log(`built dist/lib, dist/browser/springloop.js, dist/node (${nodeEntries.length} entries)${existsSync('dist/demo') ? ', dist/demo' : ''}${existsSync('dist/types') ? ', dist/types' : ''}`);
