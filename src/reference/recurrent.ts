// recurrent.ts — float64 plain-loop reference of the stacked recurrent model + Linear head:
// forward and full backpropagation through time, following PyTorch's nn.RNN / nn.LSTM /
// nn.GRU (batch_first=True, bias=True, dropout=0) and nn.Linear exactly.
//
//   x [B, T, I] → layer 0 → … → layer L-1 → rnn_out [B, T, H] → head → out
//   out [B, T, O] (head on every step) or [B, O] (headOnLastStepOnly)
//   h0, c0, h_n, c_n: [L, B, H] (not batch-first, PyTorch convention)
//
// The per-step point-wise math is in cells.ts, the affine maps in dense.ts.

import { CELL_KINDS, carriesCellState, cellPointwiseBackward, cellPointwiseForward, type StepTape } from './cells';
import { linearBackwardAccumulate, linearForward } from './dense';
import { headWeights, layerWeights, type Params, type RecurrentConfig } from './recurrent-params';

export { paramsToFloat64, type Params, type RecurrentConfig } from './recurrent-params';

/** Model inputs. Absent h0 / c0 mean zeros, as in PyTorch. */
export interface RecurrentInputs {
  /** x [B, T, I] batch-first. */
  x: Float64Array;
  batch: number;
  seqLen: number;
  /** Initial hidden state [L, B, H]. */
  h0?: Float64Array | null;
  /** Initial cell state [L, B, H] (LSTM only). */
  c0?: Float64Array | null;
}

/** Activations of one layer kept for the backward pass. */
export interface LayerTape {
  /** Layer input per step: T × [B, In]. */
  inputs: Float64Array[];
  /** Initial state [B, H]; cInit is null except for LSTM. */
  hInit: Float64Array;
  cInit: Float64Array | null;
  /** Per-step tapes, T of them. */
  steps: StepTape[];
}

/** Result of recurrentForward (also the tape recurrentBackward needs). */
export interface RecurrentForward {
  batch: number;
  seqLen: number;
  /** Head output: [B, T, O], or [B, O] when headOnLastStepOnly. */
  out: Float64Array;
  /** Top layer's h at every step [B, T, H]. */
  rnnOut: Float64Array;
  /** Last h of every layer [L, B, H]. */
  hN: Float64Array;
  /** Last c of every layer [L, B, H] (LSTM only, else null). */
  cN: Float64Array | null;
  layers: LayerTape[];
}

/** Gradients of a scalar loss. */
export interface RecurrentGradients {
  /** d loss / d parameter, by state_dict name, same shapes as the parameters. */
  params: Params;
  /** d loss / d x [B, T, I]. */
  x: Float64Array;
  /** d loss / d h0 [L, B, H] (the gradient w.r.t. the zero state when h0 was absent). */
  h0: Float64Array;
  /** d loss / d c0 [L, B, H] (LSTM only, else null). */
  c0: Float64Array | null;
  /**
   * d loss / d h_t of every layer and step [L, T, B, H]: all of it (from the loss at t and
   * later, and from the layer above). dc: d loss / d c_t [L, T, B, H] with h_t held fixed —
   * the part that flows back from t+1, the state coordinate of J_t = ∂(h, c)_t/∂(h, c)_{t-1}
   * (LSTM only, else null). src/reference/grad-norms.ts turns them into norms through time.
   */
  dh: Float64Array;
  dc: Float64Array | null;
}

/** Optional gradients arriving at the final states (e.g. from a later truncated-BPTT chunk). */
export interface FinalStateGrads {
  /** d loss / d h_n [L, B, H]. */
  hN?: Float64Array | null;
  /** d loss / d c_n [L, B, H] (LSTM only). */
  cN?: Float64Array | null;
}

/** Rows t of a batch-first sequence seq [B, T, F] → [B, F]. */
function stepSlice(seq: Float64Array, B: number, T: number, F: number, t: number): Float64Array {
  const out = new Float64Array(B * F);
  for (let b = 0; b < B; b++) out.set(seq.subarray((b * T + t) * F, (b * T + t + 1) * F), b * F);
  return out;
}

/** Layer l's [B, H] block of a [L, B, H] state (or zeros when state is null). */
function layerState(state: Float64Array | null | undefined, l: number, B: number, H: number): Float64Array {
  return state ? state.slice(l * B * H, (l + 1) * B * H) : new Float64Array(B * H);
}

function checkLength(name: string, arr: Float64Array, want: number, shape: string): void {
  if (arr.length !== want) throw new Error(`${name} has ${arr.length} elements, expected ${want} for shape ${shape}`);
}

