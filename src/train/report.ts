// report.ts — what a run writes: results.json (the issue's schema: adapter, dataset, one
// entry per cell, the persistence / linear baselines and each cell's MSE relative to
// persistence), details.json (loss curves, rollout error growth), the comparison table,
// and the figure's input.
import type { Metrics } from '../reference/metrics';
import type { RunPlan } from './plan';
import type { CellOutcome } from './run-cell';
import { forecastSummary, renderFigure, type CellFigure } from '../report/figure';
import { REGIME_CLASSES } from '../data/datasets';
import { TARGET_SPECS } from '../data/targets';

export interface CellResult {
  cell: string;
  mse: number | null;
  rmse: number | null;
  mae: number | null;
  r2: number | null;
  train_seconds: number;
  epochs: number;
  samples_per_second: number;
  mse_vs_persistence: number | null;
  accuracy?: number;
}

export interface ResultsJson {
  adapter: string;
  dataset: string;
  results: CellResult[];
  baselines: { persistence: { mse: number; r2: number }; linear: { mse: number; r2: number } } | null;
}

export function resultsJson(adapter: string, plan: RunPlan, cells: CellOutcome[]): ResultsJson {
  const first = cells.find((c) => c.test)?.test;
  const results = cells.map((c): CellResult => {
    const m = c.test?.model;
    const r: CellResult = {
      cell: c.cell, mse: m?.mse ?? null, rmse: m?.rmse ?? null, mae: m?.mae ?? null, r2: m?.r2 ?? null,
      train_seconds: round(c.trainSeconds, 3), epochs: c.epochs, samples_per_second: round(c.samplesPerSecond, 1),
      mse_vs_persistence: m && c.test ? m.mse / c.test.persistence.mse : null,
    };
    if (c.accuracy !== undefined) r.accuracy = c.accuracy;
    return r;
  });
  const baselines = first ? { persistence: { mse: first.persistence.mse, r2: first.persistence.r2 }, linear: { mse: first.linear.mse, r2: first.linear.r2 } } : null;
  return { adapter, dataset: plan.config.dataset, results, baselines };
}

function round(v: number, digits: number): number {
  return Math.round(v * 10 ** digits) / 10 ** digits;
}

/** Error growth of the closed loop: RMSE over the first k steps, for k = 1, 10, 100, … and all. */
export function rolloutGrowth(pred: ArrayLike<number>, truth: ArrayLike<number>): { steps: number; rmse: number }[] {
  const out: { steps: number; rmse: number }[] = [];
  let se = 0;
  const marks = new Set([1, 10, 100, 1000, 10000, pred.length]);
  for (let k = 0; k < pred.length; k++) {
    se += (pred[k]! - truth[k]!) ** 2;
    if (marks.has(k + 1)) out.push({ steps: k + 1, rmse: Math.sqrt(se / (k + 1)) });
  }
  return out;
}

const withRmse = (m: { mse: number; r2: number }) => ({ ...m, rmse: Math.sqrt(m.mse) });

/** The comparison table printed at the end of a run. */
export function formatTable(res: ResultsJson, description: string): string {
  const head = `adapter: ${res.adapter}\ndataset: ${description}\n`;
  if (!res.baselines) {
    const rows = res.results.map((r) => `  ${r.cell.padEnd(6)} accuracy ${((r.accuracy ?? 0) * 100).toFixed(1)}%  ${r.epochs} epochs  ${r.train_seconds.toFixed(1)} s`);
    return head + rows.join('\n');
  }
  const fmt = (v: number | null, f: (x: number) => string) => (v === null ? '-' : f(v)).padStart(11);
  const e = (x: number) => x.toExponential(3);
  const line = (name: string, m: Pick<Metrics, 'mse' | 'r2'> & Partial<Metrics>, rel: number | null, extra: string) =>
    `  ${name.padEnd(12)}${fmt(m.mse, e)}${fmt(m.rmse ?? null, e)}${fmt(m.mae ?? null, e)}${fmt(m.r2, (x) => x.toFixed(6))}${fmt(rel, (x) => x.toFixed(3))}${extra}`;
  const rows = [
    `  ${'model'.padEnd(12)}${'MSE'.padStart(11)}${'RMSE'.padStart(11)}${'MAE'.padStart(11)}${'R2'.padStart(11)}${'vs persist'.padStart(11)}   epochs  train s  samples/s`,
    line('persistence', withRmse(res.baselines.persistence), 1, ''),
    line('linear', withRmse(res.baselines.linear), res.baselines.linear.mse / res.baselines.persistence.mse, ''),
    ...res.results.map((r) =>
      line(r.cell, { mse: r.mse!, rmse: r.rmse!, mae: r.mae!, r2: r.r2! }, r.mse_vs_persistence, `   ${String(r.epochs).padStart(6)} ${r.train_seconds.toFixed(1).padStart(8)} ${Math.round(r.samples_per_second).toString().padStart(10)}`),
    ),
  ];
  return head + rows.join('\n');
}

