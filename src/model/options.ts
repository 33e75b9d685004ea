// options.ts — what RecurrentModel's methods take and return (options, outputs, loss
// targets), apart from the class so that checks.ts and the class both read them.
import type { GpuTensor } from '../gpu/tensor';
import type { RecurrentTile, RecurrentVariant } from '../kernels/recurrent';
import type { KernelPath } from '../gpu/subgroups';

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
  /** How the kernels load shared operands: 'auto' (per adapter: src/model/kernel-paths.ts), 'plain', or 'subgroups' (needs the device's 'subgroups' feature). Default 'auto'. */
  path?: KernelPath | 'auto';
  /** Fixed tile of the time-loop kernels (benchmarks); default chosen per shape. */
  tile?: RecurrentTile;
  /** Distinct workspaces kept (one per (batch, seqLen)). Default 4. */
  maxWorkspaces?: number;
}

/** A training forward's dropout key: masks are drawn from a counter-based RNG keyed by (seed, step, layer, element). */
export interface TrainingStep {
  /** Which training step (an integer >= 0): each step draws new masks; the same step, the same masks. */
  step: number;
  /** The RNG's seed (an integer >= 0). Default: RecurrentModelOptions.seed. */
  seed?: number;
}

/** Initial states and mode of RecurrentModel.forward(). */
export interface ForwardOptions {
  /** [D·L, B, H] initial hidden state, row l·D + d (zeros when absent). */
  h0?: GpuTensor | null;
  /** [D·L, B, H] initial cell state (LSTM only; zeros when absent). */
  c0?: GpuTensor | null;
  /**
   * Present: a training forward (PyTorch's model.train()): the config's dropout applies, and
   * the next backward goes through the same masks. Absent: evaluation, no dropout (model.eval()).
   */
  training?: TrainingStep | null;
}

/** Views into the workspace: valid until the next forward of the same (batch, seqLen). */
export interface ForwardOutputs {
  /** [B, T, O] (every-step head) or [B, O] (last-step head). */
  out: GpuTensor;
  /** The top layer's h_t, directions side by side: [B, T, D·H]. */
  rnnOut: GpuTensor;
  /** [D·L, B, H] final states, row l·D + d (the reverse direction's after reading x_T … x_1). */
  hN: GpuTensor;
  /** [D·L, B, H] final cell states (LSTM), else null. */
  cN: GpuTensor | null;
}

/** Options of RecurrentModel.backward() and lossAndBackward(). */
export interface BackwardOptions {
  /** [D·L, B, H] gradients arriving at the final states (e.g. from a later TBPTT chunk). */
  dhN?: GpuTensor | null;
  /** [D·L, B, H] gradients arriving at the final cell states (LSTM only). */
  dcN?: GpuTensor | null;
  /** Back-propagate through the last `truncate` steps only (truncated BPTT; one direction only). Default all. */
  truncate?: number;
  /** Add to the gradient arena instead of overwriting it. Default false. */
  accumulate?: boolean;
  /**
   * Also record gradient norms through time (Pascanu et al. 2013): the backward kernels keep
   * d loss / d h_t (and c_t) and one reduction per layer turns them into `gradNorms`. Nothing
   * is read back until you read that tensor. Default false.
   */
  gradNorms?: boolean;
  /**
   * Compute `dx`, the gradient with respect to the input sequence. Default true. A training
   * step that only needs the parameters' gradients passes false (PyTorch's input without
   * `requires_grad`): the first layer's input-gradient product is then not recorded, and `dx`
   * is null.
   */
  inputGradient?: boolean;
}

/** Gradients with respect to the inputs and initial states (views into the workspace, valid until the next backward of the same shape). */
export interface BackwardOutputs<Dx extends GpuTensor | null = GpuTensor> {
  /** [B, T, I] d loss / d x (rows before T − truncate are 0); null with `inputGradient: false`. */
  dx: Dx;
  /** [D·L, B, H] gradient w.r.t. the initial hidden states. */
  dh0: GpuTensor;
  /** [D·L, B, H] gradient w.r.t. the initial cell states (LSTM), else null. */
  dc0: GpuTensor | null;
  /**
   * With opts.gradNorms: [D·L, S, T] (row l·D + d), element (l, 0, t) = (1/B) Σ_b ‖∂L/∂h^l_t[b]‖₂ (all of it:
   * from the loss at t and later and from the layer above) and, LSTM (S = 2), (l, 1, t) the
   * same of ∂L/∂c_t with h_t held fixed; steps before a truncation are 0. Else null.
   */
  gradNorms: GpuTensor | null;
}
