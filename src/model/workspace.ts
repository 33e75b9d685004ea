// workspace.ts — every GPU buffer one (batch, seqLen) shape of the model needs, allocated once
// and reused by every forward/backward of that shape (so a training step records no
// allocation and its bind groups stay cached). Time-major inside (row (t, b) = t·B + b);
// batch-first at the model's boundary. Backward buffers are allocated on first backward.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmMaxRows } from '../kernels/gemm';
import type { ModelConfig } from './config';
import { cellSpec } from './cells';

/** One layer's activations and gradients. */
export interface LayerBuffers {
  /** [T, B, G·H] input projection x W_ihᵀ + b_ih. */
  gx: GpuTensor;
  /** [T+1, B, H]: row block 0 = initial state, t+1 = state after step t. */
  hseq: GpuTensor;
  /** [T+1, B, H] (LSTM only). */
  cseq: GpuTensor | null;
  /** [T, B, 4H] activated gates kept for backward (LSTM: i,f,g,o; GRU: r,z,n,W_hn h+b_hn). */
  gates: GpuTensor | null;
}

export interface LayerGradBuffers {
  /** [T, B, G·H] d loss / d (x W_ihᵀ + b_ih). */
  dgIn: GpuTensor;
  /** [T, B, G·H] d loss / d (W_hh h + b_hh); the same tensor as dgIn except for GRU. */
  dgHid: GpuTensor;
  /** [T, B, In] d loss / d (layer input); for l ≥ 1 it is dy of layer l−1. */
  dIn: GpuTensor;
  /** [B, H] gradient flowing into the state of the step being processed. */
  dhCarry: GpuTensor;
  dcCarry: GpuTensor | null;
}

export interface GradBuffers {
  layers: LayerGradBuffers[];
  /** Same shape as out. */
  dOut: GpuTensor;
  /** [B, T, H] d loss / d rnn_out (every-step head), and its time-major copy [T, B, H]. */
  dRnnOut: GpuTensor | null;
  dyTop: GpuTensor | null;
  /** [B, T, I], [L, B, H], [L, B, H] (LSTM). */
  dx: GpuTensor;
  dh0: GpuTensor;
  dc0: GpuTensor | null;
  /** [1]. */
  loss: GpuTensor;
}

/** Element counts of every tensor a shape needs, for checking device limits before allocating. */
export function workspaceTensorSizes(config: ModelConfig, batch: number, seqLen: number): Record<string, number> {
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const cell = cellSpec(config.cell);
  const G = cell.gates;
  const B = batch;
  const T = seqLen;
  return {
    'x (time-major)': T * B * I,
    'gate pre-activations [T, B, G·H]': T * B * G * H,
    'hidden states [T+1, B, H]': (T + 1) * B * H,
    'kept gates [T, B, K·H]': Math.max(1, T * B * cell.keptGates * H),
    rnn_out: B * T * H,
    out: config.head === 'every-step' ? B * T * O : B * O,
    'h_n [L, B, H]': L * B * H,
  };
}

export class Workspace {
  readonly layers: LayerBuffers[] = [];
  /** [T, B, I] time-major copy of x. */
  readonly xT: GpuTensor;
  /** [B, T, H] top layer's h at every step. */
  readonly rnnOut: GpuTensor;
  /** [B, T, O] or [B, O]. */
  readonly out: GpuTensor;
  /** [L, B, H]. */
  readonly hN: GpuTensor;
  readonly cN: GpuTensor | null;
  private gradBuffers: GradBuffers | null = null;
  private readonly owned: GpuTensor[] = [];

  constructor(private readonly sched: Scheduler, private readonly config: ModelConfig, readonly batch: number, readonly seqLen: number) {
    const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
    const cell = cellSpec(config.cell);
    const G = cell.gates;
    const B = batch;
    const T = seqLen;
    for (let l = 0; l < L; l++) {
      this.layers.push({
        gx: this.make([T, B, G * H], `gx_l${l}`),
        hseq: this.make([T + 1, B, H], `hseq_l${l}`),
        cseq: cell.cellState ? this.make([T + 1, B, H], `cseq_l${l}`) : null,
        gates: cell.keptGates > 0 ? this.make([T, B, cell.keptGates * H], `gates_l${l}`) : null,
      });
    }
    this.xT = this.make([T, B, I], 'x (time-major)');
    this.rnnOut = this.make([B, T, H], 'rnn_out');
    this.out = this.make(config.head === 'every-step' ? [B, T, O] : [B, O], 'out');
    this.hN = this.make([L, B, H], 'h_n');
    this.cN = cell.cellState ? this.make([L, B, H], 'c_n') : null;
  }

  /** Backward buffers, allocated on first use. */
  grads(): GradBuffers {
    if (this.gradBuffers) return this.gradBuffers;
    const { inputSize: I, hiddenSize: H, numLayers: L } = this.config;
    const cell = cellSpec(this.config.cell);
    const G = cell.gates;
    const B = this.batch;
    const T = this.seqLen;
    const layers: LayerGradBuffers[] = [];
    for (let l = 0; l < L; l++) {
      const dgIn = this.make([T, B, G * H], `dgates_in_l${l}`);
      layers.push({
        dgIn,
        dgHid: cell.separateHiddenGrads ? this.make([T, B, G * H], `dgates_hid_l${l}`) : dgIn,
        dIn: this.make([T, B, l === 0 ? I : H], `d_input_l${l}`),
        dhCarry: this.make([B, H], `dh_carry_l${l}`),
        dcCarry: cell.cellState ? this.make([B, H], `dc_carry_l${l}`) : null,
      });
    }
    const everyStep = this.config.head === 'every-step';
    this.gradBuffers = {
      layers,
      dOut: this.make([...this.out.shape], 'd_out'),
      dRnnOut: everyStep ? this.make([B, T, H], 'd_rnn_out') : null,
      dyTop: everyStep ? this.make([T, B, H], 'dy_top') : null,
      dx: this.make([B, T, I], 'dx'),
      dh0: this.make([L, B, H], 'dh0'),
      dc0: cell.cellState ? this.make([L, B, H], 'dc0') : null,
      loss: this.make([1], 'loss'),
    };
    return this.gradBuffers;
  }

  destroy(): void {
    for (const t of this.owned) this.sched.destroyBuffer(t.buffer);
    this.owned.length = 0;
  }

  private make(shape: number[], label: string): GpuTensor {
    const t = this.sched.createTensor(shape, 'f32', label);
    this.owned.push(t);
    return t;
  }
}

/**
 * Throws naming the tensor or size when a shape exceeds the device's limits: storage binding
 * size, and workgroups per grid dimension of the GEMMs over all T·B rows.
 */
export function checkWorkspaceLimits(sched: Scheduler, config: ModelConfig, batch: number, seqLen: number): void {
  const limits = sched.device.limits;
  for (const [name, count] of Object.entries(workspaceTensorSizes(config, batch, seqLen))) {
    if (!Number.isSafeInteger(count) || 4 * count > limits.maxStorageBufferBindingSize) {
      throw new Error(`batch ${batch} × seqLen ${seqLen}: ${name} needs ${4 * count} bytes, more than this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize})`);
    }
  }
  const maxRows = gemmMaxRows() * limits.maxComputeWorkgroupsPerDimension;
  if (batch * seqLen > maxRows) {
    throw new Error(`batch ${batch} × seqLen ${seqLen} = ${batch * seqLen} rows is more than the ${maxRows} this device's maxComputeWorkgroupsPerDimension (${limits.maxComputeWorkgroupsPerDimension}) allows`);
  }
}