/** The figure for a run, from the host copy of the trajectory [R, S, 2]. */
export function runFigure(adapter: string, plan: RunPlan, traj: Float32Array, cells: CellOutcome[], wallSeconds: number): string {
  const { spec, windows } = plan;
  const S = spec.samples;
  const time = Float64Array.from({ length: S }, (_, s) => spec.t0 + s * spec.sampleDt);
  const row = (r: number, ch: number) => Float64Array.from({ length: S }, (_, s) => traj[(r * S + s) * 2 + ch]!);
  const T = windows.seq;
  const label = spec.kind === 'label';
  const trainStarts = cells.find((c) => c.trainPredStarts)?.trainPredStarts;
  const trainIdx = label || !trainStarts ? [] : Array.from(trainStarts, (p) => p + T);
  const testIdx = label ? [] : Array.from({ length: windows.windowsPerRow - windows.trainPerRow }, (_, s) => s + windows.trainPerRow + T);
  const figCells = cells.map((c): CellFigure => ({
    cell: c.cell,
    trainLoss: c.history.map((h) => h.trainLoss),
    testLoss: c.history.map((h) => h.testLoss),
    trainPred: c.trainPred?.subarray(0, trainIdx.length),
    testPred: c.testPred?.subarray(0, testIdx.length),
    rolloutPred: c.rolloutPred,
    accuracy: label ? c.history.map((h) => h.testAccuracy ?? 0) : undefined,
    summary: c.test
      ? forecastSummary(c.test.model, {
        'vs p': `${(c.test.model.mse / c.test.persistence.mse).toFixed(3)} x persistence MSE`,
        epoch: `${c.epochs}`, time: `${c.trainSeconds.toFixed(1)} s train`, rate: `${Math.round(c.samplesPerSecond)} samples/s`,
      })
      : [`accuracy ${((c.accuracy ?? 0) * 100).toFixed(1)}%`, `CE ${(c.crossEntropy ?? 0).toFixed(4)}`, `epochs ${c.epochs}`, `train ${c.trainSeconds.toFixed(1)} s`],
  }));
  const extraRows = label
    ? [0, 1, 2].map((cls) => spec.labels!.indexOf(cls)).filter((r) => r >= 0).map((r) => ({ x: row(r, 0), label: REGIME_CLASSES[spec.labels![r]!]! }))
    : undefined;
  return renderFigure({
    title: `springloop train: ${spec.name}`,
    subtitle: `${spec.description}; seq ${T}, ${plan.config.layers} x ${plan.config.hidden}, ${plan.config.optimizer} lr ${plan.config.lr}, batch ${plan.config.batch}${label ? '' : `, target ${plan.target}`}; ${adapter}; wall ${wallSeconds.toFixed(1)} s`,
    lossLabel: label ? 'cross-entropy' : TARGET_SPECS[plan.target].lossUnits,
    time, x: row(0, 0), v: row(0, 1),
    splitTime: spec.t0 + (windows.trainPerRow + T) * spec.sampleDt,
    trainIdx, testIdx,
    rolloutIdx: cells[0]?.rolloutPred ? Array.from({ length: cells[0].rolloutPred.length }, (_, k) => windows.trainPerRow + T + k) : undefined,
    extraRows,
    cells: figCells,
  });
}
