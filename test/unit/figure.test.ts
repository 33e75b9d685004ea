import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { renderFigure, forecastSummary, type FigureInput } from '../../src/report/figure';
import { niceTicks, histogram, tickLabel, escapeXml, logTicks } from '../../src/report/svg';

function input(cells: string[]): FigureInput {
  const S = 400;
  const time = Array.from({ length: S }, (_, s) => 0.05 * s);
  const x = time.map((t) => Math.sin(t));
  const v = time.map((t) => Math.cos(t));
  const testIdx = Array.from({ length: 90 }, (_, k) => 310 + k);
  return {
    title: 'springloop train: sine', subtitle: 'a <test> & run', lossLabel: 'MSE', time, x, v, splitTime: time[310]!,
    trainIdx: Array.from({ length: 260 }, (_, k) => 50 + k), testIdx, rolloutIdx: testIdx,
    cells: cells.map((cell) => ({
      cell, trainLoss: [1, 0.1, 0.01], testLoss: [2, 0.2, 0.05],
      testPred: testIdx.map((s) => x[s]! + 0.01), trainPred: Array.from({ length: 260 }, (_, k) => x[50 + k]!),
      rolloutPred: testIdx.map((s) => 0.9 * x[s]!),
      summary: forecastSummary({ mse: 1e-4, rmse: 1e-2, mae: 1e-2, r2: 0.999 }, { epoch: '3' }),
    })),
  };
}

describe('figure', () => {
  it('draws six panels per cell, escapes text, and is one <svg> document', () => {
    const svg = renderFigure(input(['rnn', 'lstm']));
    if (process.env.FIGURE_OUT) writeFileSync(process.env.FIGURE_OUT, svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const title of ['RNN: trajectory', 'LSTM: trajectory', 'phase space', 'loss (log scale)', 'predictions vs truth', 'test error distribution', 'LSTM: summary']) {
      expect(svg).toContain(title);
    }
    expect(svg.match(/loss \(log scale\)/g)).toHaveLength(2);
    expect(svg).toContain('a &lt;test&gt; &amp; run');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('ticks, labels and histograms', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-3, 7, 5)).toEqual([-2, 0, 2, 4, 6]);
    expect(tickLabel(0.00012)).toBe('1e-4');
    expect(tickLabel(2.5)).toBe('2.5');
    const h = histogram([0, 1, 1, 2, 3], 3);
    expect(h.counts.reduce((a, b) => a + b)).toBe(5);
    expect(h.edges).toHaveLength(4);
    expect(escapeXml('"a"')).toBe('&quot;a&quot;');
    expect(logTicks(-6.2, -1.5)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2]);
    expect(logTicks(Math.log10(0.3), Math.log10(1.5))).toEqual([0.5, 1]);
    expect(logTicks(Math.log10(0.75), Math.log10(1.6)).length).toBeGreaterThanOrEqual(2);
  });
});
