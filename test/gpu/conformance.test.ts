// conformance.test.ts — all public PyTorch conformance cases (../shared/conformance), the
// unidirectional set and the bidirectional one, through the GPU model in float32, with both
// time-loop variants, scored by the criterion (src/conformance/gpu-runner.ts). One
// device for all cases. SPRINGLOOP_VECTORS / SPRINGLOOP_BIDIRECTIONAL_VECTORS name other files.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { parseConformanceVectors, type ConformanceCase } from '../../src/conformance/vectors';
import { formatCaseReport, runConformanceCase } from '../../src/conformance/gpu-runner';

const gpu = useGpu();
const CELLS = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'];
const SETS = [
  { name: 'PyTorch conformance vectors', perCell: 24, file: process.env.SPRINGLOOP_VECTORS ?? resolve(__dirname, '../../../shared/conformance/torch_vectors.public.json') },
  { name: 'PyTorch bidirectional conformance vectors', perCell: 12, file: process.env.SPRINGLOOP_BIDIRECTIONAL_VECTORS ?? resolve(__dirname, '../../../shared/conformance/torch_vectors.bidirectional.public.json') },
];

describe.each(SETS)('$name', ({ perCell, file }) => {
  const vectors = parseConformanceVectors(readFileSync(file, 'utf8'));

  it(`has the public cases, ${perCell} per cell`, () => {
    expect(vectors.cases.length).toBe(4 * perCell);
    for (const cell of CELLS) expect(vectors.cases.filter((c) => c.cell === cell).length).toBe(perCell);
  });

  describe.each(['step', 'persistent'] as const)('%s kernels', (variant) => {
    it.each(CELLS)('every %s case passes', async (cell) => {
      const failures: string[] = [];
      for (const c of vectors.cases.filter((k: ConformanceCase) => k.cell === cell)) {
        const report = await runConformanceCase(gpu.sched, c, { variant });
        if (!report.passed) failures.push(formatCaseReport(report));
      }
      expect(failures).toEqual([]);
    });
  });
});
