// A Vite app as a user writes it: the README's simulate() on the page, and a Forecaster
// training in a dedicated Web Worker (worker.ts) while this thread keeps ticking.
import { init, Scheduler, simulate, simulateReference } from 'springloop';
import type { WorkerReport } from './worker';

export interface PageResults {
  adapter: string;
  simulateMaxError: number;
  samples: number;
  worker: WorkerReport;
  /** Main-thread timer ticks seen between the worker's first and last progress message. */
  ticksDuringTraining: number;
  progressMessages: number;
}

async function simulateOnPage() {
  const ctx = await init();
  const sched = new Scheduler(ctx);
  const setup = { params: [{ m: 1, c: 0.2, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 }], dt: 0.01, steps: 400, recordEvery: 10, integrator: 'rk4' } as const;
  const run = await simulate(sched, setup);
  const x = await run.read();
  const reference = simulateReference(setup);
  const simulateMaxError = Math.max(...Array.from(x, (v, i) => Math.abs(v - reference[i]!)));
  const result = { adapter: ctx.adapterName, simulateMaxError, samples: run.samples };
  run.destroy();
  sched.dispose();
  ctx.dispose();
  return result;
}

function trainInWorker(): Promise<{ worker: WorkerReport; ticksDuringTraining: number; progressMessages: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    let ticks = 0;
    let ticksAtFirstProgress: number | null = null;
    let progressMessages = 0;
    const timer = setInterval(() => ticks++, 5);
    worker.onmessage = (e: MessageEvent<{ kind: 'progress' } | { kind: 'done'; report: WorkerReport } | { kind: 'error'; message: string }>) => {
      const m = e.data;
      if (m.kind === 'progress') {
        progressMessages++;
        ticksAtFirstProgress ??= ticks;
      } else {
        clearInterval(timer);
        worker.terminate();
        if (m.kind === 'error') reject(new Error(`worker: ${m.message}`));
        else resolve({ worker: m.report, ticksDuringTraining: ticks - (ticksAtFirstProgress ?? ticks), progressMessages });
      }
    };
    worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
  });
}

const status = document.getElementById('status')!;
try {
  const page = await simulateOnPage();
  const training = await trainInWorker();
  const results: PageResults = { ...page, ...training };
  (window as unknown as { results: PageResults }).results = results;
  status.textContent = 'done';
} catch (e) {
  status.textContent = `error: ${(e as Error).message}`;
}
