// bench.ts — `springloop bench [--only NAME] [--peers] [--quick] [--json FILE] [--adapter NAME]`:
// runs the benchmark files in bench/ (each validates its kernels before timing), prints one
// table with the adapter named, with --peers also the peers (bench/peers/: TF.js WebGPU and
// wasm, PyTorch CPU) and the springloop ÷ peer table, and optionally writes the rows as JSON
// (scripts/results-md.ts renders that JSON into bench/RESULTS.md).
import { cpus } from 'node:os';
import { renameSync, writeFileSync } from 'node:fs';
import { init } from '../gpu/device';
import { Scheduler } from '../gpu/scheduler';
import { benchRuntime } from '../../bench/runtime.bench';
import { benchRk4 } from '../../bench/rk4.bench';
import { benchRecurrent } from '../../bench/rnn.bench';
import { benchEsn } from '../../bench/esn.bench';
import { formatRows, type BenchRow } from '../../bench/stats';
import { benchPeers } from '../../bench/peers/index';
import { annotateCeilings, peerRatios, renderRatioTable } from '../../bench/report';
import { parseArgs } from './args';

export const BENCH_USAGE = `usage: springloop bench [--only NAMES] [--peers] [--quick] [--json FILE] [--adapter NAME]

  --only NAMES     comma-separated, from: runtime (the adapter's ceilings: dispatch, submit-and-read,
                   copy GB/s, matmul GFLOP/s), rk4 (N = 1e3 … 1e6), rnn (RNN/LSTM/GRU forward and
                   training step, seed and large configs), peers, esn (echo state networks of 500 … 4000
                   units on the main job's task beside the NumPy peer; minutes); default: all but peers, esn
  --peers          also run the peers (TF.js WebGPU and wasm, PyTorch CPU when python3 has torch,
                   a plain-JS RK4 loop) and print the springloop ÷ peer table (minutes on software adapters)
  --quick          fewer repeats and smaller sizes (a smoke run, not for the record)
  --json FILE      write { adapter, date, rows: [{ name, median_ms, p10_ms, p90_ms, unit, throughput }] };
                   render it with \`node dist/node/scripts/results-md.js\`
  --adapter NAME   lavapipe | swiftshader | any substring of the adapter's name (env SPRINGLOOP_ADAPTER)

Every kernel is checked against its float64 reference before it is timed; a mismatch stops the run.`;

type Bench = (sched: Scheduler, opts: { quick?: boolean; log?: (line: string) => void; notes?: string[] }) => Promise<BenchRow[]>;

/** Every benchmark, in the order they run. */
const BENCHES: Record<string, Bench> = {
  runtime: benchRuntime,
  rk4: benchRk4,
  rnn: benchRecurrent,
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
  cpu: string;
  quick: boolean;
  benches: string[];
  rows: BenchRow[];
  /** How peers ran or why they were skipped. */
  notes: string[];
}

export async function runBench(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { only: 'string', peers: 'boolean', quick: 'boolean', json: 'string', adapter: 'string' });
  const names = args.only === undefined ? Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n)) : String(args.only).split(',');
  if (args.peers && !names.includes('peers')) names.push('peers');
  for (const name of names) {
    if (!BENCHES[name]) throw new Error(`--only: unknown benchmark '${name}' (known: ${Object.keys(BENCHES).join(', ')})`);
  }
  const ctx = await init({ adapter: args.adapter as string | undefined });
  const sched = new Scheduler(ctx);
  try {
    const log = (line: string) => console.error(line);
    log(`bench on ${ctx.adapterName}: ${names.join(', ')}${args.quick ? ' (quick)' : ''}`);
    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const name of names) rows.push(...(await BENCHES[name]!(sched, { quick: args.quick === true, log, notes })));
    annotateCeilings(rows);
    console.log(formatRows(ctx.adapterName, rows));
    const ratios = peerRatios(rows);
    if (ratios.length > 0) console.log(`\nspringloop ÷ peer (throughput):\n${renderRatioTable(ratios)}`);
    if (typeof args.json === 'string') {
      const cpu = cpus();
      const report: BenchReport = {
        adapter: ctx.adapterName, adapterKind: ctx.adapterKind, date: new Date().toISOString(), node: process.version,
        cpu: `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}`, quick: args.quick === true, benches: names, rows, notes,
      };
      writeFileSync(`${args.json}.tmp`, JSON.stringify(report, null, 2) + '\n');
      renameSync(`${args.json}.tmp`, args.json);
      log(`wrote ${args.json}`);
    }
    return 0;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}
