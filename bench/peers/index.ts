// index.ts — the peers side of the suite: what a JavaScript (or Python) user would otherwise
// pick, timed on the same machine and adapter as springloop. Rows are named
// `peer/<peer>/<springloop row name>` so bench/report.ts can pair them with springloop's.
// (The plain-JavaScript RK4 peer, peer/js/rk4/N, is timed by bench/rk4.bench.ts on the
// rk4 bench's own workload, with the loop in bench/js-rk4.ts.)
import { cpus, loadavg } from 'node:os';
import { init } from '../../src/gpu/device';
import type { Scheduler } from '../../src/gpu/scheduler';
import type { BenchRow } from '../stats';
import { benchTfjs, type PeerAdapter } from './tfjs';
import { benchTorch } from './torch';

/** Peer groups runPeers knows. */
export type PeerName = 'tfjs-webgpu' | 'tfjs-wasm' | 'torch-cpu';

export const PEER_NAMES: readonly PeerName[] = ['tfjs-webgpu', 'tfjs-wasm', 'torch-cpu'];

export interface RunPeersOptions {
  /** 3 timed steps after 1 warm-up instead of 5 after 2. */
  quick?: boolean;
  /** Adapter spec as in init({ adapter }); default env SPRINGLOOP_ADAPTER, else springloop's pick. */
  adapter?: string;
  /** The adapter springloop already runs on (skips the init() that finds it). */
  adapterInfo?: PeerAdapter;
  /** Subset of peers to run (default all). */
  only?: readonly PeerName[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Same JSON form as `springloop bench --json`, plus how each peer ran. */
export interface PeersReport {
  adapter: string;
  /** ISO time the run started. */
  date: string;
  rows: BenchRow[];
  notes: string[];
}

export async function runPeers(opts: RunPeersOptions = {}): Promise<PeersReport> {
  const only = new Set(opts.only ?? PEER_NAMES);
  for (const name of only) {
    if (!PEER_NAMES.includes(name)) throw new Error(`runPeers: unknown peer '${name}' (known: ${PEER_NAMES.join(', ')})`);
  }
  const date = new Date().toISOString();
  const loadAtStart = loadavg()[0]!;
  const adapter = opts.adapterInfo ?? (await springloopAdapter(opts.adapter));
  const runs = opts.quick ? 3 : 5;
  const warmup = opts.quick ? 1 : 2;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const backends = (['webgpu', 'wasm'] as const).filter((b) => only.has(`tfjs-${b}`));
  if (backends.length > 0) {
    const tfjs = await benchTfjs({ backends, adapter, runs, warmup, log: opts.log });
    rows.push(...tfjs.rows);
    notes.push(...tfjs.notes);
  }
  if (only.has('torch-cpu')) {
    opts.log?.('torch-cpu…');
    const torch = await benchTorch({ runs, warmup });
    rows.push(...torch.rows);
    notes.push(...torch.notes);
  }
  notes.push(`machine: ${cpus().length} CPU core(s); 1-min load average ${loadAtStart.toFixed(2)} at start of the peers, ${loadavg()[0]!.toFixed(2)} at end (they keep about 1 busy; more means other work shared the cores)`);
  return { adapter: adapter.name, date, rows, notes };
}

/** `springloop bench --peers`: the peers on the bench's adapter; their notes go to opts.notes. */
export async function benchPeers(sched: Scheduler, opts: { quick?: boolean; log?: (line: string) => void; notes?: string[] } = {}): Promise<BenchRow[]> {
  const adapterInfo = { name: sched.ctx.adapterName, kind: sched.ctx.adapterKind };
  const report = await runPeers({ quick: opts.quick, adapterInfo, log: opts.log });
  for (const note of report.notes) opts.log?.(`peers: ${note}`);
  opts.notes?.push(...report.notes);
  return report.rows;
}

/** Name and kind of the adapter springloop's init() picks (the device is released again). */
async function springloopAdapter(spec: string | undefined): Promise<PeerAdapter> {
  const ctx = await init({ adapter: spec });
  try {
    return { name: ctx.adapterName, kind: ctx.adapterKind };
  } finally {
    ctx.dispose();
  }
}
