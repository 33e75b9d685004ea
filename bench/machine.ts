// machine.ts — what a bench JSON records about the machine it ran on, so a number can be judged
// later: the CPU model and core count (a software adapter's speed is the CPU's) and the load
// average, at the start and the end of a run (a busy machine slows every row). Node only.
import { cpus, loadavg } from 'node:os';

/** The CPU and how busy the machine was at one moment. */
export interface MachineSnapshot {
  /** ISO time of the snapshot. */
  at: string;
  /** CPU model name, e.g. 'Intel(R) Xeon(R) Processor'. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** 1-, 5- and 15-minute load averages (runnable processes), two decimals. */
  loadavg: [number, number, number];
}

/** A snapshot of now. */
export function machineSnapshot(): MachineSnapshot {
  const list = cpus();
  const [one, five, fifteen] = loadavg().map((x) => +x.toFixed(2)) as [number, number, number];
  return { at: new Date().toISOString(), cpu: list[0]?.model.trim() ?? 'unknown CPU', cores: list.length, loadavg: [one, five, fifteen] };
}
