// serve-demo.mjs — `npm run demo`: after `npm run build`, serves dist/ on 127.0.0.1 (a
// secure context, so WebGPU is allowed) and prints the demo's URL, dist/demo/index.html.
// The page's bundle (dist/demo/main.js) carries the library, so it works offline.
//   node scripts/serve-demo.mjs [--port N] [--build] [--dist DIR]
//   (--build: rebuild DIR/demo first; DIR defaults to dist)
// Also exports buildDemoSite(outdir), which the browser tests use to bundle the demo
// into a folder of their own.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';
import { wgslPlugin } from './wgsl-esbuild.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Compile-time constants of the demo pages: the bench page's jax-js version (its package.json is not exported). */
export function demoDefines() {
  let version = 'unknown';
  try {
    version = JSON.parse(readFileSync(join(ROOT, 'node_modules/@jax-js/jax/package.json'), 'utf8')).version;
  } catch {
    // not installed: the page's peer reports 'unknown'
  }
  return { __JAXJS_VERSION__: JSON.stringify(version) };
}

/** Bundles demo/*.ts (each an entry; shared code lives in demo/parts/) and copies the static files. */
export async function buildDemoSite(outdir) {
  const demo = join(ROOT, 'demo');
  const entries = readdirSync(demo).filter((f) => f.endsWith('.ts')).map((f) => join(demo, f));
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: entries, outdir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
    plugins: [await wgslPlugin()], sourcemap: true, logLevel: 'warning', splitting: true, define: demoDefines(),
  });
  for (const f of readdirSync(demo).filter((f) => /\.(html|css|svg|png)$/.test(f))) cpSync(join(demo, f), join(outdir, f));
  return outdir;
}

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const dist = resolve(ROOT, flag('--dist', 'dist'));
  if (process.argv.includes('--build') || !existsSync(join(dist, 'demo', 'main.js'))) {
    await buildDemoSite(join(dist, 'demo'));
  }
  const port = Number(flag('--port', process.env.PORT ?? '8080'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0…65535, got ${flag('--port')}`);
  let server;
  try {
    server = await startStaticServer({ root: dist, port });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    console.log(`port ${port} is busy; using a free one`);
    server = await startStaticServer({ root: dist, port: 0 });
  }
  console.log(`springloop demo: ${server.url}demo/`);
  console.log('Open it in a WebGPU browser (Chrome/Edge 113+, Safari 26, Firefox 141+ on Windows). Ctrl+C stops the server.');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`serve-demo: ${e.message}`);
    process.exit(1);
  });
}
