import { describe, expect, it } from 'vitest';
import { formatTable, resultsJson, rolloutGrowth } from '../../src/train/report';
import { planRun } from '../../src/train/plan';
import { mergeConfig } from '../../src/train/config';
import type { CellOutcome } from '../../src/train/report';
import { ProgressBar, formatDuration, formatProgress } from '../../src/cli/progress';

const m = (mse: number, r2: number) => ({ mse, rmse: Math.sqrt(mse), mae: Math.sqrt(mse) / 2, r2 });

function outcome(cell: 'rnn' | 'lstm', mse: number): CellOutcome {
  return {
    cell, epochs: 4, trainSeconds: 12.3456, samplesPerSecond: 1234.56, history: [], interrupted: false,
    test: { model: m(mse, 0.9999), persistence: m(1.2e-6, 0.99999), linear: m(6e-13, 1) },
  };
}

describe('results.json', () => {
  it('has the issue schema, baselines, and MSE relative to persistence', () => {
    const res = resultsJson('llvmpipe', planRun(mergeConfig()), [outcome('rnn', 2.4e-6), outcome('lstm', 3e-7)]);
    expect(Object.keys(res)).toEqual(['adapter', 'dataset', 'results', 'baselines', 'target']);
    expect(res.target).toEqual({ name: 'residual', auto: true, reason: expect.stringContaining('linear extrapolation') });
    expect(res.dataset).toBe('oscillator');
    expect(Object.keys(res.results[0]!)).toEqual(['cell', 'mse', 'rmse', 'mae', 'r2', 'train_seconds', 'epochs', 'samples_per_second', 'mse_vs_persistence', 'mse_vs_best_baseline']);
    expect(res.results[0]!.mse_vs_persistence).toBeCloseTo(2, 12);
    expect(res.results[1]!.mse_vs_best_baseline).toBeCloseTo(5e5, 6); // linear extrapolation is the better baseline
    expect(res.results[1]!.mse_vs_persistence).toBeCloseTo(0.25, 12);
    expect(res.results[0]!.train_seconds).toBe(12.346);
    expect(res.baselines).toEqual({ persistence: { mse: 1.2e-6, r2: 0.99999 }, linear: { mse: 6e-13, r2: 1 } });
    const table = formatTable(res, 'the oscillator');
    expect(table).toContain('adapter: llvmpipe');
    expect(table).toMatch(/persistence\s+1\.200e-6/);
    expect(table).toMatch(/lstm\s+3\.000e-7 .* 0\.250 +5\.00e\+5/);
    expect(table).toContain('÷ best baseline');
    expect(table).toMatch(/linear +6\.000e-13 .* 5\.00e-7 +1\.000/);
    expect(table).toContain('target: residual (--target auto for this data set: a finely sampled ODE solution');
  });

  it('rollout error growth is the RMSE over the first 1, 10, 100 … steps', () => {
    const truth = new Array(150).fill(0);
    const pred = Array.from({ length: 150 }, (_, k) => (k < 10 ? 0 : 1));
    expect(rolloutGrowth(pred, truth)).toEqual([
      { steps: 1, rmse: 0 }, { steps: 10, rmse: 0 }, { steps: 100, rmse: Math.sqrt(90 / 100) }, { steps: 150, rmse: Math.sqrt(140 / 150) },
    ]);
  });
});

describe('progress', () => {
  it('formats epoch, loss, samples/s and ETA', () => {
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatProgress({ label: 'lstm', epoch: 3, epochs: 12, loss: 0.00123, samplesPerSecond: 4520.4, etaSeconds: 42 })).toBe(
      'lstm  epoch 3/12  loss 1.23e-3  4,520 samples/s  ETA 0:42',
    );
  });

  it('writes plain lines when not a TTY and redraws one line on a TTY', () => {
    const out: string[] = [];
    const u = { label: 'gru', epoch: 1, epochs: 2, loss: 1, samplesPerSecond: 10, etaSeconds: 1 };
    const plain = new ProgressBar({ isTTY: false, write: (s) => out.push(s) });
    plain.update(u);
    plain.done();
    expect(out).toEqual([`${formatProgress(u)}\n`]);
    out.length = 0;
    const tty = new ProgressBar({ isTTY: true, columns: 200, write: (s) => out.push(s) });
    tty.update(u);
    tty.done();
    expect(out[0]).toMatch(/^\r\x1b\[2K\[#{12}-{12}\] gru/);
    expect(out[1]).toBe('\n');
  });
});
