// stream.bench.ts — streaming inference (src/train/stream.ts): the lecture LSTM (2 × 64, the
// Forecaster's defaults: seq 50, target 'delta') stepped through a live signal at 1 sample per
// push and at 60 per push (a frame's worth at 60 Hz); rows stream/lstm/seed@1 and @60 in ms per
// sample (median_ms; throughput in samples/s), with ms per call and dispatches per call in the
// notes. First the streamed predictions are checked against the float64 reference
// (src/reference/stream.ts). `tiny` (browser tests): hidden 16, 1 layer, seq 8.
import type { Scheduler } from '../src/gpu/scheduler';
import { Forecaster, type ForecasterOptions } from '../src/train/forecaster';
import { readForecasterFile } from '../src/train/forecaster-input';
import { CELL_KINDS } from '../src/train/plan';
import { streamReference } from '../src/reference/stream';
import { fullStats, TARGET_SPECS } from '../src/data/targets';
import type { ForecastStream } from '../src/train/stream';
import { summarize, timeGpuRuns, type BenchRow } from './stats';

/** Sizes of the stream bench: quick = fewer repeats, tiny = the browser tests' small LSTM. */
export interface StreamBenchOptions {
  quick?: boolean;
  tiny?: boolean;
  log?: (line: string) => void;
}

/** Samples per push timed. */
export const STREAM_CALL_SIZES = [1, 60] as const;

/** A slowly damped sine: the live signal. */
function signal(n: number, from = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.exp(-(from + i) / 4000) * Math.sin((from + i) / 9));
}

/** Validates the stream against the float64 reference, then times pushes of 1 and 60 samples. */
export async function benchStream(sched: Scheduler, opts: StreamBenchOptions = {}): Promise<BenchRow[]> {
  const shape: ForecasterOptions = opts.tiny ? { cell: 'lstm', hidden: 16, layers: 1, seq: 8 } : { cell: 'lstm' };
  const name = opts.tiny ? 'tiny' : 'seed';
  const f = await Forecaster.create(sched, signal(opts.tiny ? 200 : 1000), shape);
  try {
    await validate(f, opts.log);
    const rows: BenchRow[] = [];
    for (const n of STREAM_CALL_SIZES) rows.push(await timeCalls(sched, f, n, name, opts));
    return rows;
  } finally {
    f.destroy();
  }
}

/** Streamed predictions of 1 + 60 samples vs the float64 reference over the same 61. */
async function validate(f: Forecaster, log?: (line: string) => void): Promise<void> {
  const samples = signal(61);
  const s = await f.stream();
  let got: Float32Array;
  try {
    got = Float32Array.of(await s.push(samples[0]!), ...(await s.push(samples.subarray(1))));
  } finally {
    s.destroy();
  }
  const want = await forecasterStreamReference(f, samples);
  for (let t = 0; t < want.length; t++) {
    if (!(Math.abs(got[t]! - want[t]!) <= 1e-5 + 1e-4 * Math.abs(want[t]!))) throw new Error(`stream validation failed at sample ${t}: ${got[t]} vs the reference's ${want[t]}`);
  }
  log?.('stream bench: streamed predictions match the float64 reference; timing');
}

/** The float64 reference (src/reference/stream.ts) of streaming `samples` through f's current model from zero state. */
export async function forecasterStreamReference(f: Forecaster, samples: ArrayLike<number>, previous?: number | readonly number[]): Promise<Float64Array> {
  const o = f.options;
  if (o.cell === 'esn') throw new Error('forecasterStreamReference: an echo state network does not stream');
  const params = Object.fromEntries(Object.entries(await f.model.getParameters()).map(([k, v]) => [k, Float64Array.from(v)]));
  const config = { cell: CELL_KINDS[o.cell], inputSize: TARGET_SPECS[o.target].inputs.length, hiddenSize: o.hidden, numLayers: o.layers, outputSize: 1, headOnLastStepOnly: false };
  const stats = fullStats(readForecasterFile(await f.save()).stats);
  return streamReference({ config, params, stats, target: o.target, samples, previous });
}

/** Pushes of n samples of the live signal, one after another; row in ms per sample. */
async function timeCalls(sched: Scheduler, f: Forecaster, n: number, shape: string, opts: StreamBenchOptions): Promise<BenchRow> {
  const stream: ForecastStream = await f.stream();
  try {
    let at = 0;
    const push = async () => {
      const frame = signal(n, at);
      at += n;
      await stream.push(frame);
    };
    await push(); // first call of this size: its buffers and workspace
    const d0 = sched.counters.dispatches;
    const times = await timeGpuRuns(sched, push, { warmup: 2, minRuns: opts.quick ? 5 : 20, minMs: opts.quick ? 100 : 500 });
    const calls = times.length + 2;
    const perCall = summarize('', times, '', 1).median_ms;
    return summarize(`stream/lstm/${shape}@${n}`, times.map((t) => t / n), 'samples/s', 1, {
      samples_per_call: n, ms_per_call: +perCall.toPrecision(4), dispatches_per_call: (sched.counters.dispatches - d0) / calls,
      H: f.options.hidden, L: f.options.layers,
    });
  } finally {
    stream.destroy();
  }
}
