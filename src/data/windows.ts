// windows.ts — how trajectories are cut into windows and split, decided on the host before
// any GPU work (pure arithmetic, no GPU imports).
//   Forecasting (next value / shifted sequence): every row r of S samples gives W = S − T
//   windows s = 0..W−1 (inputs s..s+T−1, next value s+T); the first ⌊f·W⌋ of each row train,
//   the rest test (a chronological split). The training span (normalisation statistics) is
//   s < ⌊f·W⌋ + T: every sample a training window reads, its target included.
//   Sequence-to-label: one window per row (its first T samples); the first ⌊f·R⌋ rows train
//   (or the data set's own trainRows).
// Window starts are flat sample indices p = r·S + s.
import { Random } from '../util/random';

/** What a window predicts: the next value, the sequence shifted by one, or the row's class label. */
export type TargetKind = 'next' | 'sequence' | 'label';

/** What planWindows() splits. */
export interface WindowPlanInput {
  /** R: rows (trajectories). */
  rows: number;
  /** S: samples per row. */
  samples: number;
  /** T: window length in samples. */
  seq: number;
  /** What each window predicts. */
  kind: TargetKind;
  /** Training fraction (default 0.75). */
  trainFraction?: number;
  /** Sequence-to-label: rows [0, trainRows) train (default ⌊trainFraction·R⌋). */
  trainRows?: number;
}

/** Training and test windows of a data set, as flat sample indices r·S + s of their first sample. */
export interface WindowPlan {
  /** R: rows (trajectories). */
  rows: number;
  /** S: samples per row. */
  samples: number;
  /** T: window length in samples. */
  seq: number;
  /** What each window predicts. */
  kind: TargetKind;
  /** Training windows' starts, in order (r-major, then s). */
  trainStarts: Uint32Array;
  /** Test windows' starts, in order. */
  testStarts: Uint32Array;
  /** Normalisation span: rows [0, statRows), samples s < statEnd. */
  statRows: number;
  /** End (exclusive) of the normalisation span within each row. */
  statEnd: number;
  /** Forecasting: windows per row and training windows per row (0 for labels). */
  windowsPerRow: number;
  /** Training windows per row (0 for labels). */
  trainPerRow: number;
}

/** Splits rows into windows; throws naming seq / samples when the data cannot hold them. */
export function planWindows(input: WindowPlanInput): WindowPlan {
  const { rows, samples, seq, kind } = input;
  const f = input.trainFraction ?? 0.75;
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`seq must be an integer >= 1, got ${seq}`);
  if (!(f > 0 && f < 1)) throw new Error(`train fraction must be in (0, 1), got ${f}`);
  if (kind === 'label') return planLabelWindows(rows, samples, seq, input.trainRows ?? Math.floor(f * rows));
  const perRow = samples - seq;
  const trainPerRow = Math.floor(f * perRow);
  if (perRow < 2 || trainPerRow < 1 || trainPerRow >= perRow) {
    throw new Error(`seq ${seq} is longer than the data allows: ${samples} samples per trajectory leave ${Math.max(perRow, 0)} windows (need a training and a test window; use seq <= ${Math.max(samples - 4, 1)})`);
  }
  const trainStarts = new Uint32Array(rows * trainPerRow);
  const testStarts = new Uint32Array(rows * (perRow - trainPerRow));
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < perRow; s++) {
      if (s < trainPerRow) trainStarts[r * trainPerRow + s] = r * samples + s;
      else testStarts[r * (perRow - trainPerRow) + s - trainPerRow] = r * samples + s;
    }
  }
  return { rows, samples, seq, kind, trainStarts, testStarts, statRows: rows, statEnd: trainPerRow + seq, windowsPerRow: perRow, trainPerRow };
}

function planLabelWindows(rows: number, samples: number, seq: number, trainRows: number): WindowPlan {
  if (seq > samples) throw new Error(`seq ${seq} is longer than the data: each trajectory has ${samples} samples`);
  if (trainRows < 1 || trainRows >= rows) throw new Error(`sequence-to-label needs training and test trajectories: ${rows} trajectories give ${trainRows} for training`);
  const starts = Uint32Array.from({ length: rows }, (_, r) => r * samples);
  return {
    rows, samples, seq, kind: 'label',
    trainStarts: starts.slice(0, trainRows), testStarts: starts.slice(trainRows),
    statRows: trainRows, statEnd: seq, windowsPerRow: 1, trainPerRow: 0,
  };
}

/**
 * The training starts in epoch `epoch`'s order: a Fisher–Yates permutation seeded from
 * (seed, epoch) alone, so a resumed run shuffles exactly as an uninterrupted one.
 */
export function epochOrder(trainStarts: Uint32Array, seed: number, epoch: number): Uint32Array {
  const rng = new Random(((seed >>> 0) * 1000003 + epoch * 7919 + 12345) >>> 0);
  const perm = rng.permutation(trainStarts.length);
  return Uint32Array.from(perm, (k) => trainStarts[k]!);
}

/** Minibatches per epoch: the last one may be partial (PyTorch's drop_last=False). */
export function batchesPerEpoch(trainCount: number, batch: number): number {
  return Math.ceil(trainCount / batch);
}
