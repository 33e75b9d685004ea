// peer.ts — what every peer benchmark returns, and the lectures' "seed" configuration the
// recurrent peers train (the same one bench/rnn.bench.ts times for springloop).
import type { BenchRow } from '../stats';

/** Rows of one peer, plus why rows are missing or how they were measured. */
export interface PeerResult {
  rows: BenchRow[];
  /** One line each: 'skipped: …', threading used, adapter checks, … */
  notes: string[];
}

/** Recurrent cells the peers train; row names use these stems (train_step/<cell>/seed). */
export type PeerCell = 'rnn' | 'lstm' | 'gru';

export const PEER_CELLS: readonly PeerCell[] = ['rnn', 'lstm', 'gru'];

/**
 * The lectures' training configuration: x [batch, steps, inputSize], `layers` stacked
 * recurrent layers of `hidden` units, Dense(1) on the last step, MSE, Adam(learningRate).
 */
export const SEED_CONFIG = Object.freeze({
  batch: 32,
  steps: 50,
  inputSize: 1,
  hidden: 64,
  layers: 2,
  learningRate: 1e-3,
});

/** Seeded inputs and targets for one training batch: x [B, T, I] and y [B, 1], row-major. */
export function seedBatch(rand: { normal(): number }): { x: Float32Array; y: Float32Array } {
  const { batch, steps, inputSize } = SEED_CONFIG;
  const x = Float32Array.from({ length: batch * steps * inputSize }, () => rand.normal());
  const y = Float32Array.from({ length: batch }, () => rand.normal());
  return { x, y };
}
