// consumer.test.ts — what the library's users do, offline and from the packed tarball (see
// install.ts): strict type-checks of a Node app (NodeNext, Node16) and a Vite app (Bundler)
// with TypeScript 5.x and the current major, no skipLibCheck; a Vite production build opened
// in headless Chromium (simulate() on the page, a Forecaster training in a Web Worker while the
// page's thread keeps running); the Node flow with and without the optional `webgpu` peer;
// the bundle-size targets. Needs the build (`npm test` builds first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installApp, packRepository, REPO, typeCheck, typescriptVersion, type PackedPackage } from './install';
import { startBrowser } from '../browser/chromium';
// @ts-expect-error — plain ESM script without types
import { measureBundles, missedTargets, formatTable } from '../../scripts/bundle-sizes.mjs';

const TYPESCRIPTS = ['typescript', 'typescript-7'];

/** What the Vite app's page leaves in window.results (apps/vite-app/main.ts). */
interface PageResults {
  adapter: string;
  simulateMaxError: number;
  samples: number;
  worker: { adapter: string; epochs: number; firstLoss: number; lastLoss: number; forecast: number[] };
  ticksDuringTraining: number;
  progressMessages: number;
}

let work: string;
let pkg: PackedPackage;
let nodeApp: string;
let viteApp: string;

beforeAll(() => {
  // `npm test` builds the package and its docs first; a lone run of this file builds what is missing.
  if (!['dist/types/index.d.ts', 'dist/lib/index.js', 'dist/docs/index.html'].every((f) => existsSync(join(REPO, f)))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'inherit' });
    execFileSync(process.execPath, ['scripts/docs.mjs'], { cwd: REPO, stdio: 'inherit' });
  }
  work = mkdtempSync(join(tmpdir(), 'springloop-consumer-'));
  pkg = packRepository(work);
  nodeApp = installApp(pkg, 'node-app', work, { peers: ['webgpu'], tools: ['@types/node'] });
  viteApp = installApp(pkg, 'vite-app', work, { tools: ['vite'] });
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the library, its types, the CLI and the docs; not the demo, sources or source maps', () => {
    const has = (prefix: string) => pkg.files.some((f) => f.startsWith(prefix));
    for (const p of ['dist/lib/index.js', 'dist/lib/kernels.js', 'dist/lib/data.js', 'dist/lib/browser/index.js', 'dist/lib/browser/data.js', 'dist/types/experiment-data.d.ts', 'dist/lib/esn.js', 'dist/lib/browser/esn.js', 'dist/types/echo-state.d.ts', 'dist/browser/springloop.js', 'dist/types/index.d.ts', 'dist/types/kernel-authoring.d.ts', 'dist/node/cli.js', 'bin/springloop.js', 'bin/dawn-noise.js', 'README.md', 'LICENSE']) {
      expect(pkg.files, p).toContain(p);
    }
    expect(has('dist/docs/'), 'dist/docs/ (npm run docs)').toBe(true);
    for (const p of ['dist/demo/', 'src/', 'shaders/', 'test/', 'dist/node/scripts/']) expect(has(p), p).toBe(false);
    expect(pkg.files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('depends on @webgpu/types only; webgpu is an optional peer', () => {
    expect(Object.keys(pkg.manifest.dependencies ?? {})).toEqual(['@webgpu/types']);
    expect(pkg.manifest.peerDependencies).toHaveProperty('webgpu');
    expect(pkg.manifest.peerDependenciesMeta).toEqual({ webgpu: { optional: true } });
    expect(pkg.manifest.sideEffects).toBe(false);
    for (const key of ['repository', 'homepage', 'keywords', 'exports', 'types', 'license']) expect(pkg.manifest, key).toHaveProperty(key);
  });
});

describe('strict type-checks, no skipLibCheck', () => {
  for (const typescript of TYPESCRIPTS) {
    const version = typescriptVersion(typescript);
    it(`a Node app under NodeNext, TypeScript ${version}`, () => {
      const r = typeCheck(nodeApp, typescript);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
    it(`a Node app under Node16, TypeScript ${version}`, () => {
      const r = typeCheck(nodeApp, typescript, ['--module', 'node16', '--moduleResolution', 'node16']);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
    it(`a Vite app under Bundler, TypeScript ${version}`, () => {
      const r = typeCheck(viteApp, typescript);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
  }
});

describe('in Node', () => {
  let compiled = false;
  function runNodeApp(): { result: Record<string, unknown> } {
    // Emitted once, with the native compiler (the fast one); the checks above cover both.
    if (!compiled) execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript-7', 'bin', 'tsc'), '-p', nodeApp], { encoding: 'utf8' });
    compiled = true;
    const out = execFileSync(process.execPath, [join(nodeApp, 'out', 'main.js')], { cwd: nodeApp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { result: JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown> };
  }

  it('the README flow runs: simulate matches the float64 reference, a Forecaster learns, a user kernel runs', () => {
    const { result } = runNodeApp();
    expect(result.initError).toBeUndefined();
    expect(result.typesAreReal).toEqual(Array(8).fill(false));
    expect(result.samples).toBe(41);
    expect(result.simulateMaxError as number).toBeLessThan(1e-4);
    const losses = result.losses as number[];
    expect(losses).toHaveLength(3);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(result.forecast).toBe(4);
    expect(result.doubled).toEqual([2, 4, 6, 8, 10]);
  });

  it('the installed `springloop` command runs, with no Dawn noise on stderr', () => {
    const r = spawnSync(process.execPath, [join(nodeApp, 'node_modules', 'springloop', 'bin', 'springloop.js'), 'info'], { cwd: nodeApp, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/artificially reduced/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^adapter: /m);
  });

  it('without the optional webgpu peer, init() names the command to run', () => {
    rmSync(join(nodeApp, 'node_modules', 'webgpu'));
    const { result } = runNodeApp();
    expect(result.initError).toMatch(/npm i springloop webgpu/);
  });
});

describe('a Vite production app in headless Chromium', () => {
  it('builds without the WGSL parser, and computes on the page and in a Web Worker while the page keeps running', async () => {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: viteApp, encoding: 'utf8', stdio: 'pipe' });
    const assets = join(viteApp, 'dist', 'assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    expect(js).toContain('@compute');
    expect(js).not.toMatch(/WgslReflect|wgsl_reflect/);

    const session = await startBrowser(join(viteApp, 'dist'));
    try {
      const page = await session.open('index.html');
      await page.waitForFunction(() => document.getElementById('status')?.textContent !== 'loading', { timeout: 240_000 });
      expect(await page.$eval('#status', (e) => e.textContent)).toBe('done');
      const r = await page.evaluate(() => (window as unknown as { results: PageResults }).results);
      expect(r.adapter).toMatch(/swiftshader/i);
      expect(r.samples).toBe(41);
      expect(r.simulateMaxError).toBeLessThan(1e-4);
      expect(r.worker.adapter).toMatch(/swiftshader/i);
      expect(r.worker.epochs).toBe(6);
      expect(r.progressMessages).toBe(6);
      expect(r.worker.lastLoss).toBeLessThan(r.worker.firstLoss);
      expect(r.worker.forecast).toHaveLength(4);
      // The page's own timer kept firing while the worker trained: its thread was never blocked.
      expect(r.ticksDuringTraining).toBeGreaterThan(0);
      expect(session.errors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('bundle sizes of apps built on the installed package', () => {
  it('meet the targets (whole library, simulate only)', async () => {
    const rows = await measureBundles(join(viteApp, 'node_modules', 'springloop'));
    console.log(formatTable(rows));
    expect(missedTargets(rows)).toEqual([]);
  });
});
