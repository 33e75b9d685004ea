// fixed-points.ts — fixed points of a trained recurrent model for a constant input u*
// (Sussillo & Barak 2013; Golub & Sussillo's FixedPointFinder): minimise
//   q(s) = ½‖F(s, u*) − s‖²,   ∇q = (J − I)ᵀ (F(s) − s) = Jᵀ r − r
// from K starts at once on the GPU — F is the model's own one-step forward, Jᵀ r its one-step
// backward with d loss / d s_1 = r (no new recurrent kernel), Adam on s with a geometrically
// decaying learning rate (shaders/fixed_point.wgsl). Then, on the host in float64: a few
// Newton steps (J − I) δ = −r that are kept only when they lower q, the points with q below
// the tolerance, duplicates merged, and each classified by the eigenvalues of J there.
// The search overwrites the model's gradient arena (it runs backward passes).
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import type { RecurrentModel } from '../model/recurrent-model';
import { fixedPointKernel, recordDescent, recordResidual } from '../kernels/fixed-point';
import { stackedStepJacobian, type StackedCell } from '../reference/jacobian';
import { eigenvalues, solve, type Complex } from './linalg';
import { classifyEigenvalues, type Stability } from './stability';
import { fromModelStates, fullStateSize, stackOf, toModelStates } from './state-layout';
import { requireInteger, requireNumber } from '../util/check';

/** Settings of findFixedPoints (defaults in brackets). */
export interface FixedPointOptions {
  /** u* [I] held constant [zeros]. */
  input?: ArrayLike<number>;
  /** Start states [K, D] (full states, src/analysis/state-layout.ts). */
  starts: ArrayLike<number>;
  /** Adam iterations on the GPU [1500]. */
  iterations?: number;
  /** Learning rate, decaying geometrically from lr to lrEnd [0.1 → 1e-5]. */
  lr?: number;
  /** Learning rate at the last iteration [1e-5]. */
  lrEnd?: number;
  /** Keep points with q (float64, after polishing) at most this [1e-12]. */
  qTolerance?: number;
  /** Merge points closer than this × max(1, ‖s‖) [1e-5]. */
  mergeTolerance?: number;
  /** Newton steps on the host in float64 [8; 0: none]. */
  newtonSteps?: number;
  /** Called every few hundred iterations with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** One fixed point s* with F(s*) ≈ s*. */
export interface FixedPoint {
  /** The full state [D] (per layer h, then c for LSTM). */
  state: number[];
  /** ½‖F(s) − s‖² in float64 at `state`. */
  q: number;
  /** q as the GPU left it (float32 arithmetic, before the Newton polish). */
  qGpu: number;
  /** Eigenvalues of J = ∂F/∂s at the point, largest |λ| first. */
  eigenvalues: Complex[];
  /** stable (every |λ| < 1), unstable (every |λ| > 1) or saddle. */
  stability: Stability;
  /** True when J has a complex eigenvalue pair there. */
  oscillatory: boolean;
  /** How many starts ended here. */
  starts: number;
}

/** What the search found: the kept points (most starts first) and every start's final q. */
export interface FixedPointResult {
  /** Kept fixed points: q at most qTolerance, merged, most starts first. */
  points: FixedPoint[];
  /** q of every start after the GPU search (float32) and after polishing (float64). */
  qGpu: number[];
  /** q of every start after polishing (float64). */
  q: number[];
}

const BETAS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

function checkOptions(D: number, I: number, o: FixedPointOptions): { K: number; input: Float32Array } {
  if (!o.starts || typeof o.starts.length !== 'number' || o.starts.length === 0 || o.starts.length % D !== 0) {
    throw new Error(`findFixedPoints: starts must hold K × ${D} values (K full states), got ${o.starts?.length ?? String(o.starts)}`);
  }
  for (let i = 0; i < o.starts.length; i++) requireNumber(`findFixedPoints: starts[${i}]`, o.starts[i]);
  const input = Float32Array.from(o.input ?? new Float64Array(I));
  if (input.length !== I) throw new Error(`findFixedPoints: input must hold ${I} values (the model's input size), got ${input.length}`);
  input.forEach((v, i) => requireNumber(`findFixedPoints: input[${i}]`, v));
  if (o.iterations !== undefined) requireInteger('findFixedPoints: iterations', o.iterations, { min: 1 });
  for (const k of ['lr', 'lrEnd', 'qTolerance', 'mergeTolerance'] as const) if (o[k] !== undefined) requireNumber(`findFixedPoints: ${k}`, o[k], { min: 0 });
  if (o.newtonSteps !== undefined) requireInteger('findFixedPoints: newtonSteps', o.newtonSteps, { min: 0 });
  return { K: o.starts.length / D, input };
}

/** GPU tensors of one search: states, residuals and Adam moments of h (and c). */
class SearchBuffers {
  readonly owned: GpuTensor[] = [];
  readonly parts: { state: GpuTensor; resid: GpuTensor; m1: GpuTensor; m2: GpuTensor }[] = [];
  readonly x: GpuTensor;
  readonly dOut: GpuTensor;

