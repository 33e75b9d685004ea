// run.ts — a whole `springloop train` run: plan (no GPU), then on the GPU: the data set,
// its windows, each cell in turn (run-cell.ts), and finally results.json,
// details.json and figure.svg in the output directory.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { init } from '../../gpu/device';
import { Scheduler } from '../../gpu/scheduler';
import { materializeDataset } from '../../data/gpu-data';
import { createWindows } from '../session';
import type { TrainConfig } from '../config';
import { planRun, type RunPlan } from '../plan';
import { runCell, type CellOutcome, type CellRunOptions } from './run-cell';
import { runEsnCell } from './run-esn';
import { resultsJson, rolloutGrowth, runFigure, type ResultsJson } from '../report';
import { writeFileAtomic } from './checkpoint';

export interface RunOptions {
  config: TrainConfig;
  outDir: string;
  resume: boolean;
  adapter?: string;
  stopAfterEpochs?: number;
  onEpoch?: CellRunOptions['onEpoch'];
  onCellDone?: (o: CellOutcome) => void;
}

export interface RunOutcome {
  adapter: string;
  plan: RunPlan;
  results: ResultsJson | null;
  cells: CellOutcome[];
  wallSeconds: number;
  interrupted: boolean;
}

/** Throws a clear error when dir cannot be created or written. */
export async function checkWritableDir(dir: string): Promise<void> {
  const probe = join(dir, `.springloop-write-test-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (e) {
    throw new Error(`--out ${dir} is not writable: ${(e as Error).message}`);
  }
}

export async function runTraining(o: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const plan = planRun(o.config);
  await checkWritableDir(o.outDir);
  await writeFileAtomic(join(o.outDir, 'config.json'), JSON.stringify(o.config, null, 2));
  const ctx = await init({ adapter: o.adapter ?? o.config.adapter ?? undefined });
  const sched = new Scheduler(ctx);
  try {
    const traj = await materializeDataset(sched, plan.spec);
    const data = await createWindows(sched, traj, plan.windows, plan.features);
    const host = await traj.read();
    const cells: CellOutcome[] = [];
    for (const cell of o.config.cells) {
      const cellOptions = { outDir: o.outDir, resume: o.resume, stopAfterEpochs: o.stopAfterEpochs, onEpoch: o.onEpoch };
      const outcome = cell === 'esn' ? await runEsnCell(sched, plan, data, cellOptions) : await runCell(sched, plan, data, cell, cellOptions);
      cells.push(outcome);
      o.onCellDone?.(outcome);
      if (outcome.interrupted) return { adapter: ctx.adapterName, plan, results: null, cells, wallSeconds: (performance.now() - started) / 1000, interrupted: true };
    }
    const results = resultsJson(ctx.adapterName, plan, cells);
    const wallSeconds = (performance.now() - started) / 1000;
    await writeFileAtomic(join(o.outDir, 'results.json'), JSON.stringify(results, null, 2));
    await writeFileAtomic(join(o.outDir, 'details.json'), JSON.stringify(details(plan, host, cells, wallSeconds), null, 1));
    await writeFileAtomic(join(o.outDir, 'figure.svg'), runFigure(ctx.adapterName, plan, host, cells, wallSeconds));
    data.destroy();
    traj.destroy();
    return { adapter: ctx.adapterName, plan, results, cells, wallSeconds, interrupted: false };
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}

function details(plan: RunPlan, host: Float32Array, cells: CellOutcome[], wallSeconds: number) {
  const S = plan.spec.samples;
  const start = plan.windows.trainPerRow + plan.windows.seq;
  return {
    dataset: plan.spec.description,
    config: plan.config,
    windows: { train: plan.windows.trainStarts.length, test: plan.windows.testStarts.length, seq: plan.windows.seq },
    wall_seconds: wallSeconds,
    cells: cells.map((c) => ({
      cell: c.cell,
      history: c.history,
      train_metrics: c.train?.model,
      test_metrics: c.test?.model,
      accuracy: c.accuracy,
      ...c.details,
      rollout: c.rolloutPred
        ? { first_sample: start, growth: rolloutGrowth(c.rolloutPred, Array.from({ length: c.rolloutPred.length }, (_, k) => host[(start + k) * 2]!)) }
        : undefined,
    })),
    samples: S,
  };
}
