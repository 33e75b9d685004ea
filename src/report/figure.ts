// figure.ts — the run's figure as one hand-written SVG: per cell, the lecture's panel figure
// (trajectory with the train/test split, phase space, train and test loss on a log scale,
// predictions against the truth with the closed-loop rollout, the test-error histogram,
// and a summary), a 2 × 3 block of panels per cell, cells one under another.
import { Plot, extent, histogram, text, type Box } from './svg';
import type { Metrics } from '../reference/metrics';

export interface CellFigure {
  cell: string;
  trainLoss: readonly number[];
  testLoss: readonly number[];
  /** Forecasting: one-step predictions at sample indices trainIdx / testIdx (row 0). */
  trainPred?: ArrayLike<number>;
  testPred?: ArrayLike<number>;
  /** Closed-loop rollout predictions at sample indices rolloutIdx. */
  rolloutPred?: ArrayLike<number>;
  /** Sequence-to-label: test accuracy per epoch. */
  accuracy?: readonly number[];
  summary: readonly string[];
}

export interface FigureInput {
  title: string;
  subtitle: string;
  /** Row 0 of the trajectory: time, x and v per sample. */
  time: ArrayLike<number>;
  x: ArrayLike<number>;
  v: ArrayLike<number>;
  /** What the loss curves measure (their y label). */
  lossLabel: string;
  /** Time of the first test target. */
  splitTime: number;
  trainIdx?: ArrayLike<number>;
  testIdx?: ArrayLike<number>;
  rolloutIdx?: ArrayLike<number>;
  /** Label data sets: a few more rows to draw, with their class names. */
  extraRows?: { x: ArrayLike<number>; label: string }[];
  cells: CellFigure[];
}

const PANEL_W = 330;
const PANEL_H = 200;
const GAP_X = 80;
const ROW_H = 265; // one row of three panels; a cell takes two rows (the lecture's 2 × 3 figure)
const CELL_H = 2 * ROW_H + 25;
const TOP = 70;
const COLORS = { train: '#1f5fbf', test: '#d62728', pred: '#2ca02c', testPred: '#ff7f0e', roll: '#8c2d9c' };
const CLASS_COLORS = ['#1f5fbf', '#2ca02c', '#d62728'];

/** Panel k (0..5) of cell `cell`: row k / 3, column k % 3 of the cell's 2 × 3 block. */
function boxAt(cell: number, k: number): Box {
  return { x: 70 + (k % 3) * (PANEL_W + GAP_X), y: TOP + cell * CELL_H + Math.floor(k / 3) * ROW_H + 40, w: PANEL_W, h: PANEL_H };
}

function pick(src: ArrayLike<number>, idx: ArrayLike<number>): number[] {
  return Array.from({ length: idx.length }, (_, i) => src[idx[i]!]!);
}

function trajectoryPanel(f: FigureInput, cell: string, row: number): string {
  const ys = [f.x, ...(f.extraRows ?? []).map((r) => r.x)];
  const p = new Plot(boxAt(row, 0), extent(f.time), extent(...ys), { title: `${cell.toUpperCase()}: trajectory`, xLabel: 'time', yLabel: 'x' });
  if (f.extraRows) {
    f.extraRows.forEach((r, i) => p.line(f.time, r.x, CLASS_COLORS[i % 3]!, 0.8));
    p.legend(f.extraRows.map((r, i) => [r.label, CLASS_COLORS[i % 3]!] as [string, string]));
  } else {
    p.line(f.time, f.x, COLORS.train);
    p.vline(f.splitTime, COLORS.test);
    p.legend([['x(t)', COLORS.train], ['train/test', COLORS.test]]);
  }
  return p.svg();
}

function phasePanel(f: FigureInput, row: number): string {
  const p = new Plot(boxAt(row, 1), extent(f.x), extent(f.v), { title: 'phase space', xLabel: 'x', yLabel: 'v' });
  p.line(f.x, f.v, COLORS.train, 0.7);
  return p.svg();
}

function lossPanel(f: FigureInput, c: CellFigure, row: number): string {
  const all = [...c.trainLoss, ...c.testLoss].filter((v) => v > 0 && Number.isFinite(v));
  const lo = all.length ? Math.min(...all) : 1e-6;
  const hi = all.length ? Math.max(...all) : 1;
  const epochs = Math.max(c.trainLoss.length, 1);
  const p = new Plot(boxAt(row, 2), [1, Math.max(epochs, 2)], [lo / 1.5, hi * 1.5], { title: 'loss (log scale)', xLabel: 'epoch', yLabel: f.lossLabel, logY: true });
  const ep = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  // One epoch (an echo state network's single fit) is a point, drawn as a short tick.
  const series = (v: readonly number[]) => (v.length === 1 ? [[1, 1.06], [v[0]!, v[0]!]] : [ep(v.length), v]) as [number[], readonly number[]];
  p.line(...series(c.trainLoss), COLORS.train, 1.6);
  p.line(...series(c.testLoss), COLORS.test, 1.6);
  p.legend([['train', COLORS.train], ['test', COLORS.test]]);
  return p.svg();
}