function validateInputs(config: RecurrentConfig, inputs: RecurrentInputs): void {
  const { batch: B, seqLen: T } = inputs;
  if (!Number.isInteger(B) || B < 1) throw new Error(`inputs.batch must be an integer >= 1, got ${B}`);
  if (!Number.isInteger(T) || T < 1) throw new Error(`inputs.seqLen must be an integer >= 1, got ${T}`);
  const { inputSize: I, hiddenSize: H, numLayers: L } = config;
  checkLength('inputs.x', inputs.x, B * T * I, `[${B}, ${T}, ${I}]`);
  if (inputs.h0) checkLength('inputs.h0', inputs.h0, L * B * H, `[${L}, ${B}, ${H}]`);
  if (inputs.c0) {
    if (!carriesCellState(config.cell)) throw new Error(`inputs.c0 is only valid for ${CELL_KINDS.filter(carriesCellState).join(', ')}, got cell ${config.cell}`);
    checkLength('inputs.c0', inputs.c0, L * B * H, `[${L}, ${B}, ${H}]`);
  }
}

/** Runs one layer over all T steps; inputs: T × [B, In]. */
function layerForward(config: RecurrentConfig, params: Params, l: number, tape: LayerTape, B: number): void {
  const H = config.hiddenSize;
  const { GH, inSize, wIh, wHh, bIh, bHh } = layerWeights(config, params, l);
  let h = tape.hInit;
  let c = tape.cInit;
  for (const xt of tape.inputs) {
    const preIn = linearForward(xt, wIh, bIh, GH, inSize);
    const preHid = linearForward(h, wHh, bHh, GH, H);
    const step = cellPointwiseForward(config.cell, B, H, preIn, preHid, h, c);
    tape.steps.push(step);
    h = step.h;
    c = step.c;
  }
}

/** Forward pass of the whole model; keeps every activation for recurrentBackward. */
export function recurrentForward(config: RecurrentConfig, params: Params, inputs: RecurrentInputs): RecurrentForward {
  validateInputs(config, inputs);
  for (let l = 0; l < config.numLayers; l++) layerWeights(config, params, l);
  const head = headWeights(config, params);
  const { batch: B, seqLen: T } = inputs;
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const withC = carriesCellState(config.cell);
  const hN = new Float64Array(L * B * H);
  const cN = withC ? new Float64Array(L * B * H) : null;
  const layers: LayerTape[] = [];
  let seq: Float64Array[] = [];
  for (let t = 0; t < T; t++) seq.push(stepSlice(inputs.x, B, T, I, t));
  for (let l = 0; l < L; l++) {
    const tape: LayerTape = {
      inputs: seq,
      hInit: layerState(inputs.h0, l, B, H),
      cInit: withC ? layerState(inputs.c0, l, B, H) : null,
      steps: [],
    };
    layerForward(config, params, l, tape, B);
    layers.push(tape);
    const last = tape.steps[T - 1]!;
    hN.set(last.h, l * B * H);
    if (cN) cN.set(last.c!, l * B * H);
    seq = tape.steps.map((s) => s.h);
  }
  const rnnOut = new Float64Array(B * T * H); // [B, T, H]
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) rnnOut.set(seq[t]!.subarray(b * H, (b + 1) * H), (b * T + t) * H);
  }
  const headIn = config.headOnLastStepOnly ? seq[T - 1]! : rnnOut; // [B, H] or [B·T, H]
  const out = linearForward(headIn, head.w, head.b, O, H);
  return { batch: B, seqLen: T, out, rnnOut, hN, cN, layers };
}

/** d loss / d (top layer h_t) per step, T × [B, H], from the head backward. */
function headBackward(
  config: RecurrentConfig,
  params: Params,
  fwd: RecurrentForward,
  dOut: Float64Array,
  grads: Params,
): Float64Array[] {
  const { batch: B, seqLen: T } = fwd;
  const { hiddenSize: H, outputSize: O } = config;
  const dTop: Float64Array[] = [];
  for (let t = 0; t < T; t++) dTop.push(new Float64Array(B * H));
  const w = headWeights(config, params).w;
  if (config.headOnLastStepOnly) {
    checkLength('dOut', dOut, B * O, `[${B}, ${O}]`);
    const headIn = fwd.layers[config.numLayers - 1]!.steps[T - 1]!.h;
    linearBackwardAccumulate(dOut, headIn, w, O, H, grads['head.weight']!, grads['head.bias']!, dTop[T - 1]!);
    return dTop;
  }
  checkLength('dOut', dOut, B * T * O, `[${B}, ${T}, ${O}]`);
  const dRnnOut = new Float64Array(B * T * H);
  linearBackwardAccumulate(dOut, fwd.rnnOut, w, O, H, grads['head.weight']!, grads['head.bias']!, dRnnOut);
  for (let t = 0; t < T; t++) dTop[t]!.set(stepSlice(dRnnOut, B, T, H, t));
  return dTop;
}

