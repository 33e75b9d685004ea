// options.ts — what RecurrentModel's methods take and return (options, outputs, loss
// targets), apart from the class so that checks.ts and the class both read them.
import type { GpuTensor } from '../gpu/tensor';
import type { RecurrentTile, RecurrentVariant } from '../kernels/recurrent';

/** What the model output is compared with. */
export type LossTarget =
  | { kind: 'mse'; /** f32, same shape as out. */ target: GpuTensor }
  | { kind: 'cross_entropy'; /** u32 class indices: [B] (last-step head) or [B, T] (every step). */ labels: GpuTensor };

/** Options of RecurrentModel.create(). */
export interface RecurrentModelOptions {
  /** Seed of PyTorch's default initialisation U(±1/√H). Default 0. */
  seed?: number;
  /** Time-loop kernels: 'auto' (per shape), one dispatch per 'step', or 'persistent'. */
  variant?: RecurrentVariant | 'auto';
  /** Fixed tile of the time-loop kernels (benchmarks); default chosen per shape. */
  tile?: RecurrentTile;
  /** Distinct workspaces kept (one per (batch, seqLen)). Default 4. */
  maxWorkspaces?: number;
}

/** Initial states of RecurrentModel.forward(). */
export interface ForwardOptions {
  /** [L, B, H] initial hidden state (zeros when absent). */
  h0?: GpuTensor | null;
  /** [L, B, H] initial cell state (LSTM only; zeros when absent). */
  c0?: GpuTensor | null;
}

/** Views into the workspace: valid until the next forward of the same (batch, seqLen). */
export interface ForwardOutputs {
  /** [B, T, O] (every-step head) or [B, O] (last-step head). */
  out: GpuTensor;
  /** [B, T, H]. */
  rnnOut: GpuTensor;
  /** [L, B, H]; cN is null except for LSTM. */
  hN: GpuTensor;
  /** [L, B, H] final cell states (LSTM), else null. */
  cN: GpuTensor | null;
}

/** Options of RecurrentModel.backward() and lossAndBackward(). */
export interface BackwardOptions {
  /** [L, B, H] gradients arriving at the final states (e.g. from a later TBPTT chunk). */
  dhN?: GpuTensor | null;
  /** [L, B, H] gradients arriving at the final cell states (LSTM only). */
  dcN?: GpuTensor | null;
  /** Back-propagate through the last `truncate` steps only (truncated BPTT). Default all. */
  truncate?: number;
  /** Add to the gradient arena instead of overwriting it. Default false. */
  accumulate?: boolean;
  /**
   * Also record gradient norms through time (Pascanu et al. 2013): the backward kernels keep
   * d loss / d h_t (and c_t) and one reduction per layer turns them into `gradNorms`. Nothing
   * is read back until you read that tensor. Default false.
   */
  gradNorms?: boolean;
}

/** Gradients with respect to the inputs and initial states (views into the workspace, valid until the next backward of the same shape). */
export interface BackwardOutputs {
  /** [B, T, I]; [L, B, H] (gradients w.r.t. the states entering step T − truncate). */
  dx: GpuTensor;
  /** [L, B, H] gradient w.r.t. the initial hidden states. */
  dh0: GpuTensor;
  /** [L, B, H] gradient w.r.t. the initial cell states (LSTM), else null. */
  dc0: GpuTensor | null;
  /**
   * With opts.gradNorms: [L, S, T], element (l, 0, t) = (1/B) Σ_b ‖∂L/∂h^l_t[b]‖₂ (all of it:
   * from the loss at t and later and from the layer above) and, LSTM (S = 2), (l, 1, t) the
   * same of ∂L/∂c_t with h_t held fixed; steps before a truncation are 0. Else null.
   */
  gradNorms: GpuTensor | null;
}
