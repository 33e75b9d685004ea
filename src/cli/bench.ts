// bench.ts — `springloop bench [--only NAME] [--peers] [--quick] [--json FILE] [--adapter NAME]`:
// runs the benchmark files in bench/ (each validates its kernels before timing), prints one
// table with the adapter named, with --peers also the peers (bench/peers/: TF.js WebGPU and
// wasm, PyTorch CPU) and the springloop ÷ peer table, and optionally writes the rows as JSON
// (scripts/results-md.ts renders that JSON into bench/RESULTS.md).
import { init } from '../gpu/device';
import { Scheduler } from '../gpu/scheduler';
import { benchRuntime } from '../../bench/runtime.bench';
import { benchRk4 } from '../../bench/rk4.bench';
import { benchRecurrent } from '../../bench/rnn.bench';
import { benchEsn } from '../../bench/esn.bench';
import { benchStream } from '../../bench/stream.bench';
import { formatRows, type BenchRow } from '../../bench/stats';
import { benchPeers } from '../../bench/peers/index';
import type { PeerSettings } from '../../bench/peers/peer';
import { machineSnapshot, type MachineSnapshot } from '../../bench/machine';
import { annotateCeilings, peerRatios, renderRatioTable } from '../../bench/report';
import { parseArgs } from './args';
import { writeFileAtomic } from '../io/atomic-file';

export const BENCH_USAGE = `usage: springloop bench [--only NAMES] [--peers] [--quick] [--json FILE] [--adapter NAME] [--allow-reference-blas]

  --only NAMES     comma-separated, from: runtime (the adapter's ceilings: dispatch, submit-and-read,
                   copy GB/s, matmul GFLOP/s), rk4 (N = 1e3 … 1e6), rnn (RNN/LSTM/GRU forward and
                   training step, seed and large configs), stream (streaming LSTM inference at 1
                   and 60 samples per push), peers, esn (echo state networks of 500 … 4000 units on
                   the main job's task beside the NumPy peer; minutes); default: all but peers, esn
  --peers          also run the peers (TF.js and jax-js on WebGPU and wasm, PyTorch CPU when python3
                   has torch, a plain-JS RK4 loop) and print the springloop ÷ peer table with each
                   peer's settings (minutes on software adapters; \`bash scripts/setup-peers.sh\` installs PyTorch)
  --allow-reference-blas
                   let the PyTorch peer time Netlib's reference BLAS (refused by default: its users
                   run OpenBLAS or MKL)
  --quick          fewer repeats and smaller sizes (a smoke run, not for the record)
  --json FILE      write { adapter, date, machine: { cpu, cores, start/end load averages }, peers:
                   { <peer>: settings }, rows: [{ name, median_ms, p10_ms, p90_ms, unit, throughput }] };
                   render it with \`node dist/node/scripts/results-md.js\`
  --adapter NAME   lavapipe | swiftshader | any substring of the adapter's name (env SPRINGLOOP_ADAPTER)

Every kernel is checked against its float64 reference before it is timed; a mismatch stops the run.`;

/** What every benchmark gets: size preset, progress, and where to put notes and peer settings. */
interface BenchOptions {
  quick?: boolean;
  log?: (line: string) => void;
  notes?: string[];
  peers?: Record<string, PeerSettings>;
  allowReferenceBlas?: boolean;
}

type Bench = (sched: Scheduler, opts: BenchOptions) => Promise<BenchRow[]>;

/** Every benchmark, in the order they run. */
const BENCHES: Record<string, Bench> = {
  runtime: benchRuntime,
  rk4: benchRk4,
  rnn: benchRecurrent,
  stream: benchStream,
  peers: benchPeers,
  esn: benchEsn,
};

/** Run only when asked (--peers, or --only peers / esn): minutes of TF.js / PyTorch / NumPy. */
const ON_REQUEST = new Set(['peers', 'esn']);

/** What `--json` writes. */
export interface BenchReport {
  adapter: string;
  adapterKind: string;
  date: string;
  node: string;
  /** 'Intel(R) Xeon(R) Processor × 2' (model × logical cores). */
  cpu: string;
  /** CPU and load averages at the start and the end of the run. */
  machine: { start: MachineSnapshot; end: MachineSnapshot };
  /** Settings of every peer that ran (versions, backend, BLAS, threads), by peer id. */
  peers: Record<string, PeerSettings>;
  quick: boolean;
  benches: string[];
  rows: BenchRow[];
  /** How peers ran or why they were skipped. */
  notes: string[];
}

export async function runBench(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { only: 'string', peers: 'boolean', quick: 'boolean', json: 'string', adapter: 'string', 'allow-reference-blas': 'boolean' });
  const names = args.only === undefined ? Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n)) : String(args.only).split(',');
  if (args.peers && !names.includes('peers')) names.push('peers');
  for (const name of names) {
    if (!BENCHES[name]) throw new Error(`--only: unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
  }
  const start = machineSnapshot();
  const ctx = await init({ adapter: args.adapter as string | undefined });
  const sched = new Scheduler(ctx);
  try {
    const log = (line: string) => console.error(line);
    log(`bench on ${ctx.adapterName}: ${names.join(', ')}${args.quick ? ' (quick)' : ''}`);
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const peers: Record<string, PeerSettings> = {};
    const opts = { quick: args.quick === true, log, notes, peers, allowReferenceBlas: args['allow-reference-blas'] === true };
    for (const name of names) rows.push(...(await BENCHES[name]!(sched, opts)));
    const end = machineSnapshot();
    log(`load average (1, 5, 15 min): ${start.loadavg.join(', ')} at the start, ${end.loadavg.join(', ')} at the end, on ${start.cores} core(s)`);
    annotateCeilings(rows);
    console.log(formatRows(ctx.adapterName, rows));
    const ratios = peerRatios(rows, peers);
    if (ratios.length > 0) console.log(`\nspringloop ÷ peer (throughput):\n${renderRatioTable(ratios)}`);
    if (typeof args.json === 'string') {
      const report: BenchReport = {
        adapter: ctx.adapterName, adapterKind: ctx.adapterKind, date: start.at, node: process.version,
        cpu: `${start.cpu} × ${start.cores}`, machine: { start, end }, peers, quick: args.quick === true, benches: names, rows, notes,
      };
      await writeFileAtomic(args.json, JSON.stringify(report, null, 2) + '\n');
      log(`wrote ${args.json}`);
    }
    return 0;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}
