// recurrent.ts — float64 plain-loop reference of the stacked recurrent model + Linear head:
// forward and full backpropagation through time, following PyTorch's nn.RNN / nn.LSTM /
// nn.GRU (batch_first=True, bias=True, bidirectional, dropout given as fixed masks) and
// nn.Linear exactly.
//
//   x [B, T, I] → layer 0 → … → layer L-1 → rnn_out [B, T, D·H] → head → out
//   out [B, T, O] (head on every step) or [B, O] (last step, or the final states)
//   h0, c0, h_n, c_n: [D·L, B, H], row l·D + d (not batch-first, PyTorch convention)
// D = 2 when bidirectional: direction 1 reads x_T … x_1; layer l+1 reads [h_fwd(t), h_rev(t)].
// Dropout: inputs.masks[l] multiplies layer l's input [B, T, In] element-wise (0 or 1/(1−p);
// masks[0] is the input dropout of x) — src/reference/dropout.ts draws them as the GPU does.
//
// The per-step point-wise math is in cells.ts, the affine maps in dense.ts.

import { CELL_KINDS, carriesCellState, cellPointwiseBackward, cellPointwiseForward, type StepTape } from './cells';
import { linearBackwardAccumulate, linearForward } from './dense';
import { directionCount, directionSuffix, headKind, headWeights, layerWeights, type Params, type RecurrentConfig } from './recurrent-params';
import { checkLength, directionColumns, finalStates, headBackward, joinDirections, stepSlice, tapeDirections } from './recurrent-head';

export { tapeDirections } from './recurrent-head';

export { paramsToFloat64, type Params, type RecurrentConfig, type ReferenceHead } from './recurrent-params';

/** Model inputs. Absent h0 / c0 mean zeros, as in PyTorch. */
export interface RecurrentInputs {
  /** x [B, T, I] batch-first. */
  x: Float64Array;
  batch: number;
  seqLen: number;
  /** Initial hidden state [D·L, B, H]. */
  h0?: Float64Array | null;
  /** Initial cell state [D·L, B, H] (LSTM only). */
  c0?: Float64Array | null;
  /** Dropout multipliers of layer l's input [B, T, In] (l = 0: x), or null / absent: none. */
  masks?: readonly (Float64Array | null)[];
}

/** What one direction of a layer keeps for the backward pass. */
export interface DirectionTape {
  /** Initial state [B, H]; cInit is null except for LSTM. */
  hInit: Float64Array;
  cInit: Float64Array | null;
  /** Per-step tapes by time t, T of them (the reverse direction fills them from t = T−1 down). */
  steps: StepTape[];
}

/** Activations of one layer kept for the backward pass: its input and its forward direction (this tape), and its reverse direction. */
export interface LayerTape extends DirectionTape {
  /** Layer input per step, dropout applied: T × [B, In]. */
  inputs: Float64Array[];
  /** The reverse direction (bidirectional), else null. */
  reverse: DirectionTape | null;
}

/** Result of recurrentForward (also the tape recurrentBackward needs). */
export interface RecurrentForward {
  batch: number;
  seqLen: number;
  /** Head output: [B, T, O], or [B, O] for the last-step and final-states heads. */
  out: Float64Array;
  /** Top layer's h at every step [B, T, D·H] (directions side by side). */
  rnnOut: Float64Array;
  /** Final h of every layer and direction [D·L, B, H]. */
  hN: Float64Array;
  /** Final c likewise (LSTM only, else null). */
  cN: Float64Array | null;
  layers: LayerTape[];
  /** The dropout masks the forward applied (by layer), for the backward. */
  masks: readonly (Float64Array | null)[];
}

