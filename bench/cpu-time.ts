// cpu-time.ts — CPU time per thread of this process (Linux /proc; null elsewhere). On a
// software adapter the "GPU" is lavapipe's worker threads, so their CPU time measures the
// work done independently of other processes competing for the cores, while wall-clock
// time does not; benchmarks report both. The main thread is separated from the others
// because dawn.node busy-waits on it while the GPU works.

/** CPU milliseconds used so far, per thread id; `main` is the JavaScript thread's id. */
export interface CpuSnapshot {
  main: string;
  threads: Map<string, number>;
}

/** CPU used between two snapshots. */
export interface CpuUsed {
  /** Milliseconds of the main (JavaScript) thread. */
  mainMs: number;
  /** Milliseconds of every other thread (lavapipe workers, Dawn, V8 helpers). */
  otherMs: number;
  /** Other threads that used CPU in between. */
  otherThreads: number;
}

type Fs = { readdirSync(p: string): string[]; readFileSync(p: string, enc: 'utf8'): string };

function nodeFs(): Fs | null {
  const proc = (globalThis as { process?: { platform?: string; pid?: number; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.platform !== 'linux' || typeof proc.getBuiltinModule !== 'function') return null;
  return proc.getBuiltinModule('fs') as Fs;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time of this process's threads so far, or null where /proc is unavailable. */
export function cpuSnapshot(): CpuSnapshot | null {
  const fs = nodeFs();
  if (!fs) return null;
  const main = String((globalThis as unknown as { process: { pid: number } }).process.pid);
  const threads = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(tid, (Number(fields[11]) + Number(fields[12])) * TICK_MS);
    } catch {
      // the thread exited
    }
  }
  return { main, threads };
}

/** CPU used between two snapshots (null if either is). */
export function cpuSince(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuUsed | null {
  if (!before || !after) return null;
  const used: CpuUsed = { mainMs: 0, otherMs: 0, otherThreads: 0 };
  for (const [tid, ms] of after.threads) {
    const delta = ms - (before.threads.get(tid) ?? 0);
    if (tid === after.main) used.mainMs += delta;
    else if (delta > 0) {
      used.otherMs += delta;
      used.otherThreads++;
    }
  }
  return used;
}

/** Cores available to this process (Node), or null. Lavapipe runs one worker thread per core. */
export function coreCount(): number | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const os = proc?.getBuiltinModule?.('os') as { availableParallelism?: () => number } | undefined;
  return os?.availableParallelism?.() ?? null;
}
