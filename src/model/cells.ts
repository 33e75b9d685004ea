// cells.ts — one CellSpec per cell kind: everything the GPU model knows about a cell, in
// one table that params.ts, workspace-plan.ts, layers.ts, checks.ts, variant.ts and
// recurrent-model.ts read (none of them asks which cell it is). A new cell is a row here
// plus its shader, its wrapper in src/kernels/ and its float64 reference in
// src/reference/cells.ts. Parameter shapes follow from `gates` (params.ts):
//   weight_ih_l{l} [G·H, In], weight_hh_l{l} [G·H, H], bias_ih_l{l}, bias_hh_l{l} [G·H].
import type { Kernel } from '../gpu/kernel';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { kernelGates, type RecurrentRun } from '../kernels/recurrent';
import { lstmBackward, lstmForward, lstmKernel, lstmKernels } from '../kernels/lstm';
import { gruBackward, gruForward, gruKernel, gruKernels } from '../kernels/gru';
import { rnnBackward, rnnForward, rnnKernel, rnnKernels, type RnnActivation } from '../kernels/rnn';

/**
 * The recurrent cell: Elman RNN with tanh, ReLU or no nonlinearity (identity: the linear RNN
 * h = W_ih x + b_ih + W_hh h + b_hh), LSTM, or GRU (PyTorch's equations and gate orders).
 */
export type CellType = 'rnn_tanh' | 'rnn_relu' | 'rnn_identity' | 'lstm' | 'gru';

/** What a cell's forward time loop reads and writes in one layer (views into the workspace and the arena). */
export interface CellForwardTensors {
  /** [T, B, G·H] input projection x W_ihᵀ + b_ih. */
  gx: GpuTensor;
  /** [G·H, H], [G·H]. */
  wHh: GpuTensor;
  bHh: GpuTensor;
  /** [T+1, B, H]: row block 0 = initial state, t+1 = state after step t. */
  hseq: GpuTensor;
  /** [T+1, B, H] when the cell carries a cell state, else null. */
  cseq: GpuTensor | null;
  /** [T, B, K·H] what the forward keeps for backward (K = keptGates), else null. */
  gates: GpuTensor | null;
}

/** What a cell's backward time loop reads and writes in one layer. */
export interface CellBackwardTensors extends Omit<CellForwardTensors, 'gx' | 'bHh'> {
  /** [T, B, H] d loss / d h_t from above, or null (the gradient is all in dhCarry). */
  dy: GpuTensor | null;
  /** [T, B, G·H] d loss / d (x W_ihᵀ + b_ih), and d loss / d (W_hh h + b_hh): the same tensor unless separateHiddenGrads. */
  dgIn: GpuTensor;
  dgHid: GpuTensor;
  /** [B, H]: in, the gradient into the last state from later steps; out, into the state before the first. */
  dhCarry: GpuTensor;
  dcCarry: GpuTensor | null;
  /** [T, B, S, H] (S = stateValues): when given, the loop records d loss / d h_t (and c_t) there for gradient norms. */
  dstate?: GpuTensor | null;
}

/** How PyTorch names a cell: nn.RNN / nn.LSTM / nn.GRU, the RNN's nonlinearity, its gate order. */
export interface TorchCell {
  /** The torch.nn module: nn.RNN, nn.LSTM or nn.GRU. */
  module: 'RNN' | 'LSTM' | 'GRU';
  /** nn.RNN's `nonlinearity` argument; null for LSTM and GRU. */
  nonlinearity: 'tanh' | 'relu' | null;
  /** The gate blocks along the 4H / 3H rows, as the conformance files write them ('i,f,g,o'); null for RNN. */
  gateOrder: string | null;
}

/** Everything about one cell kind. */
export interface CellSpec {
  /** The cell kind this row describes (its key in CELL_SPECS). */
  readonly name: CellType;
  /** The PyTorch module that computes the same cell (conformance vectors), or null: none does. */
  readonly torch: TorchCell | null;
  /** G: gate blocks along W_ih / W_hh rows, PyTorch order (rnn 1; lstm 4: i, f, g, o; gru 3: r, z, n); the shader's `const GATES`. */
  readonly gates: number;
  /** Carries a cell state c beside h: c0 / c_n [L, B, H], cseq, a dc carry (LSTM). */
  readonly cellState: boolean;
  /** K: floats per hidden unit and step the forward keeps for backward (gates [T, B, K·H]); 0 keeps none (RNN recovers act' from h). */
  readonly keptGates: number;
  /** The backward writes d (W_hh h + b_hh) apart from d (x W_ihᵀ + b_ih) (GRU: n = tanh(… + r ⊙ (W_hn h + b_hn))). */
  readonly separateHiddenGrads: boolean;
  /** PyTorch's default initialisation U(−b, b) of every layer tensor: b = 1/√H. */
  initBound(hidden: number): number;
  /** The cell's kernel (shaders/{rnn,lstm,gru}.wgsl, its time-loop entries; its vec4WeightsKernel() where H % 4 = 0, and on path 'subgroups' its subgroupsKernelFor(), src/kernels/weight-loads.ts). */
  readonly kernel: Kernel;
  /** Every kernel the forward and backward dispatch: prepare these. */
  readonly kernels: readonly Kernel[];
  /** Records one layer's forward time loop (steps run.tBegin … run.tEnd − 1). */
  recordForward(sched: Scheduler, run: RecurrentRun, t: CellForwardTensors): void;
  /** Records one layer's BPTT (steps run.tEnd − 1 down to run.tBegin), ending with dhCarry (and dcCarry) at the state before run.tBegin. */
  recordBackward(sched: Scheduler, run: RecurrentRun, t: CellBackwardTensors): void;
}