/** Gradients of a scalar loss. */
export interface RecurrentGradients {
  /** d loss / d parameter, by state_dict name, same shapes as the parameters. */
  params: Params;
  /** d loss / d x [B, T, I]. */
  x: Float64Array;
  /** d loss / d h0 [D·L, B, H] (the gradient w.r.t. the zero state when h0 was absent). */
  h0: Float64Array;
  /** d loss / d c0 [D·L, B, H] (LSTM only, else null). */
  c0: Float64Array | null;
  /**
   * d loss / d h_t of every layer, direction and step [D·L, T, B, H] (row l·D + d): all of it
   * (from the loss at t and the steps taken after it, and from the layer above). dc: d loss /
   * d c_t likewise with h_t held fixed — the part that flows back from the next step, the state coordinate of J_t = ∂(h, c)_t/∂(h, c)_{t-1}
   * (LSTM only, else null). src/reference/grad-norms.ts turns them into norms through time.
   */
  dh: Float64Array;
  dc: Float64Array | null;
}

/** Optional gradients arriving at the final states (e.g. from a later truncated-BPTT chunk). */
export interface FinalStateGrads {
  /** d loss / d h_n [D·L, B, H]. */
  hN?: Float64Array | null;
  /** d loss / d c_n [D·L, B, H] (LSTM only). */
  cN?: Float64Array | null;
}

/** T × [B, F] per-step rows → batch-first [B, T, F]. */
function batchFirst(steps: readonly Float64Array[], B: number, F: number): Float64Array {
  const T = steps.length;
  const out = new Float64Array(B * T * F);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) out.set(steps[t]!.subarray(b * F, (b + 1) * F), (b * T + t) * F);
  }
  return out;
}

/** Row k's [B, H] block of a [D·L, B, H] state (or zeros when state is null). */
function stateRow(state: Float64Array | null | undefined, k: number, B: number, H: number): Float64Array {
  return state ? state.slice(k * B * H, (k + 1) * B * H) : new Float64Array(B * H);
}

function validateInputs(config: RecurrentConfig, inputs: RecurrentInputs): void {
  const { batch: B, seqLen: T } = inputs;
  if (!Number.isInteger(B) || B < 1) throw new Error(`inputs.batch must be an integer >= 1, got ${B}`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`inputs.seqLen must be an integer >= 1, got ${T}`);
  const { inputSize: I, hiddenSize: H, numLayers: L } = config;
  const rows = directionCount(config) * L;
  checkLength('inputs.x', inputs.x, B * T * I, `[${B}, ${T}, ${I}]`);
  if (inputs.h0) checkLength('inputs.h0', inputs.h0, rows * B * H, `[${rows}, ${B}, ${H}]`);
  if (inputs.c0) {
    if (!carriesCellState(config.cell)) throw new Error(`inputs.c0 is only valid for ${CELL_KINDS.filter(carriesCellState).join(', ')}, got cell ${config.cell}`);
    checkLength('inputs.c0', inputs.c0, rows * B * H, `[${rows}, ${B}, ${H}]`);
  }
  (inputs.masks ?? []).forEach((m, l) => {
    const width = l === 0 ? I : directionCount(config) * H;
    if (m) checkLength(`inputs.masks[${l}]`, m, B * T * width, `[${B}, ${T}, ${width}]`);
  });
}

/** The steps a direction takes, in order: t = 0 … T−1 forward, T−1 … 0 reverse. */
function stepOrder(T: number, reverse: boolean): number[] {
  return Array.from({ length: T }, (_, k) => (reverse ? T - 1 - k : k));
}

/** Runs direction d of layer l over all steps; inputs: T × [B, In]. */
function directionForward(config: RecurrentConfig, params: Params, l: number, d: number, inputs: Float64Array[], tape: DirectionTape, B: number): void {
  const H = config.hiddenSize;
  const { GH, inSize, wIh, wHh, bIh, bHh } = layerWeights(config, params, l, d);
  let h = tape.hInit;
  let c = tape.cInit;
  for (const t of stepOrder(inputs.length, d === 1)) {
    const preIn = linearForward(inputs[t]!, wIh, bIh, GH, inSize);
    const preHid = linearForward(h, wHh, bHh, GH, H);
    const step = cellPointwiseForward(config.cell, B, H, preIn, preHid, h, c);
    tape.steps[t] = step;
    h = step.h;
    c = step.c;
  }
}

