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
import type { GpuTensor } from '../gpu/tensor';
import type { RecurrentModel } from '../model/recurrent-model';
import { headForward } from '../model/head';
import { cellSpec } from '../model/cells';
import { describeValue, requireNumber } from '../util/check';
import { fullStats, inputFeatures, sampleTerms, targetToSample, TARGET_SPECS, type TargetMode } from '../data/targets';

/** What a stream needs from its Forecaster. */
export interface StreamSource {
  model: RecurrentModel;
  /** Normalisation [μx, σx, μΔ, σΔ, μr, σr] the model was trained with (an older file's 4 are padded). */
  stats: readonly number[];
  /** What the model reads and predicts (src/data/targets.ts). */
  target: TargetMode;
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
  private readonly h: GpuTensor;
  private readonly c: GpuTensor | null;
  private readonly byCount = new Map<number, CallBuffers>();
  /** The last (at most two) samples seen, oldest first. */
  private recent: number[];
  private seen = 0;
  private deadReason: string | null = null;

  /** Use Forecaster.stream(); `onDestroy` lets the owner forget it. */
  constructor(private readonly sched: Scheduler, private readonly src: StreamSource, opts: StreamOptions = {}, private readonly onDestroy?: (s: ForecastStream) => void) {
    this.recent = checkStreamOptions(opts);
    const { numLayers: L, hiddenSize: H } = src.model.config;
    this.h = sched.createTensor([L, 1, H], 'f32', 'stream h');
    this.c = cellSpec(src.model.config.cell).cellState ? sched.createTensor([L, 1, H], 'f32', 'stream c') : null;
  }

  /** Samples pushed since the start (or the last reset()). */
  get samplesSeen(): number {
    return this.seen;
  }

  /** True once destroy() ran (or its Forecaster was destroyed). */
  get destroyed(): boolean {
    return this.deadReason !== null;
  }

  /**
   * Feeds samples (in the series' units) and resolves with the prediction of the sample after
   * each: push(x) → that one number; push(samples) → a Float32Array of samples.length. One
   * upload, one submit and one readback per call. Calls may overlap; they run in call order.
   */
  push(sample: number): Promise<number>;
  push(samples: ArrayLike<number>): Promise<Float32Array>;
  async push(input: number | ArrayLike<number>): Promise<number | Float32Array> {
    this.assertAlive('push');
    const samples = typeof input === 'number' ? [requireNumber('push: sample', input)] : checkSamples(input);
    const n = samples.length;
    const history = [...this.recent, ...Array.from(samples)]; // up to 2 samples, then the new ones
    const before = this.recent.length;
    const features = this.features(history, before);
    const bufs = this.buffers(n);
    this.sched.upload(bufs.x, features);
    this.record(bufs, n);
    this.recent = history.slice(-2);
    this.seen += n;
    const out = (await this.sched.read(bufs.out)) as Float32Array;
    const predictions = this.toSamples(out, history, before);
    return typeof input === 'number' ? predictions[0]! : predictions;
  }

  /** Forgets the state (zeros, as a fresh stream) and the previous sample (or sets it). */
  reset(opts: StreamOptions = {}): void {
    this.assertAlive('reset');
    this.recent = checkStreamOptions(opts);
    this.sched.clear(this.h);
    if (this.c) this.sched.clear(this.c);
    this.seen = 0;
  }

  /** Frees the stream's buffers; every later call throws. Idempotent. */
  destroy(reason = 'destroy() was called'): void {
    if (this.deadReason) return;
    this.deadReason = reason;
    this.sched.submit(); // nothing recorded may still reference the buffers
    for (const b of this.byCount.values()) for (const t of [b.x, b.out]) this.sched.destroyBuffer(t.buffer);
    this.byCount.clear();
    this.sched.destroyBuffer(this.h.buffer);
    if (this.c) this.sched.destroyBuffer(this.c.buffer);
    this.onDestroy?.(this);
  }

  /** Forward from the carried state, head on every step, new state carried. */
  private record(bufs: CallBuffers, n: number): void {
    const { model } = this.src;
    const { hiddenSize: H } = model.config;
    const fwd = model.forward(bufs.x, { h0: this.h, c0: this.c });
    const weight = model.arena.param('head.weight');
    const bias = model.arena.param('head.bias');
    headForward(this.sched, { mode: 'every-step', batch: 1, seqLen: n, hidden: H, outputs: 1 }, { weight, bias }, { tensor: fwd.rnnOut, rows: n, cols: H }, bufs.out);
    this.sched.copy(fwd.hN, this.h);
    if (this.c && fwd.cN) this.sched.copy(fwd.cN, this.c);
  }

  /** x [1, n, F] row-major for history[from ..]: the target's input terms (earlier samples from history, else repeated). */
  private features(history: readonly number[], from: number): Float32Array {
    const { inputs } = TARGET_SPECS[this.src.target];
    const stats = fullStats(this.src.stats);
    const n = history.length - from;
    const out = new Float32Array(n * inputs.length);
    for (let t = 0; t < n; t++) out.set(inputFeatures(termsAt(history, from + t), stats, inputs), t * inputs.length);
    return out;
  }

  /** Model outputs → predicted samples (src/data/targets.ts's inverse, from each sample and the one before). */
  private toSamples(out: Float32Array, history: readonly number[], from: number): Float32Array {
    const { kind } = TARGET_SPECS[this.src.target];
    const stats = fullStats(this.src.stats);
    const pred = new Float32Array(out.length);
    for (let t = 0; t < out.length; t++) {
      const [now, before] = termsAt(history, from + t);
      pred[t] = targetToSample(out[t]!, now, now - before, stats, kind);
    }
    return pred;
  }

  private buffers(n: number): CallBuffers {
    let b = this.byCount.get(n);
    if (!b) {
      b = { x: this.sched.createTensor([1, n, TARGET_SPECS[this.src.target].inputs.length], 'f32', `stream x (${n})`), out: this.sched.createTensor([n, 1], 'f32', `stream out (${n})`) };
      this.byCount.set(n, b);
    }
    return b;
  }

  private assertAlive(what: string): void {
    if (this.deadReason) throw new Error(`ForecastStream.${what}: this stream was destroyed (${this.deadReason}); open a new one with forecaster.stream()`);
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
  const terms = sampleTerms(at(0), at(1), at(2));
  return [terms[0], terms[1], terms[2]];
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

/** The open streams of one Forecaster: destroyed with it. */
export class StreamSet {
  private readonly open = new Set<ForecastStream>();
  private closedReason: string | null = null;

  /** Throws once destroyAll() ran: the owner is gone (call before any GPU work of a new stream). */
  assertOpen(): void {
    if (this.closedReason) throw new Error(`Forecaster.stream: cannot open a stream: ${this.closedReason}`);
  }

  /** Opens a stream over `src` that this set will destroy in destroyAll(). */
  add(sched: Scheduler, src: StreamSource, opts?: StreamOptions): ForecastStream {
    this.assertOpen();
    const s = new ForecastStream(sched, src, opts, (gone) => this.open.delete(gone));
    this.open.add(s);
    return s;
  }

  /** Destroys every open stream, saying why; later add() calls throw with the same reason. */
  destroyAll(reason: string): void {
    this.closedReason ??= reason;
    for (const s of [...this.open]) s.destroy(reason);
  }
}