function predictionPanel(f: FigureInput, c: CellFigure, row: number): string {
  if (c.accuracy) {
    const p = new Plot(boxAt(row, 3), [1, Math.max(c.accuracy.length, 2)], [0, 1], { title: 'test accuracy', xLabel: 'epoch', yLabel: 'accuracy' });
    p.line(c.accuracy.map((_, i) => i + 1), c.accuracy, COLORS.pred, 1.6);
    return p.svg();
  }
  const tr = f.trainIdx ?? [];
  const te = f.testIdx ?? [];
  const time = (idx: ArrayLike<number>) => pick(f.time, idx);
  const p = new Plot(boxAt(row, 3), extent(f.time), extent(f.x), { title: 'predictions vs truth', xLabel: 'time', yLabel: 'x' });
  p.line(time(tr), pick(f.x, tr), COLORS.train, 1.6, undefined, 0.45);
  p.line(time(te), pick(f.x, te), COLORS.test, 1.6, undefined, 0.45);
  if (c.trainPred) p.line(time(tr), c.trainPred, COLORS.pred, 0.9);
  if (c.testPred) p.line(time(te), c.testPred, COLORS.testPred, 0.9);
  const legend: [string, string][] = [['train true', COLORS.train], ['test true', COLORS.test], ['train pred', COLORS.pred], ['test pred', COLORS.testPred]];
  if (c.rolloutPred && f.rolloutIdx) {
    p.line(time(f.rolloutIdx), c.rolloutPred, COLORS.roll, 1.2);
    legend.push(['closed loop', COLORS.roll]);
  }
  p.legend(legend);
  return p.svg();
}

function errorPanel(f: FigureInput, c: CellFigure, row: number): string {
  if (!c.testPred || !f.testIdx) return '';
  const truth = pick(f.x, f.testIdx);
  const errors = Array.from({ length: truth.length }, (_, i) => c.testPred![i]! - truth[i]!);
  const { edges, counts } = histogram(errors, 30);
  const p = new Plot(boxAt(row, 4), [edges[0]!, edges[edges.length - 1]!], [0, Math.max(...counts, 1) * 1.1], { title: 'test error distribution', xLabel: 'prediction error', yLabel: 'count' });
  p.bars(edges, counts, '#4c72b0');
  if (edges[0]! <= 0 && edges[edges.length - 1]! >= 0) p.vline(0, COLORS.test);
  return p.svg();
}

function summaryPanel(c: CellFigure, row: number): string {
  const b = boxAt(row, 5);
  const lines = [text(b.x, b.y - 7, `${c.cell.toUpperCase()}: summary`, { size: 12, weight: 'bold' })];
  c.summary.forEach((s, i) => lines.push(text(b.x, b.y + 12 + 14 * i, s, { size: 10.5, family: 'monospace' })));
  return lines.join('\n');
}

/** Summary lines for a forecasting cell. */
export function forecastSummary(m: Metrics, extra: Record<string, string>): string[] {
  return [
    `MSE   ${m.mse.toExponential(3)}`,
    `RMSE  ${m.rmse.toExponential(3)}`,
    `MAE   ${m.mae.toExponential(3)}`,
    `R2    ${m.r2.toFixed(6)}`,
    ...Object.entries(extra).map(([k, v]) => `${k.padEnd(5)} ${v}`),
  ];
}

/** The whole figure as an SVG document. */
export function renderFigure(f: FigureInput): string {
  const width = 70 + 3 * (PANEL_W + GAP_X);
  const height = TOP + f.cells.length * CELL_H + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
    text(20, 28, f.title, { size: 18, weight: 'bold' }),
    text(20, 48, f.subtitle, { size: 11, fill: '#444' }),
  ];
  f.cells.forEach((c, row) => {
    const y = TOP + row * CELL_H + 8;
    parts.push(`<line x1="20" y1="${y}" x2="${width - 20}" y2="${y}" stroke="#bbb"/>`);
    parts.push(trajectoryPanel(f, c.cell, row), phasePanel(f, row), lossPanel(f, c, row), predictionPanel(f, c, row), errorPanel(f, c, row), summaryPanel(c, row));
  });
  parts.push('</svg>');
  return parts.filter((s) => s !== '').join('\n');
}
