// run-esn.ts — `springloop train --cells esn`: the echo state network (src/esn/) as one cell of
// a run, on the run's data, windows and target, reported as the trained cells are (CellOutcome): build + drive + ridge solve count as its training time ("one pass", no epochs),
// then the same evaluation (test windows and a training subsample with the baselines), the
// closed-loop rollout over the test span, and its weights (esn.safetensors).
import { join } from 'node:path';
import type { Scheduler } from '../../gpu/scheduler';
import type { GpuWindows } from '../../data/gpu-data';
import type { RunPlan } from '../plan';
import type { CellOutcome } from '../report';
import type { CellRunOptions } from './run-cell';
import { figureTrainStarts, rolloutSteps } from '../evaluate';
import { writeFileAtomic } from '../../io/atomic-file';
import { esnSettingsOf } from '../../esn/config';
import { EsnForecast } from '../../esn/esn-forecast';
import { forecasterMetadata, resolveOptions } from '../forecaster-input';

/** Fits and evaluates the echo state network of a run (forecasting data sets only). */
export async function runEsnCell(sched: Scheduler, plan: RunPlan, data: GpuWindows, o: CellRunOptions): Promise<CellOutcome> {
  const t0 = performance.now();
  const esn = await EsnForecast.create(sched, data, esnSettingsOf(plan.config), plan.config.seed);
  try {
    const times = await esn.fit();
    const trainSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const test = await esn.evaluate('test');
    const trainStarts = figureTrainStarts(data);
    const train = await esn.evaluate(trainStarts);
    const steps = rolloutSteps(data, plan.config.rollout);
    const rolloutPred = steps > 0 ? await esn.rollout(steps) : undefined;
    const history = [await esn.lossReport(train.evaluation, test.evaluation)];
    await writeFileAtomic(join(o.outDir, 'esn.safetensors'), await esn.save(await fileMetadata(plan, data)));
    return {
      cell: 'esn', epochs: 1, trainSeconds, history, interrupted: false,
      samplesPerSecond: trainSeconds > 0 ? (plan.windows.rows * plan.windows.samples) / trainSeconds : 0,
      test: test.evaluation, train: train.evaluation, testPred: test.pred, trainPred: train.pred, trainPredStarts: trainStarts, rolloutPred,
      evalSeconds: (performance.now() - t1) / 1000,
      details: {
        drawn_spectral_radius: esn.esn.drawnRadius, power_products: esn.esn.powerIterations,
        build_seconds: times.buildSeconds, drive_seconds: times.driveSeconds, solve_seconds: times.solveSeconds,
      },
    };
  } finally {
    esn.destroy();
  }
}

// What Forecaster.load needs (options with cell 'esn', the normalisation) and the run's names.
async function fileMetadata(plan: RunPlan, data: GpuWindows): Promise<Record<string, string>> {
  const c = plan.config;
  const options = resolveOptions({ cell: 'esn', seq: c.seq, seed: c.seed, target: plan.target, ...esnSettingsOf(c) });
  return { ...forecasterMetadata(options, await data.readStats()), cell: 'esn', dataset: c.dataset };
}
