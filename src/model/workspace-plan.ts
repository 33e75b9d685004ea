// workspace-plan.ts — every tensor one (batch, seqLen) shape of the model needs, written once
// (llm.c's size table): Workspace allocates exactly these, and checkWorkspaceLimits holds
// exactly these against the device before anything is allocated. What a cell adds (a cell
// state, kept gates, separate hidden-side gradients) comes from its CellSpec. Pure arithmetic.
//
// Time-major inside (row (t, b) = t·B + b); batch-first at the model's boundary.
import { cellSpec, stateValues } from './cells';
import type { ModelConfig } from './config';

/** One tensor of the plan: the label its buffer gets (and errors name), and its shape in f32 elements. */
export interface TensorPlan {
  label: string;
  shape: number[];
}

/** One layer's activations; T is a TensorPlan in the plan and a GpuTensor in the workspace. */
export interface LayerActivations<T> {
  /** [T, B, G·H] input projection x W_ihᵀ + b_ih. */
  gx: T;
  /** [T+1, B, H]: row block 0 = initial state, t+1 = state after step t. */
  hseq: T;
  /** [T+1, B, H] cell states (cells with a cell state). */
  cseq: T | null;
  /** [T, B, K·H] kept for backward (K = keptGates: LSTM i,f,g,o; GRU r,z,n,W_hn h+b_hn). */
  gates: T | null;
}

/** One layer's gradients. */
export interface LayerGradients<T> {
  /** [T, B, G·H] d loss / d (x W_ihᵀ + b_ih). */
  dgIn: T;
  /** [T, B, G·H] d loss / d (W_hh h + b_hh): the same entry as dgIn unless the cell has separateHiddenGrads. */
  dgHid: T;
  /** [T, B, In] d loss / d (layer input); for l ≥ 1 it is dy of layer l−1. */
  dIn: T;
  /** [B, H] gradient flowing into the state of the step being processed (and into the cell state). */
  dhCarry: T;
  dcCarry: T | null;
}

/** What forward() fills. */
export interface ForwardTensors<T> {
  /** [T, B, I] time-major copy of x. */
  xT: T;
  layers: LayerActivations<T>[];
  /** [B, T, H] top layer's h at every step. */
  rnnOut: T;
  /** [B, T, O] (every-step head) or [B, O] (last-step head). */
  out: T;
  /** [L, B, H] final states; cN for cells with a cell state. */
  hN: T;
  cN: T | null;
}

/** What backward() fills (allocated on the first backward). */
export interface BackwardTensors<T> {
  layers: LayerGradients<T>[];
  /** Same shape as out. */
  dOut: T;
  /** [B, T, H] d loss / d rnn_out and its time-major copy [T, B, H] (every-step head). */
  dRnnOut: T | null;
  dyTop: T | null;
  /** [B, T, I]; [L, B, H]; [L, B, H] (cell state). */
  dx: T;
  dh0: T;
  dc0: T | null;
  /** [1]. */
  loss: T;
}

/** What a backward with gradient norms fills (allocated on the first such backward). */
export interface GradNormTensors<T> {
  /** Per layer [T, B, S, H]: d loss / d h_t (and c_t, S = 2) as the backward kernels record them. */
  dstate: T[];
  /** [L, S, T]: batch-mean ‖d loss / d h_t‖₂ (s = 0) and ‖d loss / d c_t‖₂ (s = 1). */
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

/** The table: every tensor of a (batch, seqLen) workspace, forward then backward. */
export function planWorkspace(config: ModelConfig, batch: number, seqLen: number): WorkspacePlan {
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const cell = cellSpec(config.cell);
  const [B, T, GH] = [batch, seqLen, cell.gates * H];
  const layers = Array.from({ length: L }, (_, l) => ({
    gx: entry(`gx_l${l}`, [T, B, GH]),
    hseq: entry(`hseq_l${l}`, [T + 1, B, H]),
    cseq: cell.cellState ? entry(`cseq_l${l}`, [T + 1, B, H]) : null,
    gates: cell.keptGates > 0 ? entry(`gates_l${l}`, [T, B, cell.keptGates * H]) : null,
  }));
  const out = entry('out', config.head === 'every-step' ? [B, T, O] : [B, O]);
  const forward = {
    xT: entry('x (time-major)', [T, B, I]), layers, rnnOut: entry('rnn_out', [B, T, H]), out,
    hN: entry('h_n', [L, B, H]), cN: cell.cellState ? entry('c_n', [L, B, H]) : null,
  };
  const gradLayers = Array.from({ length: L }, (_, l) => {
    const dgIn = entry(`dgates_in_l${l}`, [T, B, GH]);
    return {
      dgIn,
      dgHid: cell.separateHiddenGrads ? entry(`dgates_hid_l${l}`, [T, B, GH]) : dgIn,
      dIn: entry(`d_input_l${l}`, [T, B, l === 0 ? I : H]),
      dhCarry: entry(`dh_carry_l${l}`, [B, H]),
      dcCarry: cell.cellState ? entry(`dc_carry_l${l}`, [B, H]) : null,
    };
  });
  const everyStep = config.head === 'every-step';
  const backward = {
    layers: gradLayers, dOut: entry('d_out', [...out.shape]),
    dRnnOut: everyStep ? entry('d_rnn_out', [B, T, H]) : null, dyTop: everyStep ? entry('dy_top', [T, B, H]) : null,
    dx: entry('dx', [B, T, I]), dh0: entry('dh0', [L, B, H]), dc0: cell.cellState ? entry('dc0', [L, B, H]) : null,
    loss: entry('loss', [1]),
  };
  const S = stateValues(cell);
  const gradNorms = {
    dstate: Array.from({ length: L }, (_, l) => entry(`dstate_l${l}`, [T, B, S, H])),
    norms: entry('grad_norms', [L, S, T]),
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
