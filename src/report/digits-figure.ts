// digits-figure.ts — the figure of a run on an image data set read row by row (mnist-rows):
// per cell, the training and test cross-entropy per epoch, the test accuracy per epoch, the
// confusion matrix of the test set, and a few misclassified test digits with their true and
// predicted classes. One hand-written SVG (svg.ts primitives).
import { Plot, extent, text, type Box } from './svg';

/** One trained cell as the figure draws it. */
export interface DigitsCellFigure {
  cell: string;
  trainLoss: readonly number[];
  testLoss: readonly number[];
  /** Test accuracy after each epoch, in [0, 1]. */
  accuracy: readonly number[];
  /** confusion[true][predicted] over the test set. */
  confusion: readonly (readonly number[])[];
  /** Predicted class of each test image. */
  predictions: ArrayLike<number>;
  summary: string;
}

/** What renderDigitsFigure draws. */
export interface DigitsFigureInput {
  title: string;
  /** Lines under the title (the data set, then the run's settings). */
  subtitle: readonly string[];
  /** Test images [N, side·side] with values in [0, 1], and their classes. */
  images: Float32Array;
  labels: ArrayLike<number>;
  side: number;
  cells: DigitsCellFigure[];
}

const W = 300;
const H = 210;
const ROW = 430; // one cell: the three panels, its summary line and a row of digits
const r1 = (v: number): string => (Math.round(v * 10) / 10).toString();

function box(row: number, col: number): Box {
  return { x: 70 + col * (W + 70), y: 90 + row * ROW, w: W, h: H };
}

function curves(c: DigitsCellFigure, row: number): string {
  const epochs = c.trainLoss.map((_, e) => e + 1);
  const loss = new Plot(box(row, 0), [1, Math.max(2, epochs.length)], extent([0], c.trainLoss, c.testLoss), { title: `${c.cell.toUpperCase()}: cross-entropy`, xLabel: 'epoch', yLabel: 'loss' });
  loss.line(epochs, c.trainLoss, '#1f5fbf', 1.5);
  loss.line(epochs, c.testLoss, '#d62728', 1.5);
  loss.legend([['train', '#1f5fbf'], ['test', '#d62728']]);
  const pct = c.accuracy.map((a) => 100 * a);
  const acc = new Plot(box(row, 1), [1, Math.max(2, epochs.length)], extent(pct, [Math.min(100, Math.max(...pct) + 1)]), { title: 'test accuracy (%)', xLabel: 'epoch', yLabel: '%' });
  acc.line(epochs, pct, '#2ca02c', 1.8);
  return loss.svg() + acc.svg() + text(box(row, 0).x, box(row, 0).y + H + 42, c.summary, { size: 11 });
}

function confusionPanel(c: DigitsCellFigure, row: number): string {
  const b = box(row, 2);
  const k = c.confusion.length;
  const cell = Math.min(b.w, b.h) / k;
  const max = Math.max(1, ...c.confusion.map((r, t) => Math.max(...r.filter((_, p) => p !== t), 0)));
  const parts = [text(b.x + (k * cell) / 2, b.y - 7, 'confusion (rows true, columns predicted)', { size: 12, anchor: 'middle', weight: 'bold' })];
  c.confusion.forEach((rowCounts, t) => rowCounts.forEach((v, p) => {
    const fill = t === p ? `rgba(44,160,44,${0.25 + 0.6 * Math.min(1, v / Math.max(1, ...rowCounts))})` : `rgba(214,39,40,${Math.min(1, v / max)})`;
    parts.push(`<rect x="${r1(b.x + p * cell)}" y="${r1(b.y + t * cell)}" width="${r1(cell)}" height="${r1(cell)}" fill="${fill}" stroke="#ccc" stroke-width="0.4"/>`);
    if (v > 0) parts.push(text(b.x + (p + 0.5) * cell, b.y + (t + 0.65) * cell, String(v), { size: 8, anchor: 'middle' }));
  }));
  for (let i = 0; i < k; i++) {
    parts.push(text(b.x + (i + 0.5) * cell, b.y + k * cell + 11, String(i), { size: 9, anchor: 'middle' }));
    parts.push(text(b.x - 5, b.y + (i + 0.65) * cell, String(i), { size: 9, anchor: 'end' }));
  }
  return parts.join('\n');
}

/** Up to `count` misclassified test digits, pixels as grey squares, "true → predicted" under each. */
function misclassified(f: DigitsFigureInput, c: DigitsCellFigure, row: number, count = 10): string {
  const wrong: number[] = [];
  for (let k = 0; k < f.labels.length && wrong.length < count; k++) if (c.predictions[k] !== f.labels[k]) wrong.push(k);
  const y0 = 90 + row * ROW + H + 60;
  const px = 2;
  const parts = [text(70, y0 - 6, wrong.length ? 'misclassified test digits (true → predicted)' : 'no misclassified test digits', { size: 11, weight: 'bold' })];
  wrong.forEach((k, i) => {
    const x0 = 70 + i * (f.side * px + 22);
    parts.push(`<rect x="${x0}" y="${y0}" width="${f.side * px}" height="${f.side * px}" fill="#fff" stroke="#999" stroke-width="0.5"/>`);
    for (let p = 0; p < f.side * f.side; p++) {
      const v = f.images[k * f.side * f.side + p]!;
      if (v > 0.05) parts.push(`<rect x="${x0 + (p % f.side) * px}" y="${y0 + Math.floor(p / f.side) * px}" width="${px}" height="${px}" fill="#000" fill-opacity="${v.toFixed(2)}"/>`);
    }
    parts.push(text(x0 + (f.side * px) / 2, y0 + f.side * px + 12, `${f.labels[k]} → ${c.predictions[k]}`, { size: 10, anchor: 'middle' }));
  });
  return parts.join('\n');
}

/** The whole figure: one block of panels per cell. */
export function renderDigitsFigure(f: DigitsFigureInput): string {
  const height = 100 + f.cells.length * ROW;
  const body = f.cells.map((c, i) => curves(c, i) + confusionPanel(c, i) + misclassified(f, c, i)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="1120" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
    text(560, 26, f.title, { size: 16, anchor: 'middle', weight: 'bold' }),
    ...f.subtitle.map((line, i) => text(560, 44 + 13 * i, line, { size: 10, anchor: 'middle' })),
    body,
    '</svg>',
  ].join('\n');
}
