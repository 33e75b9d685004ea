// report.ts — what a run writes: results.json (the issue's schema: adapter, dataset, one
// entry per cell, the persistence / linear baselines and each cell's MSE relative to
// persistence and to the better of the two; the forecasting target and why), details.json
// (loss curves, rollout error growth), the comparison table, and the figure's input.
import type { Metrics } from '../reference/metrics';
import type { RunPlan } from './plan';
import type { Evaluation } from '../kernels/metrics';
import type { CellName } from './config';
import type { EpochReport } from './trainer';
import { forecastSummary, renderFigure, type CellFigure } from '../report/figure';
import { REGIME_CLASSES } from '../data/datasets';
import { TARGET_SPECS } from '../data/targets';
import { renderDigitsFigure } from '../report/digits-figure';

/** What one trained cell of a run reports (src/train/node/run-cell.ts fills it). */
export interface CellOutcome {
  cell: CellName;
  epochs: number;
  trainSeconds: number;
  /** Seconds spent writing checkpoints, and on the final evaluation (with the weights' file). */
  checkpointSeconds?: number;
  evalSeconds?: number;
  samplesPerSecond: number;
  history: EpochReport[];
  /** Forecasting: test evaluation (with baselines) and predictions; training ones on a subsample. */
  test?: Evaluation;
  train?: Evaluation;
  testPred?: Float32Array;
  /** Training predictions are of a subsample of row 0's windows, starting here. */
  trainPred?: Float32Array;
  trainPredStarts?: Uint32Array;
  rolloutPred?: Float32Array;
  /** Sequence-to-label: test accuracy, mean cross-entropy, each test window's predicted class, confusion[true][predicted]. */
  accuracy?: number;
  crossEntropy?: number;
  predictions?: Uint32Array;
  confusion?: number[][];
  /** True when the run stopped early (stopAfterEpochs or a stop request) and the cell is unfinished. */
  interrupted: boolean;
  /** Cell-specific numbers for details.json (the echo state network's phases, say). */
  details?: Record<string, number>;
  /** Where the cell's last checkpoint stands (epochs completed, steps into the next), or null when it has none. */
  checkpoint?: { epoch: number; batch: number } | null;
}

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
  /** MSE over the better baseline's (persistence or linear extrapolation). */
  mse_vs_best_baseline: number | null;
  accuracy?: number;
  /** Test accuracy after each epoch (sequence-to-label). */
  accuracy_per_epoch?: number[];
  /** confusion[true class][predicted class] on the test windows (sequence-to-label). */
  confusion?: number[][];
}

export interface ResultsJson {
  adapter: string;
  dataset: string;
  results: CellResult[];
  baselines: { persistence: { mse: number; r2: number }; linear: { mse: number; r2: number } } | null;
  /** Forecasting: what the models predicted (src/data/targets.ts), whether --target auto chose it, and why. */
  target: { name: string; auto: boolean; reason: string } | null;
}

