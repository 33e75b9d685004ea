// report.ts — renders bench JSON reports ({ adapter, rows }) as markdown: one section per
// adapter with springloop's rows, the peers' rows, and the ratio table pairing each
// `peer/<peer>/<name>` row with springloop's `<name>` row. Pure functions (no fs, no GPU),
// so the CLI, scripts/results-md.ts and the browser bench page can all use them.
import type { BenchRow } from './stats';

/** One bench JSON file: `springloop bench --json` or `bench:peers` output. */
export interface BenchReport {
  adapter: string;
  /** ISO date of the run, when the writer recorded one. */
  date?: string;
  rows: BenchRow[];
  notes?: string[];
  /** Where it came from (a file name), shown under the heading. */
  source?: string;
  /** What it ran on besides the adapter, e.g. 'AMD EPYC × 2, Node v20.20.2, load 1.2 → 1.9, quick'. */
  machine?: string;
  /** Settings of each peer that ran (versions, backend, BLAS, threads), by peer id. */
  peers?: Record<string, Record<string, string | number>>;
}

/** springloop's row vs a peer's row of the same name. */
export interface PeerRatio {
  /** springloop's row name, e.g. 'train_step/lstm/seed'. */
  name: string;
  /** Peer id, e.g. 'tfjs-webgpu'. */
  peer: string;
  unit: string;
  ownThroughput: number;
  peerThroughput: number;
  /** ownThroughput / peerThroughput: how many times faster springloop is (NaN if units differ). */
  speedup: number;
  /** The issue's target speedup for this pair, when it sets one. */
  goal?: number;
  /** How the peer ran, e.g. 'torch 1.13.0a0, blas OpenBLAS 0.3.21 (pthread); OPENBLAS_NUM_THREADS=1, torch threads 1'. */
  settings?: string;
}

/** Targets on the same adapter and run from the benchmark issues: springloop ≥ goal × the peer. */
export const PEER_GOALS: Readonly<Record<string, number>> = {
  'peer/tfjs-webgpu/train_step/lstm/seed': 20,
  'peer/jaxjs-webgpu/train_step/lstm/seed': 20,
  'peer/tfjs-wasm/train_step/lstm/seed': 6,
  'peer/jaxjs-wasm/train_step/lstm/seed': 3,
};

/** Row notes that say which of a peer's settings won for that row (torch's threading search). */
const ROW_SETTING_NOTES: Readonly<Record<string, string>> = { openblas_threads: 'OPENBLAS_NUM_THREADS', torch_threads: 'torch threads' };

/** Settings kept in the JSON and the notes but left out of the ratio tables (paths, defaults). */
const DETAIL_SETTINGS: ReadonlySet<string> = new Set(['python', 'blas_library', 'default_threads']);

/** A peer's settings in one line: the run's settings for the peer (less DETAIL_SETTINGS), then the row's own. */
export function peerSettingsText(settings: Record<string, string | number> | undefined, peerRow: BenchRow): string {
  const run = Object.entries(settings ?? {}).filter(([k]) => !DETAIL_SETTINGS.has(k)).map(([k, v]) => `${k} ${v}`);
  const own = Object.entries(ROW_SETTING_NOTES).filter(([k]) => peerRow.notes?.[k] !== undefined).map(([k, label]) => `${label}${label.includes('_') ? '=' : ' '}${peerRow.notes![k]}`);
  return [run.join(', '), own.join(', ')].filter(Boolean).join('; ');
}

/**
 * Adds `of_copy` (achieved GB/s ÷ the measured copy ceiling) to every row with a `gbps` note,
 * when the rows include ceiling/copy. (Rows with `gflops` carry `of_matmul` already.)
 */
export function annotateCeilings(rows: BenchRow[]): void {
  const copy = rows.find((r) => r.name === 'ceiling/copy');
  if (!copy) return;
  for (const r of rows) {
    const gbps = r.notes?.gbps;
    if (typeof gbps === 'number') r.notes = { ...r.notes, of_copy: +(gbps / copy.throughput).toFixed(3) };
  }
}

/** 'peer/tfjs-wasm/train_step/gru/seed' → { peer: 'tfjs-wasm', name: 'train_step/gru/seed' }; else null. */
export function splitPeerName(rowName: string): { peer: string; name: string } | null {
  const m = /^peer\/([^/]+)\/(.+)$/.exec(rowName);
  return m ? { peer: m[1]!, name: m[2]! } : null;
}

