// stats.ts — timing helpers shared by every bench file: repeat, then report the median and
// the 10th/90th percentiles (in ms) and a throughput in the row's unit.
import type { Scheduler } from '../src/gpu/scheduler';

export interface BenchRow {
  name: string;
  median_ms: number;
  p10_ms: number;
  p90_ms: number;
  unit: string;
  /** Work per second in `unit` at the median time. */
  throughput: number;
  /** Free-form extras (dispatches per step, GFLOP/s, fraction of a ceiling...). */
  notes?: Record<string, number | string>;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export function summarize(name: string, timesMs: readonly number[], unit: string, workPerRun: number, notes?: BenchRow['notes']): BenchRow {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const median = percentile(sorted, 0.5);
  return {
    name,
    median_ms: median,
    p10_ms: percentile(sorted, 0.1),
    p90_ms: percentile(sorted, 0.9),
    unit,
    throughput: workPerRun / (median / 1000),
    ...(notes ? { notes } : {}),
  };
}

/**
 * Times an async function: `warmup` untimed runs, then runs until `minRuns` are done and
 * `minMs` has passed (or `maxRuns`). Returns per-run milliseconds.
 */
export async function timeRuns(fn: () => Promise<void> | void, opts: { warmup?: number; minRuns?: number; maxRuns?: number; minMs?: number } = {}): Promise<number[]> {
  const { warmup = 2, minRuns = 5, maxRuns = 200, minMs = 300 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < minMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * timeRuns for GPU work: first forgets the scheduler's expected wait (Node sleeps through most
 * of it), which the previous benchmark's very different dispatches would otherwise set.
 */
export function timeGpuRuns(sched: Pick<Scheduler, 'resetWaitEstimate'>, fn: () => Promise<void> | void, opts: Parameters<typeof timeRuns>[1] = {}): Promise<number[]> {
  sched.resetWaitEstimate();
  return timeRuns(fn, opts);
}

export function formatRows(adapter: string, rows: readonly BenchRow[]): string {
  const lines = [`adapter: ${adapter}`, `${'name'.padEnd(36)} ${'median ms'.padStart(11)} ${'p10'.padStart(9)} ${'p90'.padStart(9)}  throughput`];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(36)} ${r.median_ms.toFixed(3).padStart(11)} ${r.p10_ms.toFixed(3).padStart(9)} ${r.p90_ms.toFixed(3).padStart(9)}  ${r.throughput.toExponential(3)} ${r.unit}`,
    );
  }
  return lines.join('\n');
}