export function resultsJson(adapter: string, plan: RunPlan, cells: CellOutcome[]): ResultsJson {
  const first = cells.find((c) => c.test)?.test;
  const results = cells.map((c): CellResult => {
    const m = c.test?.model;
    const r: CellResult = {
      cell: c.cell, mse: m?.mse ?? null, rmse: m?.rmse ?? null, mae: m?.mae ?? null, r2: m?.r2 ?? null,
      train_seconds: round(c.trainSeconds, 3), epochs: c.epochs, samples_per_second: round(c.samplesPerSecond, 1),
      mse_vs_persistence: m && c.test ? m.mse / c.test.persistence.mse : null,
      mse_vs_best_baseline: m && c.test ? m.mse / Math.min(c.test.persistence.mse, c.test.linear.mse) : null,
    };
    if (c.accuracy !== undefined) {
      r.accuracy = c.accuracy;
      r.accuracy_per_epoch = c.history.map((h) => h.testAccuracy ?? 0);
      if (c.confusion) r.confusion = c.confusion;
    }
    return r;
  });
  const baselines = first ? { persistence: { mse: first.persistence.mse, r2: first.persistence.r2 }, linear: { mse: first.linear.mse, r2: first.linear.r2 } } : null;
  const target = plan.loss === 'mse'
    ? { name: plan.target, auto: plan.config.target === 'auto', reason: plan.config.target === 'auto' ? plan.spec.defaultTarget.reason : 'set by --target' }
    : null;
  return { adapter, dataset: plan.config.dataset, results, baselines, target };
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

/** A ratio for the table and the figure: 0.523, or 1.83e-3 / 1.98e+6 when far from 1. */
function ratioText(x: number): string {
  return x >= 0.01 && x < 1000 ? x.toFixed(3) : x.toExponential(2);
}

const withRmse = (m: { mse: number; r2: number }) => ({ ...m, rmse: Math.sqrt(m.mse) });

/** The comparison table printed at the end of a run. */
export function formatTable(res: ResultsJson, description: string): string {
  const target = res.target ? `target: ${res.target.name}${res.target.auto ? ` (--target auto for this data set: ${res.target.reason})` : ''}\n` : '';
  const head = `adapter: ${res.adapter}\ndataset: ${description}\n${target}`;
  if (!res.baselines) {
    const rows = res.results.map((r) => `  ${r.cell.padEnd(6)} accuracy ${((r.accuracy ?? 0) * 100).toFixed(1)}%  ${r.epochs} epochs  ${r.train_seconds.toFixed(1)} s  ${Math.round(r.samples_per_second)} samples/s${r.confusion ? `\n${formatConfusion(r.confusion)}` : ''}`);
    return head + rows.join('\n');
  }
  const fmt = (v: number | null, f: (x: number) => string) => (v === null ? '-' : f(v)).padStart(11);
  const e = (x: number) => x.toExponential(3);
  const line = (name: string, m: Pick<Metrics, 'mse' | 'r2'> & Partial<Metrics>, rel: number | null, best: number | null, extra: string) =>
    `  ${name.padEnd(12)}${fmt(m.mse, e)}${fmt(m.rmse ?? null, e)}${fmt(m.mae ?? null, e)}${fmt(m.r2, (x) => x.toFixed(6))}${fmt(rel, ratioText)}${fmt(best, ratioText).padStart(16)}${extra}`;
  const { persistence, linear } = res.baselines;
  const bestMse = Math.min(persistence.mse, linear.mse);
  const rows = [
    `  ${'model'.padEnd(12)}${'MSE'.padStart(11)}${'RMSE'.padStart(11)}${'MAE'.padStart(11)}${'R2'.padStart(11)}${'vs persist'.padStart(11)}${'÷ best baseline'.padStart(16)}   epochs  train s  samples/s`,
    line('persistence', withRmse(persistence), 1, persistence.mse / bestMse, ''),
    line('linear', withRmse(linear), linear.mse / persistence.mse, linear.mse / bestMse, ''),
    ...res.results.map((r) =>
      line(r.cell, { mse: r.mse!, rmse: r.rmse!, mae: r.mae!, r2: r.r2! }, r.mse_vs_persistence, r.mse_vs_best_baseline, `   ${(r.cell === 'esn' ? '-' : String(r.epochs)).padStart(6)} ${r.train_seconds.toFixed(1).padStart(8)} ${Math.round(r.samples_per_second).toString().padStart(10)}`),
    ),
  ];
  return head + rows.join('\n');
}

/** A confusion matrix as text: rows the true class, columns the predicted one. */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const width = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  const head = `  ${'true\\pred'.padEnd(10)}${confusion.map((_, c) => String(c).padStart(width)).join('')}`;
  return [head, ...confusion.map((row, t) => `  ${String(t).padEnd(10)}${row.map((v) => String(v).padStart(width)).join('')}`)].join('\n');
}

/** The figure of a run on an image data set (mnist-rows): curves, confusion matrix, misclassified digits. */
function digitsFigure(adapter: string, plan: RunPlan, cells: CellOutcome[], wallSeconds: number): string {
  const { spec, config: c } = plan;
  const trainRows = spec.trainRows ?? 0;
  const shape = `${c.layers} x ${c.hidden}${c.bidirectional ? ' bidirectional' : ''}${c.dropout > 0 ? `, dropout ${c.dropout}` : ''}, head ${c.head}`;
  return renderDigitsFigure({
    title: `springloop train: ${spec.name}`,
    subtitle: [spec.description, `${shape}, ${c.optimizer} lr ${c.lr} (${c.schedule}), batch ${c.batch}, seed ${c.seed}; ${adapter}; wall ${wallSeconds.toFixed(1)} s`],
    images: spec.testImages!, labels: spec.labels!.subarray(trainRows), side: spec.samples,
    cells: cells.map((o) => ({
      cell: o.cell, trainLoss: o.history.map((h) => h.trainLoss), testLoss: o.history.map((h) => h.testLoss),
      accuracy: o.history.map((h) => h.testAccuracy ?? 0), confusion: o.confusion ?? [], predictions: o.predictions ?? new Uint32Array(0),
      summary: `test accuracy ${((o.accuracy ?? 0) * 100).toFixed(2)}% after ${o.epochs} epochs; train ${o.trainSeconds.toFixed(1)} s, ${Math.round(o.samplesPerSecond)} samples/s`,
    })),
  });
}

/** The figure for a run, from the host copy of the trajectory [R, S, 2]. */
export function runFigure(adapter: string, plan: RunPlan, traj: Float32Array, cells: CellOutcome[], wallSeconds: number): string {
  if (plan.spec.testImages) return digitsFigure(adapter, plan, cells, wallSeconds);
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
        'vs p': `${ratioText(c.test.model.mse / c.test.persistence.mse)} x persistence MSE`,
        best: `${ratioText(c.test.model.mse / Math.min(c.test.persistence.mse, c.test.linear.mse))} x the best baseline's`,
        epoch: c.cell === 'esn' ? 'one pass (no epochs)' : `${c.epochs}`, time: `${c.trainSeconds.toFixed(1)} s train`, rate: `${Math.round(c.samplesPerSecond)} samples/s`,
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
