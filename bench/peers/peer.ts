// peer.ts — what every peer benchmark returns, and the workloads the recurrent peers train:
// the same shapes bench/rnn.bench.ts times for springloop, so `peer/<peer>/<name>` pairs with
// springloop's `<name>` row. Browser-safe (the bench page's peers use it too).
import type { BenchRow } from '../stats';

/** Settings a peer ran with (library versions, backend, BLAS, threads…), as shown beside its ratios. */
export type PeerSettings = Record<string, string | number>;

/** Rows of one peer, plus why rows are missing or how they were measured. */
export interface PeerResult {
  rows: BenchRow[];
  /** One line each: 'skipped: …', threading used, adapter checks, … */
  notes: string[];
  /** Settings per peer id ('torch-cpu', 'tfjs-webgpu', …) of the peers that ran. */
  settings?: Record<string, PeerSettings>;
}

/** Recurrent cells the peers train; row names use these stems (train_step/<cell>/seed). */
export type PeerCell = 'rnn' | 'lstm' | 'gru';

/** The cells every recurrent peer trains. */
export const PEER_CELLS: readonly PeerCell[] = ['rnn', 'lstm', 'gru'];

/**
 * One training workload: x [batch, steps, inputSize] → `layers` stacked recurrent layers of
 * `hidden` units → Linear(hidden, outputs) on the last step → MSE against y [batch, 1] (or
 * cross-entropy against labels [batch] in [0, outputs)) → Adam(lr). `name` is springloop's row
 * (bench/rnn.bench.ts) it pairs with.
 */
export interface PeerWorkload {
  name: string;
  cell: PeerCell;
  batch: number;
  steps: number;
  inputSize: number;
  hidden: number;
  layers: number;
  learningRate: number;
  /** Head outputs (default 1). */
  outputs?: number;
  /** Default 'mse' (one output); 'cross_entropy' over `outputs` classes. */
  loss?: 'mse' | 'cross_entropy';
}

/** The lectures' training configuration ("seed"): B 32, T 50, I 1, H 64, 2 layers, Adam 1e-3. */
export const SEED_CONFIG = Object.freeze({ batch: 32, steps: 50, inputSize: 1, hidden: 64, layers: 2, learningRate: 1e-3 });

/** bench/rnn.bench.ts's "large" LSTM: B 256, T 50, H 128, 1 layer. */
export const LARGE_CONFIG = Object.freeze({ batch: 256, steps: 50, inputSize: 1, hidden: 128, layers: 1, learningRate: 1e-3 });

/** The browser tests' "tiny" shape (bench/rnn.bench.ts TINY): seconds on SwiftShader. */
export const TINY_CONFIG = Object.freeze({ batch: 4, steps: 8, inputSize: 1, hidden: 16, layers: 1, learningRate: 1e-3 });

/** The first lecture's MNIST rows (bench/rnn.bench.ts MNIST_ROWS): B 64, 28 steps of 28 pixels, LSTM 128 → 10 classes, cross-entropy, Adam 1e-3. */
export const MNIST_ROWS_CONFIG = Object.freeze({ batch: 64, steps: 28, inputSize: 28, hidden: 128, layers: 1, learningRate: 1e-3, outputs: 10, loss: 'cross_entropy' as const });

/** springloop's and the PyTorch peer's train step on the MNIST-rows LSTM (`springloop train --dataset mnist-rows`). */
export const MNIST_ROWS_WORKLOAD: PeerWorkload = /* @__PURE__ */ Object.freeze({ name: 'train_step/lstm/mnist-rows', cell: 'lstm', ...MNIST_ROWS_CONFIG });

/** The workload of one cell at one configuration, named as springloop's row train_step/<cell>/<config>. */
export function workload(cell: PeerCell, config: 'seed' | 'large' | 'tiny'): PeerWorkload {
  const shape = config === 'seed' ? SEED_CONFIG : config === 'large' ? LARGE_CONFIG : TINY_CONFIG;
  return { name: `train_step/${cell}/${config}`, cell, ...shape };
}

/** Seed-config workloads of every cell (what TF.js and jax-js train). */
export const SEED_WORKLOADS: readonly PeerWorkload[] = PEER_CELLS.map((c) => workload(c, 'seed'));

/** What PyTorch trains: every cell at the seed config, the large LSTM and the MNIST-rows LSTM. */
export const TORCH_WORKLOADS: readonly PeerWorkload[] = [...SEED_WORKLOADS, workload('lstm', 'large'), MNIST_ROWS_WORKLOAD];

/** Seeded inputs and targets for one training batch: x [B, T, I] and y [B, 1], row-major. */
export function peerBatch(w: PeerWorkload, rand: { normal(): number }): { x: Float32Array; y: Float32Array } {
  const x = Float32Array.from({ length: w.batch * w.steps * w.inputSize }, () => rand.normal());
  const y = Float32Array.from({ length: w.batch }, () => rand.normal());
  return { x, y };
}

/** 'lstm×2(64), B32 T50, adam 0.001': a workload in a few words, for row notes. */
export function describeWorkload(w: PeerWorkload): string {
  const loss = w.loss === 'cross_entropy' ? `cross-entropy over ${w.outputs ?? 1}` : 'mse';
  return `${w.cell}×${w.layers}(${w.hidden}) + linear(${w.outputs ?? 1}), B${w.batch} T${w.steps} I${w.inputSize}, ${loss}, adam ${w.learningRate}`;
}
