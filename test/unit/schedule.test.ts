import { describe, expect, it } from 'vitest';
import { formatSchedule, learningRate, parseSchedule } from '../../src/train/schedule';

describe('learning-rate schedules', () => {
  it('constant keeps the base rate', () => {
    const s = parseSchedule('constant');
    expect([0, 1, 99].map((e) => learningRate(s, 0.01, e, 100))).toEqual([0.01, 0.01, 0.01]);
  });

  it('step multiplies by G every S epochs (StepLR)', () => {
    const s = parseSchedule('step:3:0.5');
    expect([0, 2, 3, 5, 6, 9].map((e) => learningRate(s, 1, e, 10))).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('cosine starts at base, halves mid-way, reaches the minimum at T_max (CosineAnnealingLR)', () => {
    const s = parseSchedule('cosine:0.1');
    expect(learningRate(s, 1, 0, 10)).toBe(1);
    expect(learningRate(s, 1, 5, 10)).toBeCloseTo(0.55, 12);
    expect(learningRate(s, 1, 10, 10)).toBeCloseTo(0.1, 12);
    const lrs = Array.from({ length: 10 }, (_, e) => learningRate(parseSchedule('cosine'), 1, e, 10));
    for (let e = 1; e < 10; e++) expect(lrs[e]!).toBeLessThan(lrs[e - 1]!);
  });

  it('round-trips through its spec string', () => {
    for (const spec of ['constant', 'step:10:0.1', 'cosine', 'cosine:0.001']) expect(formatSchedule(parseSchedule(spec))).toBe(spec);
  });

  it.each([
    ['linear', /must be 'constant', 'step:S:G' or 'cosine\[:MIN\]', got 'linear'/],
    ['step:0:0.5', /step size must be an integer >= 1, got 0/],
    ['step:2:x', /factor G must be a finite number, got 'x'/],
    ['step:2', /got 'step:2'/],
    ['cosine:-1', /minimum lr must be >= 0, got -1/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseSchedule(spec)).toThrow(message);
  });
});
