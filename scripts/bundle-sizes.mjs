#!/usr/bin/env node
// bundle-sizes.mjs — what an app pays for importing springloop: bundles small entry apps
// with esbuild (browser, minified, as an app's production build would) against the built
// package, resolved by name through its package.json "exports" and "sideEffects" exactly as
// an installed copy is, and prints minified and gzip sizes.
//
//   node scripts/bundle-sizes.mjs [--package DIR] [--json FILE] [--check]
//
// --package: the package root to measure (default: this repository; the consumer test passes
// the unpacked tarball). --check: exit 1 when a size target is missed (or esbuild warns, as an
// app's build would show it).
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entry apps: what each imports, and its targets in bytes (minified, gzip). */
export const APPS = [
  {
    name: 'full library',
    code: "import * as springloop from 'springloop';\nglobalThis.springloop = springloop;\n",
    // #12 set 160 / 50. #11's recording-time checks (about 24 KB minified, 8 KB gzip) and #15's
    // gradient norms (7.6 / 2.8 KB) took it to 184.0 / 56.1; shipping WGSL packed, the browser
    // build without the Node loader, #private internals and the lecture's data in
    // 'springloop/data' bring it back to 162 / 51.4. #14's bidirectional layers and dropout
    // (about 9.5 KB minified, 3 KB gzip), #16's residual target (2.4 KB) and the Forecaster's
    // cell 'esn' seam (2.7 KB; the echo state network itself is in 'springloop/esn') took it to
    // 175.8 / 55.7. Then 10 KB / 2.8 KB gzip left it: the physics RNN for 'springloop/analysis',
    // Trainer checkpoints for the CLI's side, the shipped
    // reflection packed by WGSL's layout rules (6.8 -> 3.2 KB), #private model and training
    // internals (165.8 / 52.9). Scheduler.gpuTimer() stays (a public method since #11: 2.2 KB;
    // 168.0 / 53.7). Below 160 / 50 only with less in this entry again: what is left is the GPU
    // core, simulate, the models, training and the Forecaster, which use each other. #17's
    // 'subgroups' kernel path (shaders/gemm_subgroups.wgsl, the row-load helpers,
    // src/gpu/subgroups.ts, the per-adapter table) adds about 4.7 KB minified, 1.4 KB gzip (172.7 / 55.1).
    // The physics RNN is exported here again as well as from 'springloop/analysis' (public in the
    // main entry since #15: 2.5 KB; 175.2 / 56.2). #17's vec4 loads of W_hh (shaders/lib/weights_vec4.wgsl,
    // src/kernels/weight-loads.ts, src/gpu/helper-swap.ts): 1.2 KB, 0.4 KB gzip (176.4 / 56.6).
    // #17's vec4 loads of B in the GEMMs (shaders/lib/gemm_b_vec4.wgsl; colsum became the
    // product 1ᵀ·B on the same loads, its own uniforms gone): 0.5 KB (176.9 / 56.8). #17's
    // backward without d loss / d x (`inputGradient: false`, what training records): 0.2 KB less
    // one shared requireBoolean (177.1 / 56.9). #17's vec4 stores of C in the GEMMs
    // (shaders/lib/gemm_c_scalar.wgsl, gemm_c_vec4.wgsl): 0.7 KB, 0.2 KB gzip (177.8 / 57.1).
    // #17's 'subgroups' GEMM four k per pass with vec4 loads of A (gemm_a_scalar.wgsl,
    // gemm_a_vec4.wgsl): 1.1 KB, 0.3 KB gzip (178.9 / 57.4). #17's one colsum for both LSTM / RNN
    // bias gradients (two rows of C): 0.5 KB (179.4 / 57.5). #17's permute four values per load
    // and store (entry permute4): 0.7 KB, 0.2 KB gzip (180.1 / 57.7). #17's vec4 workgroup tile on
    // the 'subgroups' path (shaders/lib/tile_scalar.wgsl, tile_vec4.wgsl): 1.5 KB, 0.4 KB gzip (181.6 / 58.1).
    maxMinified: 182 * 1024,
    maxGzip: 58.5 * 1024,
  },
  {
    name: 'simulate only',
    code: [
      "import { init, Scheduler, simulate } from 'springloop';",
      'const ctx = await init();',
      'const run = await simulate(new Scheduler(ctx), { params: [{ m: 1, c: 0.2, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 }], dt: 0.01, steps: 100 });',
      'console.log(await run.read());',
    ].join('\n'),
    maxMinified: 50 * 1024,
  },
  {
    name: 'Forecaster only',
    code: [
      "import { init, Scheduler, Forecaster } from 'springloop';",
      'const sched = new Scheduler(await init());',
      "const model = await Forecaster.create(sched, Array.from({ length: 400 }, (_, i) => Math.sin(i / 10)), { cell: 'gru', hidden: 8, seq: 10 });",
      'await model.fit(1);',
      'console.log(await model.forecast(Array.from({ length: 10 }, (_, i) => Math.sin(i)), 5));',
    ].join('\n'),
  },
  {
    name: 'Forecaster with springloop/esn',
    code: [
      "import { init, Scheduler, Forecaster } from 'springloop';",
      "import { esn } from 'springloop/esn';",
      'Forecaster.use(esn);',
      'const sched = new Scheduler(await init());',
      "const model = await Forecaster.create(sched, Array.from({ length: 400 }, (_, i) => Math.sin(i / 10)), { cell: 'esn', reservoir: 100, seq: 10 });",
      'await model.fit(1);',
      'console.log(await model.forecast(Array.from({ length: 300 }, (_, i) => Math.sin(i)), 5));',
    ].join('\n'),
  },
  {
    name: 'kernel authoring (springloop/kernels)',
    code: [
      "import { init, Scheduler } from 'springloop';",
      "import { defineKernel } from 'springloop/kernels';",
      "const k = defineKernel('mine.wgsl', '@group(0) @binding(0) var<storage, read_write> y: array<f32>;\\n@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { y[g.x] = 1.0; }');",
      'const sched = new Scheduler(await init());',
      'await sched.prepare(k);',
    ].join('\n'),
  },
];

