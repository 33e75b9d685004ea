// index.ts — the peers side of the suite: what a JavaScript (or Python) user would otherwise
// pick, each in the best setting its users would have, timed on the same machine and adapter
// as springloop. Rows are named `peer/<peer>/<springloop row name>` so bench/report.ts can
// pair them with springloop's; every peer that ran reports its settings (versions, backend,
// BLAS, threads), which the JSON and the ratio tables carry.
// (The plain-JavaScript RK4 peer, peer/js/rk4/N, is timed by bench/rk4.bench.ts on the
// rk4 bench's own workload, with the loop in bench/js-rk4.ts.)
import { init } from '../../src/gpu/device';
import type { Scheduler } from '../../src/gpu/scheduler';
import type { BenchRow } from '../stats';
import { machineSnapshot, type MachineSnapshot } from '../machine';
import type { PeerAdapter } from './dawn-navigator';
import type { PeerResult, PeerSettings } from './peer';
import { benchTfjs } from './tfjs';
import { benchJaxjs } from './jaxjs';
import { benchTorch } from './torch';

/** Peer groups runPeers knows. */
export type PeerName = 'tfjs-webgpu' | 'tfjs-wasm' | 'jaxjs-webgpu' | 'jaxjs-wasm' | 'torch-cpu';

/** Every peer group, in the order runPeers runs them. */
export const PEER_NAMES: readonly PeerName[] = ['tfjs-webgpu', 'tfjs-wasm', 'jaxjs-webgpu', 'jaxjs-wasm', 'torch-cpu'];

/** What runPeers runs and how long. */
export interface RunPeersOptions {
  /** Fewer steps (TF.js 3 after 1 warm-up, jax-js 10 validated): a smoke run. */
  quick?: boolean;
  /** Adapter spec as in init({ adapter }); default env SPRINGLOOP_ADAPTER, else springloop's pick. */
  adapter?: string;
  /** The adapter springloop already runs on (skips the init() that finds it). */
  adapterInfo?: PeerAdapter;
  /** Subset of peers to run (default all). */
  only?: readonly PeerName[];
  /** Let the PyTorch peer time Netlib's reference BLAS instead of refusing it. */
  allowReferenceBlas?: boolean;
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
  /** Settings of every peer that ran, by peer id. */
  peers: Record<string, PeerSettings>;
  /** CPU and load average when the peers started and ended. */
  machine: { start: MachineSnapshot; end: MachineSnapshot };
}

/** Runs the chosen peers one after another on springloop's adapter. */
export async function runPeers(opts: RunPeersOptions = {}): Promise<PeersReport> {
  const only = new Set(opts.only ?? PEER_NAMES);
  for (const name of only) {
    if (!PEER_NAMES.includes(name)) throw new Error(`runPeers: unknown peer '${name}' (known: ${PEER_NAMES.join(', ')})`);
  }
  const date = new Date().toISOString();
  const start = machineSnapshot();
  const adapter = opts.adapterInfo ?? (await springloopAdapter(opts.adapter));
  const results: PeerResult[] = [];
  const backendsOf = <B extends string>(lib: string, all: readonly B[]) => all.filter((b) => only.has(`${lib}-${b}` as PeerName));
  const tfjs = backendsOf('tfjs', ['webgpu', 'wasm'] as const);
  if (tfjs.length > 0) results.push(await benchTfjs({ backends: tfjs, adapter, runs: opts.quick ? 3 : 5, warmup: opts.quick ? 1 : 2, log: opts.log }));
  const jaxjs = backendsOf('jaxjs', ['webgpu', 'wasm'] as const);
  if (jaxjs.length > 0) results.push(await benchJaxjs({ backends: jaxjs, adapter, steps: opts.quick ? 10 : 50, warmup: opts.quick ? 1 : 3, log: opts.log }));
  if (only.has('torch-cpu')) {
    opts.log?.('torch-cpu…');
    results.push(await benchTorch({ allowReferenceBlas: opts.allowReferenceBlas, log: opts.log }));
  }
  const end = machineSnapshot();
  const notes = results.flatMap((r) => r.notes);
  notes.push(`machine: ${start.cpu} × ${start.cores}; load average (1, 5, 15 min) ${start.loadavg.join(', ')} at the peers' start, ${end.loadavg.join(', ')} at their end (they keep about 1 core busy; more means other work shared the cores)`);
  return { adapter: adapter.name, date, rows: results.flatMap((r) => r.rows), notes, peers: Object.assign({}, ...results.map((r) => r.settings ?? {})), machine: { start, end } };
}

/** `springloop bench --peers`: the peers on the bench's adapter; their notes and settings go to opts. */
export async function benchPeers(
  sched: Scheduler,
  opts: { quick?: boolean; log?: (line: string) => void; notes?: string[]; peers?: Record<string, PeerSettings>; allowReferenceBlas?: boolean } = {},
): Promise<BenchRow[]> {
  const adapterInfo = { name: sched.ctx.adapterName, kind: sched.ctx.adapterKind };
  const report = await runPeers({ quick: opts.quick, adapterInfo, log: opts.log, allowReferenceBlas: opts.allowReferenceBlas });
  for (const note of report.notes) opts.log?.(`peers: ${note}`);
  opts.notes?.push(...report.notes);
  if (opts.peers) Object.assign(opts.peers, report.peers);
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
