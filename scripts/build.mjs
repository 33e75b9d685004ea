// build.mjs — esbuild bundles: the Node library + CLI + scripts (dawn.node stays external),
// the browser ESM bundle (WGSL inlined, nothing Node-only), and the demo pages; then
// TypeScript declarations. `node scripts/build.mjs --no-types` skips the declarations.
// Browser code ships minified (names kept, source maps beside it).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, mkdirSync, cpSync } from 'node:fs';
import { demoDefines } from './serve-demo.mjs';

const common = { bundle: true, format: 'esm', loader: { '.wgsl': 'text' }, sourcemap: true, logLevel: 'warning', target: 'es2022' };
const nodeEntries = ['src/index.ts', 'src/cli.ts', 'scripts/conformance.ts', 'scripts/results-md.ts', 'scripts/bench-page.ts'].filter((f) => existsSync(f));

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: nodeEntries.map((f) => ({ in: f, out: f.replace(/^src\//, '').replace(/\.ts$/, '') })),
  outdir: 'dist/node',
  platform: 'node',
  splitting: true,
  external: ['webgpu', 'puppeteer-core', 'esbuild'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const browser = { ...common, platform: 'browser', minify: true, keepNames: true };
await build({ ...browser, entryPoints: ['src/browser.ts'], outfile: 'dist/browser/springloop.js' });

if (existsSync('demo')) {
  const pages = readdirSync('demo').filter((f) => f.endsWith('.ts'));
  if (pages.length > 0) {
    await build({ ...browser, entryPoints: pages.map((p) => `demo/${p}`), outdir: 'dist/demo', splitting: true, define: demoDefines() });
  }
  mkdirSync('dist/demo', { recursive: true });
  for (const f of readdirSync('demo').filter((f) => /\.(html|css|svg|png)$/.test(f))) cpSync(`demo/${f}`, `dist/demo/${f}`);
}

if (!process.argv.includes('--no-types')) {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
console.log(`built dist/node (${nodeEntries.length} entries), dist/browser/springloop.js${existsSync('dist/demo') ? ', dist/demo' : ''}`);
