// variant.ts — which time-loop kernels 'auto' uses for a shape. The persistent variant (one
// dispatch per layer and direction) saves the per-step dispatch cost (~15–20 µs on lavapipe)
// but its inner loop runs slower there, so it wins only when a step's work is small:
// B·G·H² multiply-adds per step at most PERSISTENT_MAX_STEP_MACS (and its tiles must fit in
// workgroup memory). Measured with bench/rnn.bench.ts on lavapipe: persistent wins at the
// lectures' config (B 32, H 64: LSTM 65 vs 85 ms per training step), step wins at B 256, H 128.
import type { Scheduler } from '../gpu/scheduler';
import { chooseRecurrentTile, type RecurrentVariant } from '../kernels/recurrent';
import type { ModelConfig } from './config';
import { cellSpec } from './cells';

/** Largest recurrent work per step (B·G·H² multiply-adds) for which 'auto' picks 'persistent'. */
export const PERSISTENT_MAX_STEP_MACS = 1_048_576; // 2^20 (a literal: bundlers keep `1 << 20` as code)

/** The time-loop variant 'auto' uses for this model at this batch size on this device: 'persistent' when a step's recurrent work is small (see PERSISTENT_MAX_STEP_MACS) and its tiles fit in workgroup memory, else 'step'. */
export function pickVariant(sched: Scheduler, config: ModelConfig, batch: number): RecurrentVariant {
  const H = config.hiddenSize;
  const G = cellSpec(config.cell).gates;
  if (batch * G * H * H > PERSISTENT_MAX_STEP_MACS) return 'step';
  const limit = sched.device.limits.maxComputeWorkgroupStorageSize;
  const fits = chooseRecurrentTile('persistent', batch, H, G * H, limit, 4) !== null;
  return fits ? 'persistent' : 'step';
}
