// runtime.bench.ts — the adapter's ceilings that every other number is judged against:
// cost of one dispatch inside a pass, of a submit-and-read round trip, and copy bandwidth.
// (Best matmul GFLOP/s lives in gemm.bench.ts.) Validates axpy before timing anything.
import type { Scheduler } from '../src/gpu/scheduler';
import { axpy, axpyKernel } from '../src/kernels/axpy';
import { axpyReference } from '../src/reference/axpy';
import { STORAGE_RW } from '../src/gpu/flags';
import { summarize, timeGpuRuns, type BenchRow } from './stats';

export interface RuntimeBenchOptions {
  quick?: boolean;
  /** Quick, with a 1 MiB copy and 1000 dispatches (browser tests: coarse clocks). */
  tiny?: boolean;
}

export async function benchRuntime(sched: Scheduler, options: RuntimeBenchOptions = {}): Promise<BenchRow[]> {
  const opts = options.tiny ? { ...options, quick: true } : options;
  await sched.prepare(axpyKernel);
  await validateAxpy(sched);
  const rows: BenchRow[] = [];
  const x = sched.createTensor([64], 'f32', 'x', new Float32Array(64).fill(1));
  const y = sched.createTensor([64], 'f32', 'y', new Float32Array(64));

  // Dispatch cost: K tiny dispatches in one pass, one submit-and-wait; slope over K.
  const perDispatch = async (k: number) => {
    const times = await timeGpuRuns(sched, async () => {
      for (let i = 0; i < k; i++) axpy(sched, 1, x, y);
      await sched.read(y);
    }, { minRuns: 5, minMs: opts.quick ? 100 : 400 });
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  };
  const k = opts.quick && !opts.tiny ? 200 : 1000; // tiny (browsers): a coarse clock needs a big difference
  const t1 = await perDispatch(1);
  const tk = await perDispatch(k);
  const dispatchMs = (tk - t1) / (k - 1);
  rows.push({ name: 'ceiling/dispatch', median_ms: dispatchMs, p10_ms: dispatchMs, p90_ms: dispatchMs, unit: 'dispatches/s', throughput: 1000 / dispatchMs, notes: { method: `(t(${k}) - t(1)) / ${k - 1} in one pass` } });

  // Submit-and-read: one dispatch, one submit, map a 4-byte result.
  const roundTrip = await timeGpuRuns(sched, async () => {
    axpy(sched, 1, x, y);
    await sched.read({ buffer: y.buffer, offset: 0, size: 4 });
  }, { minRuns: 20, minMs: opts.quick ? 100 : 500 });
  rows.push(summarize('ceiling/submit_and_read', roundTrip, 'round trips/s', 1));

  // Copy bandwidth: buffer-to-buffer copy of 64 MiB (16 MiB quick, 1 MiB tiny), read + write counted.
  const bytes = (opts.tiny ? 1 : opts.quick ? 16 : 64) * 1024 * 1024;
  const src = sched.createBuffer(bytes, STORAGE_RW, 'copy-src');
  const dst = sched.createBuffer(bytes, STORAGE_RW, 'copy-dst');
  const reps = 4;
  const copyTimes = await timeGpuRuns(sched, async () => {
    for (let i = 0; i < reps; i++) sched.copy(src, dst, bytes);
    await sched.flush();
  }, { minRuns: 3, minMs: opts.quick ? 100 : 500 });
  rows.push(summarize('ceiling/copy', copyTimes, 'GB/s', (2 * bytes * reps) / 1e9));
  for (const b of [src, dst, x.buffer, y.buffer]) sched.destroyBuffer(b);
  return rows;
}

async function validateAxpy(sched: Scheduler): Promise<void> {
  const n = 1001;
  const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const ys = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
  const x = sched.createTensor([n], 'f32', 'x', xs);
  const y = sched.createTensor([n], 'f32', 'y', ys);
  axpy(sched, 0.5, x, y);
  const got = await sched.read(y);
  const want = axpyReference(0.5, xs, ys);
  for (let i = 0; i < n; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-6) throw new Error(`axpy validation failed at ${i}: ${got[i]} vs ${want[i]}`);
  }
  sched.destroyBuffer(x.buffer);
  sched.destroyBuffer(y.buffer);
}