/**
 * Pairs every peer row with springloop's row of the same name (rows missing on either side
 * are left out; of rows sharing a name, the last counts). Pass the rows of ONE run: a ratio
 * of numbers taken at different times on a shared machine says little. `peers`: the run's
 * peer settings, shown beside each ratio.
 */
export function peerRatios(rows: readonly BenchRow[], peers?: Record<string, Record<string, string | number>>): PeerRatio[] {
  const unique = uniqueRows(rows);
  const own = new Map<string, BenchRow>();
  for (const r of unique) if (!splitPeerName(r.name)) own.set(r.name, r);
  const ratios: PeerRatio[] = [];
  for (const peerRow of unique) {
    const split = splitPeerName(peerRow.name);
    const ownRow = split && own.get(split.name);
    if (!split || !ownRow) continue;
    const sameUnit = ownRow.unit === peerRow.unit;
    const goal = PEER_GOALS[peerRow.name];
    ratios.push({
      name: split.name,
      peer: split.peer,
      unit: sameUnit ? ownRow.unit : `${ownRow.unit} vs ${peerRow.unit}`,
      ownThroughput: ownRow.throughput,
      peerThroughput: peerRow.throughput,
      speedup: sameUnit ? ownRow.throughput / peerRow.throughput : NaN,
      ...(goal !== undefined ? { goal } : {}),
      ...(peers ? { settings: peerSettingsText(peers[split.peer], peerRow) } : {}),
    });
  }
  return ratios;
}

/** One row per name, in first-seen order, holding the last row of that name. */
export function uniqueRows(rows: readonly BenchRow[]): BenchRow[] {
  const byName = new Map<string, BenchRow>();
  for (const r of rows) byName.set(r.name, r);
  return [...byName.values()];
}

/** Markdown table of rows: name, median and spread in ms, throughput, notes. */
export function renderRowsTable(rows: readonly BenchRow[]): string {
  const lines = ['| name | median ms | p10 ms | p90 ms | throughput | unit | notes |', '|---|---:|---:|---:|---:|---|---|'];
  for (const r of rows) {
    const notes = r.notes ? Object.entries(r.notes).map(([k, v]) => `${k}=${v}`).join('; ') : '';
    lines.push(`| ${cell(r.name)} | ${formatNumber(r.median_ms)} | ${formatNumber(r.p10_ms)} | ${formatNumber(r.p90_ms)} | ${formatNumber(r.throughput)} | ${cell(r.unit)} | ${cell(notes)} |`);
  }
  return lines.join('\n');
}

/** Markdown table of speedups; a goal column says whether the issue's target is met, the last how the peer ran. */
export function renderRatioTable(ratios: readonly PeerRatio[]): string {
  const lines = ['| row | vs peer | springloop | peer | unit | springloop ÷ peer | goal | peer settings |', '|---|---|---:|---:|---|---:|---|---|'];
  for (const r of ratios) {
    const goal = r.goal === undefined ? '' : `≥ ${r.goal}× — ${r.speedup >= r.goal ? 'met' : 'not met'}`;
    lines.push(`| ${cell(r.name)} | ${cell(r.peer)} | ${formatNumber(r.ownThroughput)} | ${formatNumber(r.peerThroughput)} | ${cell(r.unit)} | ${formatRatio(r.speedup)} | ${goal} | ${cell(r.settings ?? '')} |`);
  }
  return lines.join('\n');
}

/** Reports grouped by adapter name, in first-seen order. */
export function groupByAdapter(reports: readonly BenchReport[]): BenchReport[][] {
  const groups = new Map<string, BenchReport[]>();
  for (const r of reports) groups.set(r.adapter, [...(groups.get(r.adapter) ?? []), r]);
  return [...groups.values()];
}

