// jacobian.ts — float64 plain-loop Jacobians of one recurrent step, for the dynamics analysis
// (src/analysis/) and as the reference of shaders/jacobian.wgsl.
//
// A layer's state is s = [h] (RNN, GRU) or s = [h; c] (LSTM): S·H values, S = 1 or 2. One step
//   s_t = F(s_{t-1}, x_t)   (x_t the layer's input: u_t for layer 0, h_t of the layer below)
// has the state Jacobian  J = ∂s_t/∂s_{t-1}  [S·H, S·H]  and the input Jacobian
// K = ∂s_t/∂x_t  [S·H, In], both row-major with rows/columns in state order (h units, then c).
// Written out (PyTorch gate orders; a_g = pre-activation of gate g = W_ih x + b_ih + W_hh h + b_hh):
//   RNN   h = act(a):  J = diag(act'(a)) W_hh,  K = diag(act'(a)) W_ih
//   LSTM  c = f⊙c' + i⊙g, h = o⊙tanh(c):  ∂c/∂a_i = g·i(1−i), ∂c/∂a_f = c'·f(1−f), ∂c/∂a_g = i(1−g²),
//         ∂h/∂a_{i,f,g} = o(1−tanh²c)·∂c/∂a, ∂h/∂a_o = tanh(c)·o(1−o); direct ∂c/∂c' = f, ∂h/∂c' = o(1−tanh²c)·f
//   GRU   h = (1−z)n + z h':  ∂h/∂a_r = (1−z)(1−n²)·(W_hn h' + b_hn)·r(1−r), ∂h/∂a_z = (h'−n)·z(1−z),
//         ∂h/∂(input n) = (1−z)(1−n²), ∂h/∂(hidden n) = (1−z)(1−n²)·r; direct ∂h/∂h' = z
import { carriesCellState, cellPointwiseForward, gateCount, type CellKind } from './cells';
import { linearForward } from './dense';

/** One layer's parameters (PyTorch layouts): W_ih [G·H, In], W_hh [G·H, H], b_ih, b_hh [G·H]. */
export interface LayerWeights {
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array;
  bHh: Float64Array;
}

/** State values per unit: 2 for LSTM (h, c), else 1. */
export function stateMultiplier(cell: CellKind): number {
  return carriesCellState(cell) ? 2 : 1;
}

/** The layer's step s_t = F(s_{t-1}, x): s [S·H] in state order, x [In]. Returns s_t [S·H]. */
export function cellStep(cell: CellKind, hidden: number, w: LayerWeights, state: Float64Array, x: Float64Array): Float64Array {
  const H = hidden;
  const G = gateCount(cell);
  const inSize = w.wIh.length / (G * H);
  const h = state.subarray(0, H);
  const c = carriesCellState(cell) ? state.slice(H, 2 * H) : null;
  const preIn = linearForward(x, w.wIh, w.bIh, G * H, inSize);
  const preHid = linearForward(Float64Array.from(h), w.wHh, w.bHh, G * H, H);
  const tape = cellPointwiseForward(cell, 1, H, preIn, preHid, Float64Array.from(h), c);
  const out = new Float64Array(stateMultiplier(cell) * H);
  out.set(tape.h);
  if (tape.c) out.set(tape.c, H);
  return out;
}

