// The README's Web Worker example: the library runs unchanged in a dedicated worker
// (navigator.gpu is there too); progress and results go back with postMessage.
import { init, Scheduler, Forecaster } from 'springloop';

export interface WorkerReport {
  adapter: string;
  epochs: number;
  firstLoss: number;
  lastLoss: number;
  forecast: number[];
}

async function train(): Promise<WorkerReport> {
  const ctx = await init();
  const sched = new Scheduler(ctx);
  const series = Array.from({ length: 300 }, (_, i) => Math.sin(i / 8));
  const model = await Forecaster.create(sched, series, { cell: 'lstm', hidden: 8, layers: 1, seq: 12, seed: 5 });
  const losses: number[] = [];
  await model.fit(6, (r) => {
    losses.push(r.trainLoss);
    postMessage({ kind: 'progress', epoch: r.epoch });
  });
  const forecast = Array.from(await model.forecast(series.slice(-12), 4));
  const report = { adapter: ctx.adapterName, epochs: losses.length, firstLoss: losses[0]!, lastLoss: losses.at(-1)!, forecast };
  model.destroy();
  sched.dispose();
  ctx.dispose();
  return report;
}

train().then(
  (report) => postMessage({ kind: 'done', report }),
  (e: Error) => postMessage({ kind: 'error', message: e.message }),
);