/** One section for reports of one adapter: heading with adapter and date, tables, notes. */
export function renderSection(reports: readonly BenchReport[]): string {
  if (reports.length === 0) throw new Error('renderSection: reports is empty');
  const adapter = reports[0]!.adapter;
  const other = reports.find((r) => r.adapter !== adapter);
  if (other) throw new Error(`renderSection: reports mix adapters '${adapter}' and '${other.adapter}'`);
  const dates = reports.map((r) => r.date).filter((d): d is string => !!d).sort();
  // A row measured in several files (e.g. rk4/1e6 by `bench` and by `bench --peers`): the newest run's.
  const byDate = [...reports].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  const rows = uniqueRows(byDate.flatMap((r) => r.rows));
  const own = rows.filter((r) => !splitPeerName(r.name));
  const peers = rows.filter((r) => splitPeerName(r.name));
  const parts = [`## ${adapter} — ${dates.length ? dates[dates.length - 1]!.slice(0, 10) : 'date unknown'}`];
  const sources = reports.filter((r) => r.source).map((r) => `\`${r.source}\` (${[r.date, r.machine].filter(Boolean).join('; ')})`);
  if (sources.length) parts.push(`From ${sources.join(', ')}.`);
  if (own.length) parts.push(`### springloop\n\n${renderRowsTable(own)}`);
  if (peers.length) parts.push(`### Peers\n\n${renderRowsTable(peers)}`);
  // Ratios pair rows of one file (one run) only, with that run's peer settings.
  for (const r of byDate) {
    const ratios = peerRatios(r.rows, r.peers ?? {});
    if (ratios.length) parts.push(`### springloop vs peers${r.source ? ` (one run: \`${r.source}\`)` : ''}\n\n${renderRatioTable(ratios)}`);
  }
  const notes = reports.flatMap((r) => r.notes ?? []);
  if (notes.length) parts.push(notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}

/** Every adapter's section, one after another. */
export function renderResults(reports: readonly BenchReport[]): string {
  return groupByAdapter(reports).map(renderSection).join('\n\n');
}

export const GENERATED_BEGIN = '<!-- bench results: generated by scripts/results-md.ts from bench JSON; do not edit by hand -->';
export const GENERATED_END = '<!-- end of generated bench results -->';

/** Replaces the generated block of a RESULTS.md (appending one if it has none); the rest is kept. */
export function replaceGeneratedBlock(existing: string, generated: string): string {
  const block = `${GENERATED_BEGIN}\n\n${generated.trim()}\n\n${GENERATED_END}`;
  const begin = existing.indexOf(GENERATED_BEGIN);
  const end = existing.indexOf(GENERATED_END);
  if (begin >= 0 && end > begin) return existing.slice(0, begin) + block + existing.slice(end + GENERATED_END.length);
  if (begin >= 0 || end >= 0) throw new Error('RESULTS.md has only one of the generated-block markers; fix it by hand');
  return `${existing.trimEnd()}${existing.trim() ? '\n\n' : ''}${block}\n`;
}

/** Checks parsed JSON has the bench report form; errors name the file and field. */
export function parseBenchReport(json: unknown, source: string): BenchReport {
  const o = json as Partial<BenchReport> | null;
  if (!o || typeof o !== 'object') throw new Error(`${source}: not a JSON object`);
  if (typeof o.adapter !== 'string') throw new Error(`${source}: "adapter" must be a string, got ${JSON.stringify(o.adapter)}`);
  if (!Array.isArray(o.rows)) throw new Error(`${source}: "rows" must be an array`);
  o.rows.forEach((r, i) => {
    for (const key of ['median_ms', 'p10_ms', 'p90_ms', 'throughput'] as const) {
      if (typeof r?.[key] !== 'number') throw new Error(`${source}: rows[${i}].${key} must be a number, got ${JSON.stringify(r?.[key])}`);
    }
    if (typeof r.name !== 'string' || typeof r.unit !== 'string') throw new Error(`${source}: rows[${i}] needs string "name" and "unit"`);
  });
  const extra = json as { cpu?: unknown; node?: unknown; quick?: unknown; machine?: { start?: { loadavg?: unknown }; end?: { loadavg?: unknown } }; peers?: unknown };
  const load = loadText(extra.machine?.start?.loadavg, extra.machine?.end?.loadavg);
  const machine = [extra.cpu, extra.node && `Node ${extra.node}`, load, extra.quick === true && 'quick'].filter((x) => typeof x === 'string' && x).join(', ');
  const peers = extra.peers && typeof extra.peers === 'object' ? (extra.peers as BenchReport['peers']) : undefined;
  return {
    adapter: o.adapter, rows: o.rows, source,
    ...(o.date ? { date: String(o.date) } : {}), ...(o.notes ? { notes: o.notes } : {}), ...(machine ? { machine } : {}), ...(peers ? { peers } : {}),
  };
}

/** 'load 1.52 → 2.10 (1-min average)' from the start and end load averages, or '' without them. */
function loadText(start: unknown, end: unknown): string {
  const first = (x: unknown) => (Array.isArray(x) && typeof x[0] === 'number' ? x[0] : null);
  const a = first(start);
  const b = first(end);
  return a === null || b === null ? '' : `load ${a.toFixed(2)} → ${b.toFixed(2)} (1-min average, start → end)`;
}

/** 4 significant digits; exponent form outside [1e-3, 1e6). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return String(Number(x.toPrecision(4)));
}

function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
