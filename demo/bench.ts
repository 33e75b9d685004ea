// bench.ts — the benchmark page's entry (bench.html): runs bench/runtime, rk4, rnn and stream on
// the page's GPU context at a chosen preset, and optionally the peers (TF.js-WebGPU and
// jax-js-WebGPU in this same browser, demo/parts/bench-peers.ts, loaded on demand); shows the
// rows as a table with the adapter's name, and springloop ÷ peer with each peer's settings.
// window.springloopBench lets tests run it headless at tiny sizes.
import { missingWebGpuReason, startGpu, type PageGpu } from './parts/gpu';
import { benchRuntime } from '../bench/runtime.bench';
import { benchRk4 } from '../bench/rk4.bench';
import { benchRecurrent } from '../bench/rnn.bench';
import { benchStream } from '../bench/stream.bench';
import { annotateCeilings, peerRatios, type PeerRatio } from '../bench/report';
import { PEER_CELLS, workload, type PeerSettings, type PeerWorkload } from '../bench/peers/peer';
import type { BenchRow } from '../bench/stats';
import type { Scheduler } from '../src/gpu/scheduler';

export type Suite = 'runtime' | 'rk4' | 'rnn' | 'stream' | 'peers';
export type Preset = 'tiny' | 'quick' | 'full';

export interface BenchRunOptions {
  /** tiny: seconds on a software adapter; quick: small sizes, fewer repeats; full: as the CLI. Default quick. */
  preset?: Preset;
  /** Suites to run, in this order (default all but peers). */
  suites?: Suite[];
}

export interface BenchResult {
  adapter: string;
  /** The device's features, e.g. 'timestamp-query'. */
  features: string[];
  rows: BenchRow[];
  /** springloop ÷ peer for every peer row with a springloop row of the same name, with the peer's settings. */
  ratios: PeerRatio[];
  /** Settings of each peer that ran, by peer id. */
  peers: Record<string, PeerSettings>;
  /** Why a peer did not run, one line each. */
  notes: string[];
}

export interface BenchHook {
  /** Resolves once WebGPU is up, or with ok = false and the reason. */
  ready: Promise<{ ok: true; adapter: string } | { ok: false; reason: string }>;
  /** Runs the suites, fills the table, and resolves with the rows. */
  run(opts?: BenchRunOptions): Promise<BenchResult>;
}

declare global {
  interface Window {
    springloopBench: BenchHook;
  }
}

const SUITES: readonly Suite[] = ['runtime', 'rk4', 'rnn', 'stream', 'peers'];
const DEFAULT_SUITES: readonly Suite[] = ['runtime', 'rk4', 'rnn', 'stream'];
const PRESETS: readonly Preset[] = ['tiny', 'quick', 'full'];
const RK4_SIZES: Record<Preset, number[]> = { tiny: [1e3], quick: [1e3, 1e4, 1e5], full: [1e3, 1e4, 1e5, 1e6] };

const statusLine = document.getElementById('gpu-status')!;
const progress = document.getElementById('progress')!;
const runButton = document.getElementById('run') as HTMLButtonElement;

/** The peers' workloads per preset: springloop's train_step rows of the same names. */
const PEER_WORKLOADS: Record<Preset, PeerWorkload[]> = {
  tiny: [workload('lstm', 'tiny')],
  quick: [workload('lstm', 'seed')],
  full: PEER_CELLS.map((c) => workload(c, 'seed')),
};
const PEER_SIZES: Record<Preset, { tfjsRuns: number; jaxSteps: number }> = { tiny: { tfjsRuns: 3, jaxSteps: 12 }, quick: { tfjsRuns: 3, jaxSteps: 10 }, full: { tfjsRuns: 5, jaxSteps: 50 } };

interface SuiteResult {
  rows: BenchRow[];
  peers?: Record<string, PeerSettings>;
  notes?: string[];
}

/** One suite at a preset. */
async function runSuite(sched: Scheduler, suite: Suite, preset: Preset, log: (line: string) => void): Promise<SuiteResult> {
  const quick = preset !== 'full';
  const tiny = preset === 'tiny';
  switch (suite) {
    case 'runtime':
      return { rows: await benchRuntime(sched, { quick, tiny }) };
    case 'rk4':
      return { rows: await benchRk4(sched, { quick, sizes: RK4_SIZES[preset], log }) };
    case 'rnn':
      return { rows: await benchRecurrent(sched, { quick, tiny, log }) };
    case 'stream':
      return { rows: await benchStream(sched, { quick, tiny, log }) };
    case 'peers': {
      const { runPagePeers } = await import('./parts/bench-peers');
      const r = await runPagePeers(PEER_WORKLOADS[preset], PEER_SIZES[preset], log);
      return { rows: r.rows, peers: r.settings, notes: r.notes };
    }
  }
}

function checkOptions(opts: BenchRunOptions): { preset: Preset; suites: Suite[] } {
  const preset = opts.preset ?? 'quick';
  if (!PRESETS.includes(preset)) throw new Error(`springloopBench.run: preset must be one of ${PRESETS.join(', ')}, got '${String(preset)}'`);
  const suites = opts.suites ?? [...DEFAULT_SUITES];
  for (const s of suites) {
    if (!SUITES.includes(s)) throw new Error(`springloopBench.run: unknown suite '${String(s)}' (known: ${SUITES.join(', ')})`);
  }
  return { preset, suites };
}

