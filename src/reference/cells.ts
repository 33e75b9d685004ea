// cells.ts — float64 point-wise parts of one recurrent step, PyTorch definitions.
//
// A step of every cell splits into two affine maps (done by the caller in recurrent.ts)
//   preIn  = W_ih x_t + b_ih       [B, G·H]
//   preHid = W_hh h_{t-1} + b_hh   [B, G·H]
// and a point-wise part (this file) that turns them into h_t (and c_t for LSTM).
// Gate blocks are rows [k·H, (k+1)·H) of the G·H axis, PyTorch order:
//   rnn_*: one block;  lstm: i, f, g, o;  gru: r, z, n.
// The backward part returns the gradients of the two pre-activations (which only
// differ for the GRU n block) plus the direct paths into h_{t-1} and c_{t-1}.

/** What one step keeps for its backward pass. All arrays are [B, ·] row-major. */
export interface StepTape {
  /** h_t [B, H]. */
  h: Float64Array;
  /** c_t [B, H] (LSTM only). */
  c: Float64Array | null;
  /** Activated gates [B, G·H]: LSTM σ(i),σ(f),tanh(g),σ(o); GRU σ(r),σ(z),tanh(n); RNN unused (empty). */
  gates: Float64Array;
  /** GRU only: W_hn h_{t-1} + b_hn [B, H], the term r multiplies. */
  hiddenN: Float64Array | null;
}

/** Gradients produced by the point-wise backward of one step. */
export interface StepGrads {
  /** d loss / d preIn [B, G·H]. */
  dPreIn: Float64Array;
  /** d loss / d preHid [B, G·H] (same array as dPreIn except for GRU). */
  dPreHid: Float64Array;
  /** Direct (non-W_hh) part of d loss / d h_{t-1} [B, H]; GRU only, else null. */
  dhPrevDirect: Float64Array | null;
  /** d loss / d c_{t-1} [B, H] (LSTM only). */
  dcPrev: Float64Array | null;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Point-wise forward of one step. preIn, preHid: [B, G·H]; hPrev, cPrev: [B, H]. */
export function cellPointwiseForward(
  cell: CellKind,
  batch: number,
  hidden: number,
  preIn: Float64Array,
  preHid: Float64Array,
  hPrev: Float64Array,
  cPrev: Float64Array | null,
): StepTape {
  return pointwiseCell(cell).forward(batch, hidden, preIn, preHid, hPrev, cPrev);
}

/** Elman RNN forward: h = act(preIn + preHid). */
function elmanForward(act: (a: number) => number) {
  return (B: number, H: number, preIn: Float64Array, preHid: Float64Array): StepTape => {
    const h = new Float64Array(B * H);
    for (let k = 0; k < h.length; k++) h[k] = act(preIn[k]! + preHid[k]!);
    return { h, c: null, gates: new Float64Array(0), hiddenN: null };
  };
}

function lstmForward(B: number, H: number, preIn: Float64Array, preHid: Float64Array, _hPrev: Float64Array, cPrev: Float64Array | null): StepTape {
  const gates = new Float64Array(B * 4 * H);
  const h = new Float64Array(B * H);
  const c = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const pre = (k: number): number => preIn[g0 + k * H + j]! + preHid[g0 + k * H + j]!;
      const i = sigmoid(pre(0));
      const f = sigmoid(pre(1));
      const g = Math.tanh(pre(2));
      const o = sigmoid(pre(3));
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      const ct = f * cPrev![b * H + j]! + i * g;
      c[b * H + j] = ct;
      h[b * H + j] = o * Math.tanh(ct);
    }
  }
  return { h, c, gates, hiddenN: null };
}

function gruForward(B: number, H: number, preIn: Float64Array, preHid: Float64Array, hPrev: Float64Array): StepTape {
  const gates = new Float64Array(B * 3 * H);
  const hiddenN = new Float64Array(B * H);
  const h = new Float64Array(B * H);
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(preIn[g0 + j]! + preHid[g0 + j]!);
      const z = sigmoid(preIn[g0 + H + j]! + preHid[g0 + H + j]!);
      const hn = preHid[g0 + 2 * H + j]!; // b_hn is inside the r product
      const n = Math.tanh(preIn[g0 + 2 * H + j]! + r * hn);
      gates[g0 + j] = r;
      gates[g0 + H + j] = z;
      gates[g0 + 2 * H + j] = n;
      hiddenN[b * H + j] = hn;
      h[b * H + j] = (1 - z) * n + z * hPrev[b * H + j]!;
    }
  }
  return { h, c: null, gates, hiddenN };
}

/**
 * Point-wise backward of one step. dh: total d loss / d h_t [B, H]; dc: d loss / d c_t
 * arriving from step t+1 [B, H] (LSTM only, null means zeros).
 */
export function cellPointwiseBackward(
  cell: CellKind,
  batch: number,
  hidden: number,
  tape: StepTape,
  hPrev: Float64Array,
  cPrev: Float64Array | null,
  dh: Float64Array,
  dc: Float64Array | null,
): StepGrads {
  return pointwiseCell(cell).backward(batch, hidden, tape, hPrev, cPrev, dh, dc);
}

/** Elman RNN backward: d pre = dh · act'(a), act' recovered from h. */
function elmanBackward(slope: (h: number) => number) {
  return (B: number, H: number, tape: StepTape, _hPrev: Float64Array, _cPrev: Float64Array | null, dh: Float64Array): StepGrads => {
    const dPre = new Float64Array(B * H);
    for (let k = 0; k < dPre.length; k++) dPre[k] = dh[k]! * slope(tape.h[k]!);
    return { dPreIn: dPre, dPreHid: dPre, dhPrevDirect: null, dcPrev: null };
  };
}