/**
 * BPTT through layer l. dOutSeq: d loss / d h_t from above, T × [B, H]; dh, dc: gradients
 * at the layer's last state [B, H] (updated in place, end as the initial-state gradients).
 * Returns d loss / d (layer input) per step, T × [B, In].
 */
function layerBackward(
  config: RecurrentConfig,
  params: Params,
  l: number,
  tape: LayerTape,
  dOutSeq: Float64Array[],
  dh: Float64Array,
  dc: Float64Array | null,
  grads: Params,
  record: { dh: Float64Array; dc: Float64Array | null },
): Float64Array[] {
  const B = tape.hInit.length / config.hiddenSize;
  const H = config.hiddenSize;
  const { GH, inSize, wIh, wHh } = layerWeights(config, params, l);
  const dInputs: Float64Array[] = new Array<Float64Array>(tape.steps.length);
  for (let t = tape.steps.length - 1; t >= 0; t--) {
    const hPrev = t > 0 ? tape.steps[t - 1]!.h : tape.hInit;
    const cPrev = t > 0 ? tape.steps[t - 1]!.c : tape.cInit;
    const dhTotal = new Float64Array(B * H);
    for (let k = 0; k < dhTotal.length; k++) dhTotal[k] = dh[k]! + dOutSeq[t]![k]!;
    record.dh.set(dhTotal, t * B * H);
    if (record.dc && dc) record.dc.set(dc, t * B * H);
    const g = cellPointwiseBackward(config.cell, B, H, tape.steps[t]!, hPrev, cPrev, dhTotal, dc);
    const dx = new Float64Array(B * inSize);
    linearBackwardAccumulate(g.dPreIn, tape.inputs[t]!, wIh, GH, inSize, grads[`weight_ih_l${l}`]!, grads[`bias_ih_l${l}`]!, dx);
    const dhPrev = g.dhPrevDirect ?? new Float64Array(B * H);
    linearBackwardAccumulate(g.dPreHid, hPrev, wHh, GH, H, grads[`weight_hh_l${l}`]!, grads[`bias_hh_l${l}`]!, dhPrev);
    dh.set(dhPrev);
    if (dc !== null) dc.set(g.dcPrev!);
    dInputs[t] = dx;
  }
  return dInputs;
}

/**
 * Full BPTT given dOut = d loss / d out (same shape as fwd.out), and optionally gradients
 * arriving at h_n / c_n. Returns gradients w.r.t. every parameter, x, h0 and c0.
 */
export function recurrentBackward(
  config: RecurrentConfig,
  params: Params,
  fwd: RecurrentForward,
  dOut: Float64Array,
  finalStateGrads: FinalStateGrads = {},
): RecurrentGradients {
  for (let l = 0; l < config.numLayers; l++) layerWeights(config, params, l);
  headWeights(config, params);
  const { batch: B, seqLen: T } = fwd;
  const { inputSize: I, hiddenSize: H, numLayers: L } = config;
  const withC = carriesCellState(config.cell);
  if (finalStateGrads.hN) checkLength('finalStateGrads.hN', finalStateGrads.hN, L * B * H, `[${L}, ${B}, ${H}]`);
  if (finalStateGrads.cN) checkLength('finalStateGrads.cN', finalStateGrads.cN, L * B * H, `[${L}, ${B}, ${H}]`);
  const grads: Params = {};
  for (const [name, p] of Object.entries(params)) grads[name] = new Float64Array(p.length);
  let dSeq = headBackward(config, params, fwd, dOut, grads);
  const dh0 = new Float64Array(L * B * H);
  const dc0 = withC ? new Float64Array(L * B * H) : null;
  const dhSeq = new Float64Array(L * T * B * H);
  const dcSeq = withC ? new Float64Array(L * T * B * H) : null;
  for (let l = L - 1; l >= 0; l--) {
    const dh = layerState(finalStateGrads.hN, l, B, H);
    const dc = withC ? layerState(finalStateGrads.cN, l, B, H) : null;
    const record = { dh: dhSeq.subarray(l * T * B * H, (l + 1) * T * B * H), dc: dcSeq?.subarray(l * T * B * H, (l + 1) * T * B * H) ?? null };
    dSeq = layerBackward(config, params, l, fwd.layers[l]!, dSeq, dh, dc, grads, record);
    dh0.set(dh, l * B * H);
    if (dc0 && dc) dc0.set(dc, l * B * H);
  }
  const dx = new Float64Array(B * T * I); // [B, T, I]
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) dx.set(dSeq[t]!.subarray(b * I, (b + 1) * I), (b * T + t) * I);
  }
  return { params: grads, x: dx, h0: dh0, c0: dc0, dh: dhSeq, dc: dcSeq };
}