  constructor(private readonly sched: Scheduler, model: RecurrentModel, K: number, init: { h: Float32Array; c: Float32Array | null }, input: Float32Array) {
    const { numLayers: L, hiddenSize: H, inputSize: I, outputSize: O, head } = model.config;
    for (const [name, values] of [['h', init.h], ['c', init.c]] as const) {
      if (!values) continue;
      const make = (what: string, data?: Float32Array) => this.make([L, K, H], `fixed-point ${name} ${what}`, data);
      this.parts.push({ state: make('state', values), resid: make('residual'), m1: make('m1', new Float32Array(L * K * H)), m2: make('m2', new Float32Array(L * K * H)) });
    }
    const xs = new Float32Array(K * I);
    for (let k = 0; k < K; k++) xs.set(input, k * I);
    this.x = this.make([K, 1, I], 'fixed-point input', xs);
    this.dOut = this.make(head === 'every-step' ? [K, 1, O] : [K, O], 'fixed-point zero dOut', new Float32Array(K * O));
  }

  private make(shape: number[], label: string, data?: Float32Array): GpuTensor {
    const t = this.sched.createTensor(shape, 'f32', label, data);
    this.owned.push(t);
    return t;
  }

  destroy(): void {
    this.sched.submit();
    for (const t of this.owned) this.sched.destroyBuffer(t.buffer);
  }
}

/** Records F(s) and r = F(s) − s for the current states; returns the forward's final states. */
function recordResiduals(sched: Scheduler, model: RecurrentModel, buf: SearchBuffers): void {
  const [h, c] = buf.parts;
  const fwd = model.forward(buf.x, { h0: h!.state, c0: c?.state ?? null });
  const n = numelOf(h!.state);
  recordResidual(sched, { next: fwd.hN, state: h!.state, resid: h!.resid, n });
  if (c) recordResidual(sched, { next: fwd.cN!, state: c.state, resid: c.resid, n });
}

const numelOf = (t: GpuTensor): number => t.shape.reduce((a, b) => a * b, 1);

/** Records one Adam iteration (residual, Jᵀ r by the one-step backward, descent) at iteration i. */
function recordIteration(sched: Scheduler, model: RecurrentModel, buf: SearchBuffers, i: number, lr: number): void {
  recordResiduals(sched, model, buf);
  const [h, c] = buf.parts;
  const back = model.backward(buf.dOut, { dhN: h!.resid, dcN: c?.resid ?? null });
  const t = i + 1;
  const step = { ...BETAS, stepSize: lr / (1 - BETAS.beta1 ** t), bc2Sqrt: Math.sqrt(1 - BETAS.beta2 ** t) };
  const n = numelOf(h!.state);
  recordDescent(sched, { state: h!.state, resid: h!.resid, back: back.dh0, m1: h!.m1, m2: h!.m2, n }, step);
  if (c) recordDescent(sched, { state: c.state, resid: c.resid, back: back.dc0!, m1: c.m1, m2: c.m2, n }, step);
}

/**
 * q and ∇q = Jᵀ r − r of K full states on the GPU (one forward, one backward): q [K], grad [K, D].
 * What the search descends on; exposed for checking against finite differences.
 */
export async function fixedPointGradient(sched: Scheduler, model: RecurrentModel, states: ArrayLike<number>, input?: ArrayLike<number>): Promise<{ q: Float64Array; grad: Float64Array }> {
  const config = model.config;
  const D = fullStateSize(config);
  const { K, input: u } = checkOptions(D, config.inputSize, { starts: states, input });
  await sched.prepare(fixedPointKernel);
  const buf = new SearchBuffers(sched, model, K, toModelStates(config, states, K), u);
  try {
    recordResiduals(sched, model, buf);
    const [h, c] = buf.parts;
    const back = model.backward(buf.dOut, { dhN: h!.resid, dcN: c?.resid ?? null });
    const got = (await sched.readMany([h!.resid, back.dh0, ...(c ? [c.resid, back.dc0!] : [])])) as Float32Array[];
    const r = fromModelStates(config, got[0]!, c ? got[2]! : null, K);
    const jtr = fromModelStates(config, got[1]!, c ? got[3]! : null, K);
    const q = Float64Array.from(halfSquaredNorms(r, K, D));
    return { q, grad: jtr.map((v, i) => v - r[i]!) };
  } finally {
    buf.destroy();
  }
}

/** ½‖r_k‖² of each of the K residuals (r: [K, D]). */
function halfSquaredNorms(r: Float64Array, K: number, D: number): number[] {
  return Array.from({ length: K }, (_, k) => 0.5 * r.subarray(k * D, (k + 1) * D).reduce((a, v) => a + v * v, 0));
}

/** ½‖F(s) − s‖² in float64. */
export function qValue(stack: StackedCell, s: Float64Array, u: Float64Array): number {
  const next = stackedStepJacobian(stack, s, u).next;
  let q = 0;
  for (let i = 0; i < s.length; i++) q += (next[i]! - s[i]!) ** 2;
  return 0.5 * q;
}

/** Newton steps on F(s) = s in float64, each kept only when it lowers q. */
function polish(stack: StackedCell, s: Float64Array, u: Float64Array, steps: number): Float64Array {
  const D = s.length;
  let best = s;
  let bestQ = qValue(stack, s, u);
  for (let it = 0; it < steps && bestQ > 0; it++) {
    const { next, jacobian } = stackedStepJacobian(stack, best, u);
    for (let i = 0; i < D; i++) jacobian[i * D + i]! -= 1;
    let delta: Float64Array;
    try {
      delta = solve(jacobian, next.map((v, i) => best[i]! - v), D);
    } catch {
      break; // J − I singular here (a line of fixed points, say): keep the GPU's point
    }
    const trial = best.map((v, i) => v + delta[i]!);
    const q = qValue(stack, trial, u);
    if (!(q < bestQ)) break;
    best = trial;
    bestQ = q;
  }
  return best;
}

/** Searches K starts at once; see the file comment. */
export async function findFixedPoints(sched: Scheduler, model: RecurrentModel, o: FixedPointOptions): Promise<FixedPointResult> {
  const config = model.config;
  const D = fullStateSize(config);
  const { K, input } = checkOptions(D, config.inputSize, o);
  const iterations = o.iterations ?? 1500;
  const lr0 = o.lr ?? 0.1;
  const lrEnd = o.lrEnd ?? 1e-5;
  await sched.prepare(fixedPointKernel);
  const buf = new SearchBuffers(sched, model, K, toModelStates(config, o.starts, K), input);
  let states: Float64Array;
  let qGpu: number[];
  try {
    for (let i = 0; i < iterations; i++) {
      recordIteration(sched, model, buf, i, lr0 * (lrEnd / lr0) ** (i / Math.max(1, iterations - 1)));
      if ((i + 1) % 250 === 0) {
        await sched.flush();
        o.onProgress?.(i + 1, iterations);
      }
    }
    recordResiduals(sched, model, buf);
    const [h, c] = buf.parts;
    const got = (await sched.readMany([h!.state, h!.resid, ...(c ? [c.state, c.resid] : [])])) as Float32Array[];
    states = fromModelStates(config, got[0]!, c ? got[2]! : null, K);
    const r = fromModelStates(config, got[1]!, c ? got[3]! : null, K);
    qGpu = halfSquaredNorms(r, K, D);
  } finally {
    buf.destroy();
  }
  return finishOnHost(stackOf(config, await model.getParameters()), states, qGpu, Float64Array.from(input), o);
}

/** Polishes, filters by q, merges and classifies the K states the GPU left. */
function finishOnHost(stack: StackedCell, states: Float64Array, qGpu: number[], u: Float64Array, o: FixedPointOptions): FixedPointResult {
  const D = states.length / qGpu.length;
  const steps = o.newtonSteps ?? 8;
  const qTol = o.qTolerance ?? 1e-12;
  const mergeTol = o.mergeTolerance ?? 1e-5;
  const finals = qGpu.map((_, k) => polish(stack, states.slice(k * D, (k + 1) * D), u, steps));
  const q = finals.map((s) => qValue(stack, s, u));
  const kept: { s: Float64Array; q: number; qGpu: number; starts: number }[] = [];
  finals.forEach((s, k) => {
    if (!(q[k]! <= qTol)) return;
    const norm = Math.hypot(...s);
    const twin = kept.find((p) => Math.hypot(...p.s.map((v, i) => v - s[i]!)) <= mergeTol * Math.max(1, norm));
    if (!twin) kept.push({ s, q: q[k]!, qGpu: qGpu[k]!, starts: 1 });
    else {
      twin.starts++;
      if (q[k]! < twin.q) Object.assign(twin, { s, q: q[k]!, qGpu: qGpu[k]! });
    }
  });
  kept.sort((a, b) => b.starts - a.starts || a.q - b.q);
  const points = kept.map((p): FixedPoint => {
    const eig = eigenvalues(stackedStepJacobian(stack, p.s, u).jacobian, D);
    const { stability, oscillatory } = classifyEigenvalues(eig);
    return { state: [...p.s], q: p.q, qGpu: p.qGpu, eigenvalues: eig, stability, oscillatory, starts: p.starts };
  });
  return { points, qGpu, q };
}