/** Multiplies T × [B, F] rows by a batch-first [B, T, F] mask (null: unchanged). */
function applyMask(seq: Float64Array[], mask: Float64Array | null | undefined, B: number, F: number): Float64Array[] {
  if (!mask) return seq;
  const T = seq.length;
  return seq.map((row, t) => Float64Array.from(row, (v, k) => v * mask[(Math.floor(k / F) * T + t) * F + (k % F)]!));
}

/** Forward pass of the whole model; keeps every activation for recurrentBackward. */
export function recurrentForward(config: RecurrentConfig, params: Params, inputs: RecurrentInputs): RecurrentForward {
  validateInputs(config, inputs);
  const D = directionCount(config);
  for (let l = 0; l < config.numLayers; l++) for (let d = 0; d < D; d++) layerWeights(config, params, l, d);
  const head = headWeights(config, params);
  const { batch: B, seqLen: T } = inputs;
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const withC = carriesCellState(config.cell);
  const hN = new Float64Array(D * L * B * H);
  const cN = withC ? new Float64Array(D * L * B * H) : null;
  const layers: LayerTape[] = [];
  const masks = Array.from({ length: L }, (_, l) => inputs.masks?.[l] ?? null);
  let seq: Float64Array[] = Array.from({ length: T }, (_, t) => stepSlice(inputs.x, B, T, I, t));
  for (let l = 0; l < L; l++) {
    const layerIn = applyMask(seq, masks[l], B, l === 0 ? I : D * H);
    const dirs = Array.from({ length: D }, (_, d): DirectionTape => ({
      hInit: stateRow(inputs.h0, l * D + d, B, H), cInit: withC ? stateRow(inputs.c0, l * D + d, B, H) : null, steps: [],
    }));
    dirs.forEach((tape, d) => {
      directionForward(config, params, l, d, layerIn, tape, B);
      const final = tape.steps[d === 0 ? T - 1 : 0]!;
      hN.set(final.h, (l * D + d) * B * H);
      if (cN) cN.set(final.c!, (l * D + d) * B * H);
    });
    layers.push({ ...dirs[0]!, inputs: layerIn, reverse: dirs[1] ?? null });
    seq = Array.from({ length: T }, (_, t) => joinDirections(dirs.map((tape) => tape.steps[t]!.h), B, H));
  }
  const rnnOut = batchFirst(seq, B, D * H);
  const kind = headKind(config);
  const headIn = kind === 'every-step' ? rnnOut : kind === 'last-step' ? seq[T - 1]! : finalStates(layers[L - 1]!, B, H, T);
  const out = linearForward(headIn, head.w, head.b, O, D * H);
  return { batch: B, seqLen: T, out, rnnOut, hN, cN, layers, masks };
}

/**
 * BPTT through direction d of layer l. dOutSeq: d loss / d h_t of this direction from above,
 * T × [B, H]; dh, dc: gradients at its final state [B, H] (updated in place, end as the
 * initial-state gradients). Adds d loss / d (layer input) per step into dInputs, T × [B, In].
 */
function directionBackward(config: RecurrentConfig, params: Params, l: number, d: number, tape: LayerTape, dOutSeq: Float64Array[], state: { dh: Float64Array; dc: Float64Array | null }, grads: Params, dInputs: Float64Array[], record: { dh: Float64Array; dc: Float64Array | null }): void {
  const H = config.hiddenSize;
  const B = tape.hInit.length / H;
  const dir = tapeDirections(tape)[d]!;
  const s = `l${l}${directionSuffix(d)}`;
  const { GH, inSize, wIh, wHh } = layerWeights(config, params, l, d);
  const T = dir.steps.length;
  for (const t of stepOrder(T, d === 1).reverse()) {
    const prev = d === 0 ? t - 1 : t + 1; // the step this one followed
    const before = prev >= 0 && prev < T ? dir.steps[prev]! : null;
    const hPrev = before ? before.h : dir.hInit;
    const cPrev = before ? before.c : dir.cInit;
    const dhTotal = Float64Array.from(state.dh, (v, k) => v + dOutSeq[t]![k]!);
    record.dh.set(dhTotal, t * B * H);
    if (record.dc && state.dc) record.dc.set(state.dc, t * B * H);
    const g = cellPointwiseBackward(config.cell, B, H, dir.steps[t]!, hPrev, cPrev, dhTotal, state.dc);
    linearBackwardAccumulate(g.dPreIn, tape.inputs[t]!, wIh, GH, inSize, grads[`weight_ih_${s}`]!, grads[`bias_ih_${s}`]!, dInputs[t]!);
    const dhPrev = g.dhPrevDirect ?? new Float64Array(B * H);
    linearBackwardAccumulate(g.dPreHid, hPrev, wHh, GH, H, grads[`weight_hh_${s}`]!, grads[`bias_hh_${s}`]!, dhPrev);
    state.dh.set(dhPrev);
    if (state.dc !== null) state.dc.set(g.dcPrev!);
  }
}

