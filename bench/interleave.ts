// interleave.ts — times several alternatives of the same work in one process, in alternating
// blocks (A A A, B B B, A A A, …), so that what else the machine does at the time (other
// processes, thermal state) falls on all of them alike: the A/B of kernel paths in
// bench/rnn.bench.ts. Each block starts with one untimed run (the scheduler's wait pacer and
// the caches adapt to that alternative), then `perBlock` timed ones.
import type { Scheduler } from '../src/gpu/scheduler';
import { cpuSince, cpuSnapshot } from './cpu-time';

/** What one alternative measured: per-run milliseconds and CPU ms per run of the adapter's threads (null off Linux). */
export interface InterleavedTimes {
  times: number[];
  workerCpuMs: number | null;
}

/** Options of timeInterleaved: blocks of `perBlock` timed runs per alternative, until each has `minRuns` runs and `minMs` has passed. */
export interface InterleaveOptions {
  perBlock?: number;
  minRuns?: number;
  minMs?: number;
}

/**
 * Times `run[name]()` + submit-and-wait for every alternative, in alternating blocks; returns
 * each alternative's times. Defaults: 3 per block, at least 9 runs each, 2000 ms in all.
 */
export async function timeInterleaved(sched: Scheduler, runs: Readonly<Record<string, () => void>>, opts: InterleaveOptions = {}): Promise<Record<string, InterleavedTimes>> {
  const { perBlock = 3, minRuns = 9, minMs = 2000 } = opts;
  const names = Object.keys(runs);
  const out: Record<string, { times: number[]; cpu: number | null }> = Object.fromEntries(names.map((n) => [n, { times: [], cpu: 0 }]));
  const once = async (name: string) => {
    runs[name]!();
    await sched.flush();
  };
  const start = performance.now();
  while (out[names[0]!]!.times.length < minRuns || performance.now() - start < minMs) {
    for (const name of names) {
      sched.resetWaitEstimate();
      await once(name); // untimed: the pacer learns this alternative's wait
      const c0 = cpuSnapshot();
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        await once(name);
        out[name]!.times.push(performance.now() - t0);
      }
      const used = cpuSince(c0, cpuSnapshot());
      const o = out[name]!;
      o.cpu = o.cpu !== null && used !== null ? o.cpu + used.otherMs : null;
    }
  }
  return Object.fromEntries(names.map((n) => {
    const o = out[n]!;
    return [n, { times: o.times, workerCpuMs: o.cpu === null ? null : o.cpu / o.times.length }];
  }));
}
