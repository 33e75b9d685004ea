// workspace-plan.ts — every tensor one (batch, seqLen) shape of the model needs, written once
// (llm.c's size table): Workspace allocates exactly these, and checkWorkspaceLimits holds
// exactly these against the device before anything is allocated. What a cell adds (a cell
// state, kept gates, separate hidden-side gradients) comes from its CellSpec; what a second
// direction or dropout adds (per-direction buffers, a layer's joined output, its split
// gradient) from the config. Pure arithmetic.
//
// Time-major inside (row (t, b) = t·B + b); batch-first at the model's boundary. D = 2 for a
// bidirectional model, and direction d's tensors carry PyTorch's suffix (gx_l0_reverse).
import { cellSpec, stateValues } from './cells';
import type { ModelConfig } from './config';
import { directions, directionSuffix } from './params';

/** One tensor of the plan: the label its buffer gets (and errors name), and its shape in f32 elements. */
export interface TensorPlan {
  label: string;
  shape: number[];
}

/** One direction of a layer; T is a TensorPlan in the plan and a GpuTensor in the workspace. */
export interface DirectionActivations<T> {
  /** [T, B, G·H] input projection x W_ihᵀ + b_ih. */
  gx: T;
  /** [T+1, B, H]: the initial state and the state after every step (forward: blocks 0 and t+1; reverse: blocks T and t). */
  hseq: T;
  /** [T+1, B, H] cell states likewise (cells with a cell state). */
  cseq: T | null;
  /** [T, B, K·H] kept for backward (K = keptGates: LSTM i,f,g,o; GRU r,z,n,W_hn h+b_hn). */
  gates: T | null;
}

/** One layer's activations: its forward direction's (as PyTorch names a layer's tensors after its forward direction), the reverse one's and its output. */
export interface LayerActivations<T> extends DirectionActivations<T> {
  /** The reverse direction (bidirectional), else null. */
  reverse: DirectionActivations<T> | null;
  /**
   * [T, B, D·H] the layer's output as the next layer and the head read it: the directions'
   * h_t side by side, times the dropout mask in training. null when they read the forward
   * hseq itself (one direction, and no dropout after this layer).
   */
  output: T | null;
}

/** One direction's gradients. */
export interface DirectionGradients<T> {
  /** [T, B, G·H] d loss / d (x W_ihᵀ + b_ih). */
  dgIn: T;
  /** [T, B, G·H] d loss / d (W_hh h + b_hh): the same entry as dgIn unless the cell has separateHiddenGrads. */
  dgHid: T;
  /** [B, H] gradient flowing into the state of the step being processed (and into the cell state). */
  dhCarry: T;
  dcCarry: T | null;
  /** [T, B, H] this direction's part of d loss / d (layer output), split from it (through the dropout mask); null when the layer has no joined output. */
  dy: T | null;
}

/** One layer's gradients: its forward direction's, the reverse one's, and the layer input's. */
export interface LayerGradients<T> extends DirectionGradients<T> {
  /** The reverse direction (bidirectional), else null. */
  reverse: DirectionGradients<T> | null;
  /** [T, B, In] d loss / d (layer input), both directions summed; for l ≥ 1 it is d loss / d (layer l−1's output). */
  dIn: T;
}

/** What forward() fills. */
export interface ForwardTensors<T> {
  /** [T, B, I] time-major copy of x. */
  xT: T;
  /** [T, B, I] x with the input dropout mask applied (config.inputDropout > 0), else null. */
  xDropped: T | null;
  layers: LayerActivations<T>[];
  /** [B, T, D·H] top layer's h at every step. */
  rnnOut: T;
  /** [B, T, O] (every-step head) or [B, O]. */
  out: T;
  /** [D·L, B, H] final states (row l·D + d); cN for cells with a cell state. */
  hN: T;
  cN: T | null;
}

/** What backward() fills (allocated on the first backward). */
export interface BackwardTensors<T> {
  layers: LayerGradients<T>[];
  /** Same shape as out. */
  dOut: T;
  /** [B, T, D·H] d loss / d rnn_out (every-step head), and d loss / d (top layer output) time-major [T, B, D·H] (every-step head, and the last-step head of two directions). */
  dRnnOut: T | null;
  dyTop: T | null;
  /** [T, B, I] d loss / d x time-major through the input dropout mask (inputDropout > 0), else null. */
  dxT: T | null;
  /** [B, T, I]; [D·L, B, H]; [D·L, B, H] (cell state). */
  dx: T;
  dh0: T;
  dc0: T | null;
  /** [1]. */
  loss: T;
}

/** What a backward with gradient norms fills (allocated on the first such backward). */
export interface GradNormTensors<T> {
  /** Per layer and direction (index l·D + d) [T, B, S, H]: d loss / d h_t (and c_t, S = 2) as the backward kernels record them. */
  dstate: T[];
  /** [D·L, S, T] (row l·D + d): batch-mean ‖d loss / d h_t‖₂ (s = 0) and ‖d loss / d c_t‖₂ (s = 1). */
  norms: T;
}

/** Every tensor of one (batch, seqLen) workspace. */
export interface WorkspacePlan {
  batch: number;
  seqLen: number;
  forward: ForwardTensors<TensorPlan>;
  backward: BackwardTensors<TensorPlan>;
  gradNorms: GradNormTensors<TensorPlan>;
}

const entry = (label: string, shape: number[]): TensorPlan => ({ label, shape });

