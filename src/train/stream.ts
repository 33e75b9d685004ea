// stream.ts — streaming inference for a live signal: a trained next-value model stepped one
// sample (or one frame of samples) at a time, its recurrent state kept on the GPU between
// calls, instead of re-running a whole window per prediction.
//
//   const s = await forecaster.stream();
//   const next = await s.push(x);            // the prediction of the sample after x
//   const frame = await s.push(samples60);   // one prediction per sample, in one submit
//   s.destroy();
//
// Per call of n samples: the features of the n samples are made on the host, as the windows
// kernels make them (src/data/targets.ts: x̃, and Δ̃ for 'delta', r̃ for 'residual'; the samples
// before the first one pushed repeat it, as at a series' start, unless `previous` gives them),
// uploaded as x [1, n, F]; one forward from the carried state h, c [L, 1, H] (then overwritten
// with the new final state); the Linear head on every step's top h ([n, H] · Wᵀ + b); one
// readback of the n outputs, turned into samples: value σx·ŷ + μx; delta x_t + σΔ·ŷ + μΔ;
// residual 2x_t − x_{t−1} + σr·ŷ + μr.
// A fresh stream after seq samples therefore predicts exactly what the windowed forecast of
// those seq samples does (same zero initial state); later it has seen more history than a
// window. Each distinct n gets its own buffers (in the model's workspace cache): keep the frame
// size fixed. Browser-safe.
import type { Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import { fullStats, inputFeatures, sampleTerms, targetToSample, TARGET_SPECS, type TargetMode } from '../data/targets';
import type { GpuTensor } from '../gpu/tensor';
import type { RecurrentModel } from '../model/recurrent-model';
import { headForward } from '../model/head';
import { cellSpec } from '../model/cells';
import { describeValue, requireNumber } from '../util/check';

/** What a stream needs from its Forecaster. */
export interface StreamSource {
  model: RecurrentModel;
  /** Normalisation [μx, σx, μΔ, σΔ] the model was trained with. */
  stats: readonly number[];
  /** What the model reads and predicts (src/data/targets.ts). */
  target: TargetMode;
  /** The Forecaster's Lifetime: the stream refuses use once it is destroyed. */
  owner: Lifetime;
}

/** Options of Forecaster.stream() and ForecastStream.reset(). */
export interface StreamOptions {
  /**
   * The sample just before the first one pushed — or the two before it, oldest first, which the
   * residual target's first input needs — so the first increment is real (as forecast(recent)
   * has it). Default: none, the samples before the first repeat it (its increment counts as 0).
   */
  previous?: number | ArrayLike<number>;
}

/** Buffers of one call size n: the input x [1, n, F] and the head's outputs [n, 1]. */
interface CallBuffers {
  x: GpuTensor;
  out: GpuTensor;
}

/** A live next-value forecast; see the file comment. Create with Forecaster.stream(). */
export class ForecastStream {
  /** Alive until destroy() and while its Forecaster (and scheduler) are. */
  readonly lifetime: Lifetime;
  readonly #h: GpuTensor;
  readonly #c: GpuTensor | null;
  readonly #byCount = new Map<number, CallBuffers>();
  /** The last (at most two) samples seen, oldest first. */
  #recent: number[];
  #seen = 0;
  #freed = false;
  readonly #sched: Scheduler;
  readonly #src: StreamSource;
  readonly #onFree: ((s: ForecastStream) => void) | undefined;

  /** Use Forecaster.stream(); `onFree` lets the owner forget it. */
  constructor(sched: Scheduler, src: StreamSource, opts: StreamOptions = {}, onFree?: (s: ForecastStream) => void) {
    this.#sched = sched;
    this.#src = src;
    this.#onFree = onFree;
    this.lifetime = new Lifetime('ForecastStream', 'destroy', [sched.lifetime, src.owner]);
    this.#recent = checkStreamOptions(opts);
    const { numLayers: L, hiddenSize: H } = src.model.config;
    this.#h = sched.createTensor([L, 1, H], 'f32', 'stream h');
    this.#c = cellSpec(src.model.config.cell).cellState ? sched.createTensor([L, 1, H], 'f32', 'stream c') : null;
  }

  /** Samples pushed since the start (or the last reset()). */
  get samplesSeen(): number {
    return this.#seen;
  }

  /** True once destroy() ran, or its Forecaster (or scheduler, context) is gone. */
  get destroyed(): boolean {
    return !this.lifetime.alive;
  }

  /**
   * Feeds samples (in the series' units) and resolves with the prediction of the sample after
   * each: push(x) → that one number; push(samples) → a Float32Array of samples.length. One
   * upload, one submit and one readback per call. Calls may overlap; they run in call order.
   */
  push(sample: number): Promise<number>;
  push(samples: ArrayLike<number>): Promise<Float32Array>;
  async push(input: number | ArrayLike<number>): Promise<number | Float32Array> {
    this.lifetime.check('push');
    const samples = typeof input === 'number' ? [requireNumber('push: sample', input)] : checkSamples(input);
    const n = samples.length;
    const history = [...this.#recent, ...Array.from(samples)]; // up to 2 samples, then the new ones
    const before = this.#recent.length;
    const features = this.#features(history, before);
    const bufs = this.#buffers(n);
    this.#sched.upload(bufs.x, features);
    this.#record(bufs, n);
    this.#recent = history.slice(-2);
    this.#seen += n;
    const out = (await this.#sched.read(bufs.out)) as Float32Array;
    const predictions = this.#toSamples(out, history, before);
    return typeof input === 'number' ? predictions[0]! : predictions;
  }

  /** Forgets the state (zeros, as a fresh stream) and the previous sample (or sets it). */
  reset(opts: StreamOptions = {}): void {
    this.lifetime.check('reset');
    this.#recent = checkStreamOptions(opts);
    this.#sched.clear(this.#h);
    if (this.#c) this.#sched.clear(this.#c);
    this.#seen = 0;
  }

  /** Frees the stream's buffers; every later call throws `ForecastStream.<method>() after destroy()`. Idempotent. */
  destroy(): void {
    this.lifetime.end();
    this.free();
  }

  /** Frees the buffers once (its Forecaster calls this when it is destroyed; work already recorded still runs). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    for (const b of this.#byCount.values()) for (const t of [b.x, b.out]) this.#sched.destroyBuffer(t.buffer);
    this.#byCount.clear();
    this.#sched.destroyBuffer(this.#h.buffer);
    if (this.#c) this.#sched.destroyBuffer(this.#c.buffer);
    this.#onFree?.(this);
  }

  /** Forward from the carried state, head on every step, new state carried. */
  #record(bufs: CallBuffers, n: number): void {
    const { model } = this.#src;
    const { hiddenSize: H } = model.config;
    const fwd = model.forward(bufs.x, { h0: this.#h, c0: this.#c });
    const weight = model.arena.param('head.weight');
    const bias = model.arena.param('head.bias');
    headForward(this.#sched, { mode: 'every-step', batch: 1, seqLen: n, hidden: H, outputs: 1 }, { weight, bias }, { tensor: fwd.rnnOut, rows: n, cols: H }, bufs.out);
    this.#sched.copy(fwd.hN, this.#h);
    if (this.#c && fwd.cN) this.#sched.copy(fwd.cN, this.#c);
  }

  /** x [1, n, F] row-major for history[from ..]: the target's input terms (earlier samples from history, else repeated). */
  #features(history: readonly number[], from: number): Float32Array {
    const { inputs } = TARGET_SPECS[this.#src.target];
    const stats = fullStats(this.#src.stats);
    const n = history.length - from;
    const out = new Float32Array(n * inputs.length);
    for (let t = 0; t < n; t++) out.set(inputFeatures(termsAt(history, from + t), stats, inputs), t * inputs.length);
    return out;
  }

  /** Model outputs → predicted samples (src/data/targets.ts's inverse, from each sample and the one before). */
  #toSamples(out: Float32Array, history: readonly number[], from: number): Float32Array {
    const { kind } = TARGET_SPECS[this.#src.target];
    const stats = fullStats(this.#src.stats);
    const pred = new Float32Array(out.length);
    for (let t = 0; t < out.length; t++) {
      const [now, increment] = termsAt(history, from + t);
      pred[t] = targetToSample(out[t]!, now, now - increment, stats, kind);
    }
    return pred;
  }

  #buffers(n: number): CallBuffers {
    let b = this.#byCount.get(n);
    if (!b) {
      b = { x: this.#sched.createTensor([1, n, TARGET_SPECS[this.#src.target].inputs.length], 'f32', `stream x (${n})`), out: this.#sched.createTensor([n, 1], 'f32', `stream out (${n})`) };
      this.#byCount.set(n, b);
    }
    return b;
  }
}

/** Checks stream options (before any GPU work); returns the previous samples (0 to 2, oldest first). */
export function checkStreamOptions(opts: StreamOptions): number[] {
  if (typeof opts !== 'object' || opts === null) throw new Error(`stream options must be an object, got ${describeValue(opts)}`);
  const p = opts.previous;
  if (p === undefined) return [];
  if (typeof p !== 'object' || p === null) return [requireNumber('stream options.previous', p)];
  if (typeof p.length !== 'number' || p.length < 1 || p.length > 2) {
    throw new Error(`stream options.previous must be a finite number or 1 or 2 of them, got ${describeValue(p)}`);
  }
  return Array.from(p, (v, i) => requireNumber(`stream options.previous[${i}]`, v));
}

// (x, x − x_before, r) of history[i] (its value, increment and residual terms), the samples
// before history[0] repeating it, as at a series' start.
function termsAt(history: readonly number[], i: number): [number, number, number] {
  const at = (k: number) => history[Math.max(0, i - k)]!;
  return sampleTerms(at(0), at(1), at(2));
}

/** A non-empty array-like of finite numbers. */
function checkSamples(samples: ArrayLike<number>): ArrayLike<number> {
  if (typeof samples !== 'object' || samples === null || typeof samples.length !== 'number') {
    throw new Error(`push: samples must be a number or an array of numbers, got ${describeValue(samples)}`);
  }
  if (samples.length < 1) throw new Error('push: samples must hold at least 1 sample, got an empty array');
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`push: samples[${i}] must be a finite number, got ${describeValue(v)}`);
  }
  return samples;
}

/** The open streams of one Forecaster: their buffers are freed with it. */
export class StreamSet {
  readonly #open = new Set<ForecastStream>();

  /** Opens a stream over `src` whose buffers freeAll() frees. */
  add(sched: Scheduler, src: StreamSource, opts?: StreamOptions): ForecastStream {
    const s = new ForecastStream(sched, src, opts, (gone) => this.#open.delete(gone));
    this.#open.add(s);
    return s;
  }

  /** Frees every open stream (they then refuse use: their Forecaster is gone). */
  freeAll(): void {
    for (const s of [...this.#open]) s.free();
  }
}
