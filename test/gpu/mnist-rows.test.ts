// mnist-rows.test.ts — a short `springloop train --dataset mnist-rows` run on the adapter Node
// finds (a subset: 200 digits of each class, one epoch): it learns (test accuracy far above
// the 10 % of chance), and writes the accuracy, the confusion matrix and the digits figure.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining } from '../../src/train/node/run';
import { mergeConfig } from '../../src/train/config';

describe('mnist-rows', () => {
  it('one epoch on a subset learns the digits, and the run reports accuracy and confusion', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'mnist-'));
    const config = mergeConfig({ dataset: 'mnist-rows', rows: 2000, epochs: 1, hidden: 64, lr: 0.005, checkpointEvery: 0 });
    const run = await runTraining({ config, outDir, resume: false });
    const cell = run.cells[0]!;
    expect(cell.history[0]!.testAccuracy).toBeGreaterThan(0.4);
    expect(cell.accuracy).toBe(cell.history[0]!.testAccuracy);
    const results = JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'));
    const confusion = results.results[0].confusion as number[][];
    expect(confusion).toHaveLength(10);
    expect(confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(new Array(10).fill(40)); // 20 % of 200 per class
    const correct = confusion.reduce((a, row, c) => a + row[c]!, 0);
    expect(correct / 400).toBeCloseTo(results.results[0].accuracy, 6);
    const figure = await readFile(join(outDir, 'figure.svg'), 'utf8');
    expect(figure).toContain('confusion (rows true, columns predicted)');
    expect(figure).toContain('misclassified test digits');
  });
});