/** A layer's directions, forward first (of its activations or its gradients). */
export function directionsOf<X>(layer: X & { reverse: X | null }): X[] {
  return layer.reverse ? [layer, layer.reverse] : [layer];
}

/** Whether layer l has a joined output buffer: two directions, or dropout on its output (every layer but the last). */
export function hasJoinedOutput(config: ModelConfig, l: number): boolean {
  return directions(config) === 2 || (l < config.numLayers - 1 && (config.dropout ?? 0) > 0);
}

/** The table: every tensor of a (batch, seqLen) workspace, forward then backward. */
export function planWorkspace(config: ModelConfig, batch: number, seqLen: number): WorkspacePlan {
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const cell = cellSpec(config.cell);
  const D = directions(config);
  const [B, T, GH, DH] = [batch, seqLen, cell.gates * H, D * H];
  const name = (what: string, l: number, d: number) => `${what}_l${l}${directionSuffix(d)}`;
  const inputDropout = (config.inputDropout ?? 0) > 0;
  const activations = (l: number, d: number) => ({
    gx: entry(name('gx', l, d), [T, B, GH]),
    hseq: entry(name('hseq', l, d), [T + 1, B, H]),
    cseq: cell.cellState ? entry(name('cseq', l, d), [T + 1, B, H]) : null,
    gates: cell.keptGates > 0 ? entry(name('gates', l, d), [T, B, cell.keptGates * H]) : null,
  });
  const layers = Array.from({ length: L }, (_, l) => ({
    ...activations(l, 0),
    reverse: D === 2 ? activations(l, 1) : null,
    output: hasJoinedOutput(config, l) ? entry(`output_l${l}`, [T, B, DH]) : null,
  }));
  const out = entry('out', config.head === 'every-step' ? [B, T, O] : [B, O]);
  const forward = {
    xT: entry('x (time-major)', [T, B, I]), xDropped: inputDropout ? entry('x (dropout)', [T, B, I]) : null,
    layers, rnnOut: entry('rnn_out', [B, T, DH]), out,
    hN: entry('h_n', [D * L, B, H]), cN: cell.cellState ? entry('c_n', [D * L, B, H]) : null,
  };
  const gradients = (l: number, d: number) => {
    const dgIn = entry(name('dgates_in', l, d), [T, B, GH]);
    return {
      dgIn,
      dgHid: cell.separateHiddenGrads ? entry(name('dgates_hid', l, d), [T, B, GH]) : dgIn,
      dhCarry: entry(name('dh_carry', l, d), [B, H]),
      dcCarry: cell.cellState ? entry(name('dc_carry', l, d), [B, H]) : null,
      dy: hasJoinedOutput(config, l) ? entry(name('dy', l, d), [T, B, H]) : null,
    };
  };
  const gradLayers = Array.from({ length: L }, (_, l) => ({
    ...gradients(l, 0),
    reverse: D === 2 ? gradients(l, 1) : null,
    dIn: entry(`d_input_l${l}`, [T, B, l === 0 ? I : DH]),
  }));
  const everyStep = config.head === 'every-step';
  const dyTop = everyStep || (D === 2 && config.head === 'last-step');
  const backward = {
    layers: gradLayers, dOut: entry('d_out', [...out.shape]),
    dRnnOut: everyStep ? entry('d_rnn_out', [B, T, DH]) : null, dyTop: dyTop ? entry('dy_top', [T, B, DH]) : null,
    dxT: inputDropout ? entry('dx (time-major)', [T, B, I]) : null,
    dx: entry('dx', [B, T, I]), dh0: entry('dh0', [D * L, B, H]), dc0: cell.cellState ? entry('dc0', [D * L, B, H]) : null,
    loss: entry('loss', [1]),
  };
  const S = stateValues(cell);
  const gradNorms = {
    dstate: Array.from({ length: D * L }, (_, k) => entry(name('dstate', Math.floor(k / D), k % D), [T, B, S, H])),
    norms: entry('grad_norms', [D * L, S, T]),
  };
  return { batch, seqLen, forward, backward, gradNorms };
}

const isTensorPlan = (v: unknown): v is TensorPlan =>
  typeof v === 'object' && v !== null && Array.isArray((v as TensorPlan).shape) && typeof (v as TensorPlan).label === 'string';

/** A plan part with every TensorPlan replaced by R (arrays and nested objects keep their shape). */
export type Realized<P, R> = P extends TensorPlan ? R : P extends null ? null : P extends readonly (infer E)[] ? Realized<E, R>[] : { [K in keyof P]: Realized<P[K], R> };

/**
 * Replaces every TensorPlan of `part` by make(plan), once per distinct entry (an entry listed
 * twice, like a dgHid that is dgIn, becomes one tensor).
 */
export function realize<P, R>(part: P, make: (t: TensorPlan) => R, made = new Map<TensorPlan, R>()): Realized<P, R> {
  if (part === null) return null as Realized<P, R>;
  if (isTensorPlan(part)) {
    if (!made.has(part)) made.set(part, make(part));
    return made.get(part) as Realized<P, R>;
  }
  if (Array.isArray(part)) return part.map((p) => realize(p, make, made)) as Realized<P, R>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(part as object)) out[k] = realize(v, make, made);
  return out as Realized<P, R>;
}

/** Every distinct tensor of the plan, forward first, in table order. */
export function plannedTensors(plan: WorkspacePlan): TensorPlan[] {
  const all: TensorPlan[] = [];
  realize({ f: plan.forward, b: plan.backward, n: plan.gradNorms }, (t) => all.push(t));
  return all;
}
