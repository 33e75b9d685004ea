// recurrent-head.ts — the Linear head of the float64 recurrent reference (recurrent.ts) and
// what it reads: rnn_out at every step, rnn_out at the last step, or every direction's final
// state (forward h(T−1), reverse h(0)), and the head's backward into the top layer.
import { linearBackwardAccumulate } from './dense';
import { directionCount, headKind, headWeights, type Params, type RecurrentConfig } from './recurrent-params';

/** What the head reads of the top layer: each direction's h by time t (a LayerTape of recurrent.ts). */
export interface HeadTape {
  steps: readonly { h: Float64Array }[];
  reverse: { steps: readonly { h: Float64Array }[] } | null;
}

/** What the head's backward reads of the forward: its sizes, rnn_out and the top layer. */
export interface HeadForward {
  batch: number;
  seqLen: number;
  /** [B, T, D·H]. */
  rnnOut: Float64Array;
  top: HeadTape;
}

/** Rows t of a batch-first sequence seq [B, T, F] → [B, F]. */
export function stepSlice(seq: Float64Array, B: number, T: number, F: number, t: number): Float64Array {
  const out = new Float64Array(B * F);
  for (let b = 0; b < B; b++) out.set(seq.subarray((b * T + t) * F, (b * T + t + 1) * F), b * F);
  return out;
}

/** Throws naming the array when it does not hold `want` values. */
export function checkLength(name: string, arr: Float64Array, want: number, shape: string): void {
  if (arr.length !== want) throw new Error(`${name} has ${arr.length} elements, expected ${want} for shape ${shape}`);
}

/** The directions of a layer tape, forward first. */
export function tapeDirections<X>(tape: X & { reverse: X | null }): X[] {
  return tape.reverse ? [tape, tape.reverse] : [tape];
}

/** [B, D·H]: each direction's [B, H] side by side. */
export function joinDirections(parts: readonly Float64Array[], B: number, H: number): Float64Array {
  const D = parts.length;
  const out = new Float64Array(B * D * H);
  for (let b = 0; b < B; b++) parts.forEach((p, d) => out.set(p.subarray(b * H, (b + 1) * H), (b * D + d) * H));
  return out;
}

/** The top layer's final states [B, D·H]: forward h(T−1), reverse h(0). */
export function finalStates(top: HeadTape, B: number, H: number, T: number): Float64Array {
  return joinDirections(tapeDirections(top).map((tape, d) => tape.steps[d === 0 ? T - 1 : 0]!.h), B, H);
}

/** Direction d's [B, H] columns of a [B, D·H] row block. */
export function directionColumns(rows: Float64Array, B: number, H: number, D: number, d: number): Float64Array {
  const out = new Float64Array(B * H);
  for (let b = 0; b < B; b++) out.set(rows.subarray((b * D + d) * H, (b * D + d + 1) * H), b * H);
  return out;
}

/**
 * The head's backward: d loss / d (top layer output at each step), T × [B, D·H], and the
 * gradient into each top direction's final state [B, H] (final-states head; else zeros).
 */
export function headBackward(config: RecurrentConfig, params: Params, fwd: HeadForward, dOut: Float64Array, grads: Params): { dTop: Float64Array[]; dFinal: Float64Array[] } {
  const { batch: B, seqLen: T } = fwd;
  const { hiddenSize: H, outputSize: O } = config;
  const D = directionCount(config);
  const DH = D * H;
  const dTop = Array.from({ length: T }, () => new Float64Array(B * DH));
  const dFinal = Array.from({ length: D }, () => new Float64Array(B * H));
  const w = headWeights(config, params).w;
  const kind = headKind(config);
  const gw = grads['head.weight']!;
  const gb = grads['head.bias']!;
  if (kind === 'every-step') {
    checkLength('dOut', dOut, B * T * O, `[${B}, ${T}, ${O}]`);
    const dRnnOut = new Float64Array(B * T * DH);
    linearBackwardAccumulate(dOut, fwd.rnnOut, w, O, DH, gw, gb, dRnnOut);
    for (let t = 0; t < T; t++) dTop[t]!.set(stepSlice(dRnnOut, B, T, DH, t));
    return { dTop, dFinal };
  }
  checkLength('dOut', dOut, B * O, `[${B}, ${O}]`);
  const top = fwd.top;
  if (kind === 'last-step') {
    const headIn = joinDirections(tapeDirections(top).map((tape) => tape.steps[T - 1]!.h), B, H);
    linearBackwardAccumulate(dOut, headIn, w, O, DH, gw, gb, dTop[T - 1]!);
    return { dTop, dFinal };
  }
  const dIn = new Float64Array(B * DH);
  linearBackwardAccumulate(dOut, finalStates(top, B, H, T), w, O, DH, gw, gb, dIn);
  return { dTop, dFinal: dFinal.map((_, d) => directionColumns(dIn, B, H, D, d)) };
}