/** Per-unit derivatives of one step: ∂(state value sv of unit j)/∂(pre-activation of gate g). */
interface StepCoefficients {
  /** [S, G, H]: through the input-side pre-activations (W_ih x + b_ih). */
  viaIn: Float64Array;
  /** [S, G, H]: through the hidden-side pre-activations (W_hh h + b_hh). */
  viaHid: Float64Array;
  /** [S, S, H]: direct ∂(sv of j)/∂(previous sv' of j), not through W_hh. */
  direct: Float64Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function stepCoefficients(cell: CellKind, H: number, preIn: Float64Array, preHid: Float64Array, state: Float64Array): StepCoefficients {
  const G = gateCount(cell);
  const S = stateMultiplier(cell);
  const viaIn = new Float64Array(S * G * H);
  const direct = new Float64Array(S * S * H);
  const at = (sv: number, g: number, j: number) => (sv * G + g) * H + j;
  if (cell === 'lstm') {
    for (let j = 0; j < H; j++) {
      const a = (g: number) => preIn[g * H + j]! + preHid[g * H + j]!;
      const [i, f, g, o] = [sigmoid(a(0)), sigmoid(a(1)), Math.tanh(a(2)), sigmoid(a(3))];
      const cPrev = state[H + j]!;
      const tc = Math.tanh(f * cPrev + i * g);
      const dcda = [g * i * (1 - i), cPrev * f * (1 - f), i * (1 - g * g), 0];
      const dhdc = o * (1 - tc * tc);
      for (let q = 0; q < 4; q++) {
        viaIn[at(1, q, j)] = dcda[q]!;
        viaIn[at(0, q, j)] = q === 3 ? tc * o * (1 - o) : dhdc * dcda[q]!;
      }
      direct[(0 * S + 1) * H + j] = dhdc * f; // ∂h/∂c'
      direct[(1 * S + 1) * H + j] = f; // ∂c/∂c'
    }
    return { viaIn, viaHid: viaIn, direct };
  }
  if (cell === 'gru') {
    const viaHid = new Float64Array(S * G * H);
    for (let j = 0; j < H; j++) {
      const r = sigmoid(preIn[j]! + preHid[j]!);
      const z = sigmoid(preIn[H + j]! + preHid[H + j]!);
      const hn = preHid[2 * H + j]!;
      const n = Math.tanh(preIn[2 * H + j]! + r * hn);
      const dn = (1 - z) * (1 - n * n);
      viaIn[at(0, 0, j)] = viaHid[at(0, 0, j)] = dn * hn * r * (1 - r);
      viaIn[at(0, 1, j)] = viaHid[at(0, 1, j)] = (state[j]! - n) * z * (1 - z);
      viaIn[at(0, 2, j)] = dn;
      viaHid[at(0, 2, j)] = dn * r;
      direct[j] = z;
    }
    return { viaIn, viaHid, direct };
  }
  for (let j = 0; j < H; j++) {
    const a = preIn[j]! + preHid[j]!;
    const h = cell === 'rnn_tanh' ? Math.tanh(a) : cell === 'rnn_relu' ? Math.max(a, 0) : a;
    viaIn[j] = cell === 'rnn_tanh' ? 1 - h * h : cell === 'rnn_relu' ? (h > 0 ? 1 : 0) : 1;
  }
  return { viaIn, viaHid: viaIn, direct };
}

/** Jacobians of one step at (state s_{t-1}, input x). */
export interface StepJacobians {
  /** ∂s_t/∂s_{t-1} [S·H, S·H] row-major. */
  state: Float64Array;
  /** ∂s_t/∂x_t [S·H, In] row-major. */
  input: Float64Array;
  /** s_t [S·H]. */
  next: Float64Array;
}

/** State and input Jacobians of one step (plain loops; state s [S·H], x [In]). */
export function cellStepJacobians(cell: CellKind, hidden: number, w: LayerWeights, state: Float64Array, x: Float64Array): StepJacobians {
  const H = hidden;
  const G = gateCount(cell);
  const S = stateMultiplier(cell);
  const N = S * H;
  const inSize = w.wIh.length / (G * H);
  const preIn = linearForward(x, w.wIh, w.bIh, G * H, inSize);
  const preHid = linearForward(Float64Array.from(state.subarray(0, H)), w.wHh, w.bHh, G * H, H);
  const co = stepCoefficients(cell, H, preIn, preHid, state);
  const J = new Float64Array(N * N);
  const K = new Float64Array(N * inSize);
  for (let sv = 0; sv < S; sv++) {
    for (let j = 0; j < H; j++) {
      const row = sv * H + j;
      for (let g = 0; g < G; g++) {
        const dIn = co.viaIn[(sv * G + g) * H + j]!;
        const dHid = co.viaHid[(sv * G + g) * H + j]!;
        for (let k = 0; k < H; k++) J[row * N + k] += dHid * w.wHh[(g * H + j) * H + k]!;
        for (let k = 0; k < inSize; k++) K[row * inSize + k] += dIn * w.wIh[(g * H + j) * inSize + k]!;
      }
      for (let sp = 0; sp < S; sp++) J[row * N + sp * H + j] += co.direct[(sv * S + sp) * H + j]!;
    }
  }
  return { state: J, input: K, next: cellStep(cell, H, w, state, x) };
}

/**
 * Central finite differences of cellStep: ∂s_t/∂s_{t-1} [S·H, S·H] and ∂s_t/∂x [S·H, In],
 * step eps (default 1e-6) — what the analytic Jacobians are checked against.
 */
export function cellStepJacobiansFd(cell: CellKind, hidden: number, w: LayerWeights, state: Float64Array, x: Float64Array, eps = 1e-6): { state: Float64Array; input: Float64Array } {
  const column = (point: Float64Array, k: number, f: (p: Float64Array) => Float64Array): Float64Array => {
    const plus = Float64Array.from(point);
    const minus = Float64Array.from(point);
    plus[k]! += eps;
    minus[k]! -= eps;
    const a = f(plus);
    const b = f(minus);
    return a.map((v, i) => (v - b[i]!) / (2 * eps));
  };
  const N = state.length;
  const J = new Float64Array(N * N);
  const K = new Float64Array(N * x.length);
  for (let k = 0; k < N; k++) {
    const col = column(state, k, (s) => cellStep(cell, hidden, w, s, x));
    for (let r = 0; r < N; r++) J[r * N + k] = col[r]!;
  }
  for (let k = 0; k < x.length; k++) {
    const col = column(x, k, (xi) => cellStep(cell, hidden, w, state, xi));
    for (let r = 0; r < N; r++) K[r * x.length + k] = col[r]!;
  }
  return { state: J, input: K };
}

/** A stacked model's recurrent part in the reference's terms: cell, sizes, weights per layer. */
export interface StackedCell {
  cell: CellKind;
  hidden: number;
  /** layers[l]: layer l's weights (layer 0 reads the model input, layer l ≥ 1 the h of l−1). */
  layers: LayerWeights[];
}

/** Layer l's weights from a state_dict (float64 copies). */
export function layerWeightsOf(params: Readonly<Record<string, ArrayLike<number>>>, l: number): LayerWeights {
  const get = (name: string): Float64Array => {
    const v = params[name];
    if (!v) throw new Error(`parameters have no '${name}'`);
    return Float64Array.from(v);
  };
  return { wIh: get(`weight_ih_l${l}`), wHh: get(`weight_hh_l${l}`), bIh: get(`bias_ih_l${l}`), bHh: get(`bias_hh_l${l}`) };
}

/**
 * The full-state Jacobian [L·N, L·N] of a stack from its layers' state Jacobians J^l [N, N]
 * and input Jacobians K^l [N, In_l] (N = S·H): block lower-triangular, block (l, m) =
 * K^l · (h rows of block row l−1)(·, m) + δ_lm J^l, because layer l reads the h of layer l−1
 * at the same step.
 */
export function assembleStackJacobian(blocks: readonly { state: ArrayLike<number>; input: ArrayLike<number> }[], N: number): Float64Array {
  const L = blocks.length;
  const total = L * N;
  const J = new Float64Array(total * total);
  for (let l = 0; l < L; l++) {
    const { state, input } = blocks[l]!;
    const inSize = input.length / N;
    for (let r = 0; r < N; r++) {
      const row = (l * N + r) * total;
      for (let k = 0; k < N; k++) J[row + l * N + k] += state[r * N + k]!;
      if (l === 0) continue;
      for (let q = 0; q < inSize; q++) {
        const kq = input[r * inSize + q]!;
        if (kq === 0) continue;
        const src = ((l - 1) * N + q) * total;
        for (let col = 0; col < l * N; col++) J[row + col] += kq * J[src + col]!;
      }
    }
  }
  return J;
}

/**
 * One step of the whole stack: full state s [L·S·H] (layer-major; per layer h then c), model
 * input u [I]. Returns s_t and the full-state Jacobian ∂s_t/∂s_{t-1} [L·S·H, L·S·H]
 * (assembleStackJacobian).
 */
export function stackedStepJacobian(m: StackedCell, state: Float64Array, u: Float64Array): { next: Float64Array; jacobian: Float64Array } {
  const H = m.hidden;
  const N = stateMultiplier(m.cell) * H;
  const L = m.layers.length;
  if (state.length !== L * N) throw new Error(`state has ${state.length} values, expected ${L * N} (layers ${L} × ${N})`);
  const next = new Float64Array(L * N);
  const blocks: StepJacobians[] = [];
  let x = u;
  for (let l = 0; l < L; l++) {
    const step = cellStepJacobians(m.cell, H, m.layers[l]!, state.subarray(l * N, (l + 1) * N), x);
    next.set(step.next, l * N);
    blocks.push(step);
    x = step.next.slice(0, H);
  }
  return { next, jacobian: assembleStackJacobian(blocks, N) };
}