function lstmBackward(
  B: number,
  H: number,
  tape: StepTape,
  _hPrev: Float64Array,
  cPrev: Float64Array | null,
  dh: Float64Array,
  dc: Float64Array | null,
): StepGrads {
  const dPre = new Float64Array(B * 4 * H);
  const dcPrev = new Float64Array(B * H);
  const gates = tape.gates;
  const c = tape.c!;
  for (let b = 0; b < B; b++) {
    const g0 = b * 4 * H;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const i = gates[g0 + j]!;
      const f = gates[g0 + H + j]!;
      const g = gates[g0 + 2 * H + j]!;
      const o = gates[g0 + 3 * H + j]!;
      const tc = Math.tanh(c[s]!);
      const dct = (dc === null ? 0 : dc[s]!) + dh[s]! * o * (1 - tc * tc);
      dPre[g0 + j] = dct * g * i * (1 - i);
      dPre[g0 + H + j] = dct * cPrev![s]! * f * (1 - f);
      dPre[g0 + 2 * H + j] = dct * i * (1 - g * g);
      dPre[g0 + 3 * H + j] = dh[s]! * tc * o * (1 - o);
      dcPrev[s] = dct * f;
    }
  }
  return { dPreIn: dPre, dPreHid: dPre, dhPrevDirect: null, dcPrev };
}

function gruBackward(B: number, H: number, tape: StepTape, hPrev: Float64Array, _cPrev: Float64Array | null, dh: Float64Array): StepGrads {
  const dPreIn = new Float64Array(B * 3 * H);
  const dPreHid = new Float64Array(B * 3 * H);
  const dhPrevDirect = new Float64Array(B * H);
  const gates = tape.gates;
  const hiddenN = tape.hiddenN!;
  for (let b = 0; b < B; b++) {
    const g0 = b * 3 * H;
    for (let j = 0; j < H; j++) {
      const s = b * H + j;
      const r = gates[g0 + j]!;
      const z = gates[g0 + H + j]!;
      const n = gates[g0 + 2 * H + j]!;
      const dnPre = dh[s]! * (1 - z) * (1 - n * n);
      const drPre = dnPre * hiddenN[s]! * r * (1 - r);
      const dzPre = dh[s]! * (hPrev[s]! - n) * z * (1 - z);
      dPreIn[g0 + j] = drPre;
      dPreHid[g0 + j] = drPre;
      dPreIn[g0 + H + j] = dzPre;
      dPreHid[g0 + H + j] = dzPre;
      dPreIn[g0 + 2 * H + j] = dnPre;
      dPreHid[g0 + 2 * H + j] = dnPre * r;
      dhPrevDirect[s] = dh[s]! * z;
    }
  }
  return { dPreIn, dPreHid, dhPrevDirect, dcPrev: null };
}

/** A cell's point-wise math, and what it implies for the loops around it. */
interface PointwiseCell {
  /** G: gate blocks of the G·H pre-activation axis. */
  gates: number;
  /** Carries c (and takes c0, returns c_n). */
  cellState: boolean;
  forward(B: number, H: number, preIn: Float64Array, preHid: Float64Array, hPrev: Float64Array, cPrev: Float64Array | null): StepTape;
  backward(B: number, H: number, tape: StepTape, hPrev: Float64Array, cPrev: Float64Array | null, dh: Float64Array, dc: Float64Array | null): StepGrads;
}

// relu'(a) = [h > 0] as in PyTorch's threshold_backward (0 at the kink).
const POINTWISE = {
  rnn_tanh: { gates: 1, cellState: false, forward: /* @__PURE__ */ elmanForward(Math.tanh), backward: /* @__PURE__ */ elmanBackward((h) => 1 - h * h) },
  rnn_relu: { gates: 1, cellState: false, forward: /* @__PURE__ */ elmanForward((a) => Math.max(a, 0)), backward: /* @__PURE__ */ elmanBackward((h) => (h > 0 ? 1 : 0)) },
  rnn_identity: { gates: 1, cellState: false, forward: /* @__PURE__ */ elmanForward((a) => a), backward: /* @__PURE__ */ elmanBackward(() => 1) },
  lstm: { gates: 4, cellState: true, forward: lstmForward, backward: lstmBackward },
  gru: { gates: 3, cellState: false, forward: gruForward, backward: gruBackward },
} satisfies Record<string, PointwiseCell>;

/** Recurrent cell kinds. `rnn_identity` is the linear RNN h = W_ih x + b_ih + W_hh h + b_hh. */
export type CellKind = keyof typeof POINTWISE;

/** Every cell kind the reference computes. */
export const CELL_KINDS = /* @__PURE__ */ Object.keys(POINTWISE) as readonly CellKind[];

function pointwiseCell(cell: CellKind): PointwiseCell {
  if (!Object.hasOwn(POINTWISE, cell)) throw new Error(`cell must be one of ${CELL_KINDS.join(', ')}, got ${String(cell)}`);
  return POINTWISE[cell];
}

/** Number of gate blocks G: 1 (RNN), 4 (LSTM), 3 (GRU). */
export function gateCount(cell: CellKind): number {
  return pointwiseCell(cell).gates;
}

/** Whether the cell carries a cell state c (LSTM). */
export function carriesCellState(cell: CellKind): boolean {
  return pointwiseCell(cell).cellState;
}