/**
 * Full BPTT given dOut = d loss / d out (same shape as fwd.out), and optionally gradients
 * arriving at h_n / c_n. Returns gradients w.r.t. every parameter, x, h0 and c0.
 */
export function recurrentBackward(config: RecurrentConfig, params: Params, fwd: RecurrentForward, dOut: Float64Array, finalStateGrads: FinalStateGrads = {}): RecurrentGradients {
  const D = directionCount(config);
  for (let l = 0; l < config.numLayers; l++) for (let d = 0; d < D; d++) layerWeights(config, params, l, d);
  headWeights(config, params);
  const { batch: B, seqLen: T } = fwd;
  const { inputSize: I, hiddenSize: H, numLayers: L } = config;
  const withC = carriesCellState(config.cell);
  const rows = D * L;
  if (finalStateGrads.hN) checkLength('finalStateGrads.hN', finalStateGrads.hN, rows * B * H, `[${rows}, ${B}, ${H}]`);
  if (finalStateGrads.cN) checkLength('finalStateGrads.cN', finalStateGrads.cN, rows * B * H, `[${rows}, ${B}, ${H}]`);
  const grads: Params = {};
  for (const [name, p] of Object.entries(params)) grads[name] = new Float64Array(p.length);
  const { dTop, dFinal } = headBackward(config, params, { ...fwd, top: fwd.layers[L - 1]! }, dOut, grads);
  let dSeq = dTop; // T × [B, D·H]: d loss / d (layer l's output)
  const dh0 = new Float64Array(rows * B * H);
  const dc0 = withC ? new Float64Array(rows * B * H) : null;
  const dhSeq = new Float64Array(rows * T * B * H);
  const dcSeq = withC ? new Float64Array(rows * T * B * H) : null;
  for (let l = L - 1; l >= 0; l--) {
    const tape = fwd.layers[l]!;
    const inSize = l === 0 ? I : D * H;
    const dInputs = Array.from({ length: T }, () => new Float64Array(B * inSize));
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const dh = stateRow(finalStateGrads.hN, k, B, H);
      if (l === L - 1) for (let e = 0; e < dh.length; e++) dh[e]! += dFinal[d]![e]!;
      const state = { dh, dc: withC ? stateRow(finalStateGrads.cN, k, B, H) : null };
      const dOwn = dSeq.map((rowsT) => directionColumns(rowsT, B, H, D, d));
      const span = [k * T * B * H, (k + 1) * T * B * H] as const;
      const record = { dh: dhSeq.subarray(...span), dc: dcSeq?.subarray(...span) ?? null };
      directionBackward(config, params, l, d, tape, dOwn, state, grads, dInputs, record);
      dh0.set(state.dh, k * B * H);
      if (dc0 && state.dc) dc0.set(state.dc, k * B * H);
    }
    dSeq = applyMask(dInputs, fwd.masks[l], B, inSize); // through the dropout of layer l's input
  }
  return { params: grads, x: batchFirst(dSeq, B, I), h0: dh0, c0: dc0, dh: dhSeq, dc: dcSeq };
}
