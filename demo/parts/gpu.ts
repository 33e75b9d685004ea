// gpu.ts — the page's one GPU context and scheduler, behind a lock. A Scheduler records
// into one encoder, so two panels awaiting GPU work at once could interleave their
// recordings; every panel therefore does its GPU work inside gpu.run(), one job at a time.

import { init, type GpuContext } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';

export interface PageGpu {
  readonly ctx: GpuContext;
  readonly sched: Scheduler;
  /** Runs fn alone on the scheduler; jobs run in call order. */
  run<T>(fn: (sched: Scheduler) => Promise<T>): Promise<T>;
}

/** Why the page cannot run, in words for the reader; null when WebGPU looks present. */
export function missingWebGpuReason(): string | null {
  if (!window.isSecureContext) {
    return `This page was opened from ${location.origin}, which is not a secure context, so the browser hides WebGPU.`;
  }
  if (!('gpu' in navigator) || !navigator.gpu) {
    return 'This browser does not expose WebGPU (navigator.gpu is missing).';
  }
  return null;
}

export async function startGpu(): Promise<PageGpu> {
  const ctx = await init();
  const sched = new Scheduler(ctx);
  let tail: Promise<unknown> = Promise.resolve();
  return {
    ctx,
    sched,
    run<T>(fn: (s: Scheduler) => Promise<T>): Promise<T> {
      const job = tail.then(async () => {
        try {
          const result = await fn(sched);
          ctx.throwIfFailed();
          return result;
        } catch (e) {
          // Leave nothing half-recorded for the next job.
          sched.discard();
          throw e;
        }
      });
      tail = job.catch(() => undefined);
      return job;
    },
  };
}
