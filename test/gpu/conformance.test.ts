// conformance.test.ts — all public PyTorch conformance cases (../shared/conformance) through
// the GPU model in float32, with both time-loop variants, scored by the criterion
// (src/conformance/gpu-runner.ts). One device for all cases.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { parseConformanceVectors, type ConformanceCase } from '../../src/conformance/vectors';
import { formatCaseReport, runConformanceCase } from '../../src/conformance/gpu-runner';

const gpu = useGpu();
const FILE = process.env.SPRINGLOOP_VECTORS ?? resolve(__dirname, '../../../shared/conformance/torch_vectors.public.json');
const vectors = parseConformanceVectors(readFileSync(FILE, 'utf8'));

describe('PyTorch conformance vectors', () => {
  it('has the 96 public cases, 24 per cell', () => {
    expect(vectors.cases.length).toBe(96);
    for (const cell of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) expect(vectors.cases.filter((c) => c.cell === cell).length).toBe(24);
  });

  describe.each(['step', 'persistent'] as const)('%s kernels', (variant) => {
    it.each(['rnn_tanh', 'rnn_relu', 'lstm', 'gru'])('every %s case passes', async (cell) => {
      const failures: string[] = [];
      for (const c of vectors.cases.filter((k: ConformanceCase) => k.cell === cell)) {
        const report = await runConformanceCase(gpu.sched, c, { variant });
        if (!report.passed) failures.push(formatCaseReport(report));
      }
      expect(failures).toEqual([]);
    });
  });
});
