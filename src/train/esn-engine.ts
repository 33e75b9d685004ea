// esn-engine.ts — the small interface through which an echo state network plugs into the
// Forecaster (cell 'esn'). The network itself lives in src/esn/ and ships as its own entry,
// 'springloop/esn', so apps that never use it do not carry it (~30 KB):
//   import { Forecaster } from 'springloop';
//   import { esn } from 'springloop/esn';
//   Forecaster.use(esn);                                   // once, before any cell 'esn'
// Nothing here draws or solves anything: it is the seam, and the registry of the one engine.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuWindows } from '../data/gpu-data';
import type { Evaluation } from '../kernels/metrics';
import type { SeriesView } from '../kernels/windows';
import type { DecodedSafetensors } from '../io/safetensors';
import type { EsnSettings } from '../esn/config';
import type { EpochReport } from './trainer';

/** What a Forecaster asks of its echo state network (src/esn/esn-forecast.ts's EsnForecast). */
export interface EsnCore {
  /** True once the readout is fitted (or loaded). */
  readonly fitted: boolean;
  /** Drives the reservoir over the windows' series and solves the readout. */
  fit(): Promise<unknown>;
  /** Drives the reservoir only (a loaded readout). */
  drive(): Promise<unknown>;
  /** One-step predictions of windows with the baselines. */
  evaluate(which: 'test' | 'trainInOrder'): Promise<{ evaluation: Evaluation; pred: Float32Array }>;
  /** The closed loop over row 0's test span. */
  rollout(steps: number): Promise<Float32Array>;
  /** Drives over a series, then `steps` closed-loop predictions after its end. */
  forecastAfter(series: SeriesView, steps: number): Promise<Float32Array>;
  /** fit(), then its training and test MSE in the target's normalised units. */
  fitReport(): Promise<EpochReport>;
  /** The network as safetensors bytes with the given metadata. */
  save(metadata: Record<string, string>): Promise<Uint8Array>;
  /** Frees its GPU buffers. */
  destroy(): void;
}

/** What 'springloop/esn' hands to Forecaster.use(). */
export interface EsnEngine {
  /** Checks a saved file's tensors against N and F (before any GPU work); returns what create() restores. */
  readFile(file: DecodedSafetensors, units: number, features: number): unknown;
  /** Builds a network over `windows` — drawn from the seed, or restored from readFile()'s result. */
  create(sched: Scheduler, windows: GpuWindows, settings: EsnSettings, seed: number, saved?: unknown): Promise<EsnCore>;
}

let registered: EsnEngine | null = null;

/** Makes `engine` the one cell 'esn' uses. */
export function useEsnEngine(engine: EsnEngine): void {
  if (typeof engine !== 'object' || engine === null || typeof engine.create !== 'function' || typeof engine.readFile !== 'function') {
    throw new Error("Forecaster.use: expected { esn } of 'springloop/esn'");
  }
  registered = engine;
}

/** The registered engine, or a clear error naming the import that provides it. */
export function esnEngine(): EsnEngine {
  if (!registered) {
    throw new Error("Forecaster: cell 'esn' needs import { esn } from 'springloop/esn' and Forecaster.use(esn)");
  }
  return registered;
}