async function runAll(gpu: PageGpu, opts: BenchRunOptions): Promise<BenchResult> {
  const { preset, suites } = checkOptions(opts);
  const rows: BenchRow[] = [];
  const peers: Record<string, PeerSettings> = {};
  const notes: string[] = [];
  clearTable();
  runButton.disabled = true;
  try {
    for (const suite of suites) {
      progress.textContent = `running ${suite} (${preset})…`;
      const log = (line: string) => (progress.textContent = line);
      const got = await gpu.run((sched) => runSuite(sched, suite, preset, log));
      rows.push(...got.rows);
      Object.assign(peers, got.peers ?? {});
      notes.push(...(got.notes ?? []));
      annotateCeilings(rows); // achieved GB/s as a fraction of the copy ceiling, once measured
      appendRows(got.rows);
    }
    const ratios = peerRatios(rows, peers);
    showRatios(ratios, notes);
    progress.textContent = `done: ${rows.length} rows (${preset}).`;
    return { adapter: gpu.ctx.adapterName, features: [...gpu.ctx.features].sort(), rows, ratios, peers, notes };
  } catch (e) {
    progress.textContent = `failed: ${(e as Error).message}`;
    throw e;
  } finally {
    runButton.disabled = false;
  }
}

function clearTable(): void {
  document.querySelector('#results tbody')!.replaceChildren();
  document.querySelector('#ratios tbody')!.replaceChildren();
  document.getElementById('peer-notes')!.replaceChildren();
}

/** One table row of text cells (class per cell, '' for none). */
function tableRow(cells: readonly [string, string][]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

/** springloop ÷ peer, one row per pair, with the peer's settings; notes for peers that did not run. */
function showRatios(ratios: readonly PeerRatio[], notes: readonly string[]): void {
  const body = document.querySelector('#ratios tbody')!;
  for (const r of ratios) {
    const goal = r.goal === undefined ? '' : `≥ ${r.goal}× ${r.speedup >= r.goal ? 'met' : 'not met'}`;
    const ratio = Number.isFinite(r.speedup) ? `${r.speedup >= 10 ? r.speedup.toFixed(1) : r.speedup.toFixed(2)}×` : '—';
    body.append(tableRow([[r.name, ''], [r.peer, ''], [ratio, 'val'], [goal, ''], [r.settings ?? '', 'notes']]));
  }
  document.getElementById('ratios-section')!.hidden = ratios.length === 0 && notes.length === 0;
  document.getElementById('peer-notes')!.replaceChildren(...notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
}

/** Milliseconds to 3 decimals, or 3 significant digits below 1 ms. */
function ms(x: number): string {
  return Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

function appendRows(rows: readonly BenchRow[]): void {
  const body = document.querySelector('#results tbody')!;
  for (const r of rows) {
    body.append(tableRow([
      [r.name, ''], [ms(r.median_ms), 'val'], [ms(r.p10_ms), 'val'], [ms(r.p90_ms), 'val'],
      [r.throughput.toExponential(3), 'val'], [r.unit, ''],
      [Object.entries(r.notes ?? {}).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(4) : v}`).join(' '), 'notes'],
    ]));
  }
}

function readForm(): BenchRunOptions {
  const preset = (document.getElementById('preset') as HTMLSelectElement).value as Preset;
  const suites = Array.from(document.querySelectorAll<HTMLInputElement>('input[name="suite"]:checked')).map((el) => el.value as Suite);
  return { preset, suites };
}

async function start(): Promise<{ ok: true; adapter: string } | { ok: false; reason: string }> {
  const missing = missingWebGpuReason();
  if (missing) {
    statusLine.textContent = missing;
    statusLine.className = 'status bad';
    return { ok: false, reason: missing };
  }
  const gpu = await startGpu();
  const timestamps = gpu.ctx.features.has('timestamp-query') ? 'with timestamp queries' : 'no timestamp queries';
  statusLine.textContent = `Running on ${gpu.ctx.adapterName} (${gpu.ctx.adapterKind}, ${timestamps}).`;
  statusLine.className = 'status ok';
  document.getElementById('adapter')!.textContent = gpu.ctx.adapterName;
  window.springloopBench.run = (opts = {}) => runAll(gpu, opts);
  document.getElementById('bench-controls')!.addEventListener('submit', (event) => {
    event.preventDefault();
    runAll(gpu, readForm()).catch((e: Error) => console.warn(e));
  });
  runButton.disabled = false;
  return { ok: true, adapter: gpu.ctx.adapterName };
}

window.springloopBench = {
  ready: Promise.resolve({ ok: false, reason: 'starting' }),
  run: () => Promise.reject(new Error('springloopBench: the page has not started (see ready)')),
};
window.springloopBench.ready = start().catch((e: Error) => {
  console.error(e);
  statusLine.textContent = `The benchmark page failed to start: ${e.message}`;
  statusLine.className = 'status bad';
  return { ok: false as const, reason: e.message };
});
