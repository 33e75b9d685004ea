// bench-page.ts — the benchmark page (demo/bench.html) in headless Chromium, recorded as bench
// JSON: springloop's suites and the in-browser peers (TF.js-WebGPU, jax-js-WebGPU) in the same
// browser on its adapter (SwiftShader, or what CHROMIUM_FLAGS select), with the machine's CPU
// and load at start and end and the peers' settings; scripts/results-md.ts renders it.
// usage (after `npm run build`): node dist/node/scripts/bench-page.js [--preset tiny|quick|full]
//   [--suites runtime,rk4,rnn,stream,peers] [--json FILE]   (default: full, every suite, bench/chromium.json)
import { existsSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from '../src/cli/args';
import { machineSnapshot } from '../bench/machine';
import { startBrowser } from '../test/browser/chromium';
import type { BenchHook, BenchResult, BenchRunOptions } from '../demo/bench';

/** scripts/serve-demo.mjs's buildDemoSite, loaded from the repository (run from its root), not bundled. */
async function loadBuildDemoSite(): Promise<(outdir: string) => Promise<string>> {
  const file = resolve('scripts/serve-demo.mjs');
  if (!existsSync(file)) throw new Error(`${file} not found: run this from the repository root`);
  return ((await import(/* @vite-ignore */ pathToFileURL(file).href)) as { buildDemoSite: (outdir: string) => Promise<string> }).buildDemoSite;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { preset: 'string', suites: 'string', json: 'string' });
  const preset = (args.preset as BenchRunOptions['preset']) ?? 'full';
  const suites = ((args.suites as string | undefined) ?? 'runtime,rk4,rnn,stream,peers').split(',') as NonNullable<BenchRunOptions['suites']>;
  const out = (args.json as string | undefined) ?? 'bench/chromium.json';
  const site = await (await loadBuildDemoSite())(mkdtempSync(join(tmpdir(), 'springloop-bench-page-')));
  const start = machineSnapshot();
  const session = await startBrowser(site, { protocolTimeout: 2 * 60 * 60 * 1000 }); // the suites run inside one page.evaluate
  try {
    const page = await session.open('bench.html');
    page.setDefaultTimeout(0);
    const ready = await page.evaluate(() => (window as unknown as { springloopBench: BenchHook }).springloopBench.ready);
    if (!ready.ok) throw new Error(`the bench page did not start: ${ready.reason}`);
    console.error(`bench page on ${ready.adapter}: ${suites.join(', ')} (${preset}); minutes with peers…`);
    const result = (await page.evaluate((o) => (window as unknown as { springloopBench: BenchHook }).springloopBench.run(o), { preset, suites })) as BenchResult;
    const end = machineSnapshot();
    const report = {
      adapter: `${result.adapter} (Chromium ${(await session.browser.version()).replace(/^[^/]*\//, '')})`, adapterKind: 'browser', date: start.at, node: process.version,
      cpu: `${start.cpu} × ${start.cores}`, machine: { start, end }, peers: result.peers, quick: preset !== 'full', benches: suites, rows: result.rows,
      notes: [...result.notes, `machine: load average (1, 5, 15 min) ${start.loadavg.join(', ')} at the start, ${end.loadavg.join(', ')} at the end`],
    };
    writeFileSync(`${out}.tmp`, JSON.stringify(report, null, 2) + '\n');
    renameSync(`${out}.tmp`, out);
    for (const r of result.ratios) console.log(`${r.name} vs ${r.peer}: ${r.speedup.toFixed(2)}× (${r.settings})`);
    console.error(`wrote ${out}: ${result.rows.length} rows`);
    if (session.errors.length) console.error(`page errors:\n${session.errors.join('\n')}`);
    return 0;
  } finally {
    await session.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`bench-page: ${e.message}`);
    process.exitCode = 1;
  },
);