type SpecRow = Omit<CellSpec, 'gates' | 'initBound' | 'name' | 'kernel'>;

const pytorchBound = (hidden: number): number => 1 / Math.sqrt(hidden);

/** A row of the table: G is read from the cell's shader when first asked for. */
function spec(name: CellType, kernel: Kernel, row: SpecRow): CellSpec {
  return { name, kernel, ...row, initBound: pytorchBound, get gates() { return kernelGates(kernel); } };
}

function elman(name: CellType, activation: RnnActivation, nonlinearity: TorchCell['nonlinearity'] | undefined): CellSpec {
  return spec(name, rnnKernel, {
    torch: nonlinearity === undefined ? null : { module: 'RNN', nonlinearity, gateOrder: null },
    cellState: false,
    keptGates: 0,
    separateHiddenGrads: false,
    kernels: rnnKernels,
    recordForward: (sched, run, t) => rnnForward(sched, { ...run, ...t, activation }),
    recordBackward: (sched, run, t) => rnnBackward(sched, { ...run, ...t, dgates: t.dgIn, activation }),
  });
}

/** The table, in the order CELL_TYPES lists the kinds (pure calls: importing builds nothing a bundler must keep). */
export const CELL_SPECS: Readonly<Record<CellType, CellSpec>> = {
  rnn_tanh: /* @__PURE__ */ elman('rnn_tanh', 'tanh', 'tanh'),
  rnn_relu: /* @__PURE__ */ elman('rnn_relu', 'relu', 'relu'),
  rnn_identity: /* @__PURE__ */ elman('rnn_identity', 'identity', undefined), // nn.RNN has no identity nonlinearity
  lstm: /* @__PURE__ */ spec('lstm', lstmKernel, {
    torch: { module: 'LSTM', nonlinearity: null, gateOrder: 'i,f,g,o' },
    cellState: true,
    keptGates: 4, // i, f, g, o activated
    separateHiddenGrads: false,
    kernels: lstmKernels,
    recordForward: (sched, run, t) => lstmForward(sched, { ...run, ...t, cseq: t.cseq!, gates: t.gates! }),
    recordBackward: (sched, run, t) => lstmBackward(sched, { ...run, ...t, cseq: t.cseq!, gates: t.gates!, dgates: t.dgIn, dcCarry: t.dcCarry! }),
  }),
  gru: /* @__PURE__ */ spec('gru', gruKernel, {
    torch: { module: 'GRU', nonlinearity: null, gateOrder: 'r,z,n' },
    cellState: false,
    keptGates: 4, // r, z, n, W_hn h + b_hn
    separateHiddenGrads: true,
    kernels: gruKernels,
    recordForward: (sched, run, t) => gruForward(sched, { ...run, ...t, gates: t.gates! }),
    recordBackward: (sched, run, t) => gruBackward(sched, { ...run, ...t, gates: t.gates! }),
  }),
};

/** Every cell kind, in table order. */
export const CELL_TYPES: readonly CellType[] = /* @__PURE__ */ Object.keys(CELL_SPECS) as CellType[];

/** S: state values per hidden unit (2 with a cell state: h and c; else 1) — the full state's width per unit. */
export function stateValues(spec: Pick<CellSpec, 'cellState'>): number {
  return spec.cellState ? 2 : 1;
}

/** The kinds whose spec has `property` set (cellState: 'lstm'), for error messages. */
export function cellsWith(property: 'cellState' | 'torch'): CellType[] {
  return CELL_TYPES.filter((c) => Boolean(CELL_SPECS[c][property]));
}

/** The spec of a cell kind; throws naming config.cell when there is none. */
export function cellSpec(cell: CellType): CellSpec {
  if (!Object.hasOwn(CELL_SPECS, cell)) throw new Error(`config.cell must be one of ${CELL_TYPES.join(', ')}, got ${String(cell)}`);
  return CELL_SPECS[cell];
}