/** Bundles every app against the package at `packageDir`; returns one row per app. */
export async function measureBundles(packageDir) {
  const work = mkdtempSync(join(tmpdir(), 'springloop-sizes-'));
  try {
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(resolve(packageDir), join(work, 'node_modules', 'springloop'), 'dir');
    const rows = [];
    for (const [i, app] of APPS.entries()) {
      const entry = join(work, `app${i}.js`);
      writeFileSync(entry, app.code);
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'silent',
        absWorkingDir: work,
      }).catch((e) => ({ error: e }));
      if ('error' in result) {
        rows.push({ ...app, error: result.error.message.split('\n')[0] });
        continue;
      }
      const bytes = result.outputFiles[0].contents;
      const warnings = result.warnings.map((w) => w.text);
      rows.push({ ...app, minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, warnings });
    }
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The rows' targets that were missed, as sentences (empty when all hold). */
export function missedTargets(rows) {
  const missed = [];
  for (const r of rows) {
    if (r.error) missed.push(`${r.name}: the bundle failed: ${r.error}`);
    if (r.warnings?.length) missed.push(`${r.name}: esbuild warned ${r.warnings.length} time(s), first: ${r.warnings[0]}`);
    if (r.maxMinified && r.minified > r.maxMinified) missed.push(`${r.name}: ${kb(r.minified)} minified > ${kb(r.maxMinified)}`);
    if (r.maxGzip && r.gzip > r.maxGzip) missed.push(`${r.name}: ${kb(r.gzip)} gzip > ${kb(r.maxGzip)}`);
  }
  return missed;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** A markdown table of the rows. */
export function formatTable(rows) {
  const target = (r) => [r.maxMinified && `≤ ${kb(r.maxMinified)}`, r.maxGzip && `≤ ${kb(r.maxGzip)} gzip`].filter(Boolean).join(', ') || '—';
  const lines = ['| app | minified | gzip | target |', '| --- | ---: | ---: | --- |'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.error ? 'failed' : kb(r.minified)} | ${r.error ? '' : kb(r.gzip)} | ${target(r)} |`);
  return lines.join('\n');
}

async function main(argv) {
  const flag = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const packageDir = flag('--package') ?? fileURLToPath(new URL('..', import.meta.url));
  const rows = await measureBundles(packageDir);
  console.log(formatTable(rows));
  const json = flag('--json');
  if (json) writeFileSync(json, JSON.stringify(rows.map(({ code, ...r }) => r), null, 2) + '\n');
  const missed = missedTargets(rows);
  if (missed.length > 0) {
    console.log(`size targets missed:\n  ${missed.join('\n  ')}`);
    if (argv.includes('--check')) process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
