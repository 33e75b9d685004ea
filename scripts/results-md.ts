// results-md.ts — writes bench/RESULTS.md's generated block from bench JSON files
// ({ adapter, date?, rows, notes? }, as `springloop bench --json` and `bench:peers` write):
// one section per adapter, headed by its name and the run's date, with springloop's rows,
// the peers' rows and the speedup table. Text outside the generated block is kept.
// usage (after `npm run build`): node dist/node/scripts/results-md.js [FILE.json ...] [--out bench/RESULTS.md]
//   no files: every bench/*.json
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from '../src/cli/args';
import { parseBenchReport, renderResults, replaceGeneratedBlock, type BenchReport } from '../bench/report';

const TITLE = '# springloop benchmark results\n\nNumbers below are written by `scripts/results-md.ts` from the JSON files named in each section.\n';

function main(argv: string[]): number {
  const args = parseArgs(argv, { out: 'string' });
  const out = (args.out as string | undefined) ?? 'bench/RESULTS.md';
  const inputs = args._.length > 0 ? args._ : defaultInputs();
  if (inputs.length === 0) throw new Error('no bench JSON files given and none in bench/');
  const reports = inputs.map(readReport);
  const existing = existsSync(out) ? readFileSync(out, 'utf8') : TITLE;
  writeFileSync(out, replaceGeneratedBlock(existing, renderResults(reports)));
  console.log(`wrote ${out}: ${reports.length} file(s), adapters: ${[...new Set(reports.map((r) => r.adapter))].join('; ')}`);
  return 0;
}

function defaultInputs(): string[] {
  if (!existsSync('bench')) return [];
  return readdirSync('bench').filter((f) => f.endsWith('.json')).sort().map((f) => path.join('bench', f));
}

/** Parses one file; a report without a date gets the file's modification time. */
function readReport(file: string): BenchReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const report = parseBenchReport(json, file);
  return report.date ? report : { ...report, date: statSync(file).mtime.toISOString() };
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`results-md: ${(e as Error).message}`);
  process.exitCode = 1;
}
