// esn.ts — an echo state network on the GPU: a leaky-tanh reservoir of N units (dense or sparse
// W scaled to spectral radius ρ by power iteration), driven over a whole series in one submit,
// and a linear readout from z = [1; u; x] fitted by ridge regression (the Gram matrix ZᵀZ on
// the GPU with the gemm kernel, the solve in float64 on the host). Not trained by BPTT: it plugs
// into runs and the Forecaster through src/esn/esn-forecast.ts.
//   z: design rows [rows, 4·DZ4] f32 (vec4 layout of shaders/esn.wgsl), one per sample.
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { colSum, gemmKernelsFor } from '../kernels/gemm';
import {
  designWidth, esnKernel, NO_STATE, recordCenterRows, recordGramChunk, recordReadout, recordReservoirStep, recordScale, type ReservoirBuffers,
} from '../kernels/esn';
import { denseMatrix, drawReservoir, inputMatrices, type ReservoirHost } from './reservoir';
import { estimateSpectralRadius } from './spectral';
import { ridgeSolve } from './ridge';
import type { EsnSettings } from './config';

/** What the reservoir is built from: the settings, the inputs per step and a seed. */
export interface EsnSpec extends EsnSettings {
  /** Inputs per step F (1 … 3: the data set's features). */
  features: number;
  /** Seeds W, W_in, b and the power iteration's start. */
  seed: number;
}

/** Rows of a design tensor per series row: the rows whose targets train the readout. */
export interface FitSpan {
  /** Series rows of the design tensor. */
  rows: number;
  /** Samples per row. */
  samples: number;
  /** Design rows s ∈ [washout, end − 1) of each series row train (target: sample s + 1). */
  end: number;
}

/** A reservoir in float64, row-major: W [N, N], W_in [N, F], b [N] (the peer's and the references' input). */
export interface ReservoirExport {
  /** N. */
  units: number;
  /** F. */
  features: number;
  /** W [N, N] row-major, after spectral scaling. */
  w: Float64Array;
  /** W_in [N, F] row-major. */
  win: Float64Array;
  /** b [N]. */
  bias: Float64Array;
  /** Leak rate α. */
  leak: number;
  /** Samples of each row the readout ignores. */
  washout: number;
}

/** Design rows per centred chunk of the readout's Gram matrix. */
const FIT_CHUNK = 512;

/**
 * An echo state network on the GPU (see the file comment): create() draws and scales the
 * reservoir; recordDrive(), fit(), recordPredict() do the work; destroy() frees it.
 */
export class EchoStateNetwork {
  /** ρ(W) as drawn (before scaling to spec.spectralRadius). */
  readonly drawnRadius: number;
  /** Matrix–vector products the spectral radius estimate took. */
  readonly powerIterations: number;
  /** w_out [4·DZ4] in z's layout (zeros until fit). */
  readonly wout: GpuTensor;
  private readonly owned: GpuTensor[];
  private destroyed = false;
  private readoutWeights: Float64Array | null = null;

  private constructor(
    private readonly sched: Scheduler,
    /** Its settings, inputs per step and seed. */
    readonly spec: Readonly<EsnSpec>,
    /** W, W_in and b on the GPU, in shaders/esn.wgsl's layouts. */
    readonly buffers: ReservoirBuffers,
    owned: GpuTensor[],
    radius: { radius: number; iterations: number },
  ) {
    this.owned = owned;
    this.drawnRadius = radius.radius;
    this.powerIterations = radius.iterations;
    this.wout = this.own([4 * this.dz4], 'esn.wout');
  }

  /**
   * Draws the reservoir, uploads it and scales W to spec.spectralRadius on the GPU — or, given
   * `saved` (a reservoir read back by exportHost, W already scaled, and its readout), uploads that.
   */
  static async create(sched: Scheduler, spec: EsnSpec, saved?: { host: ReservoirHost; readout: ArrayLike<number> }): Promise<EchoStateNetwork> {
    await sched.prepare(esnKernel, ...gemmKernelsFor('plain'));
    if (saved) return EchoStateNetwork.restore(sched, spec, saved.host, saved.readout);
    const host = drawReservoir({ units: spec.reservoir, features: spec.features, density: spec.density, inputScaling: spec.inputScaling, seed: spec.seed });
    const owned: GpuTensor[] = [];
    const tensor = (data: Float32Array | Uint32Array, label: string) => {
      const t = sched.createTensor([data.length], data instanceof Uint32Array ? 'u32' : 'f32', label, data);
      owned.push(t);
      return t;
    };
    try {
      const buffers = uploadReservoir(host, spec, tensor);
      const radius = await estimateSpectralRadius(sched, buffers, spec.reservoir, { seed: spec.seed + 1 });
      if (!(radius.radius > 0)) throw new Error(`esn: the drawn reservoir has spectral radius ${radius.radius}; use a larger --density or --reservoir`);
      const values = buffers.weights.kind === 'dense' ? buffers.weights.wt : buffers.weights.vals;
      recordScale(sched, values, host.wt ? host.wt.length : host.vals!.length, spec.spectralRadius / radius.radius);
      sched.submit();
      return new EchoStateNetwork(sched, spec, buffers, owned, radius);
    } catch (e) {
      for (const t of owned) sched.destroyBuffer(t.buffer);
      throw e;
    }
  }

  private static restore(sched: Scheduler, spec: EsnSpec, host: ReservoirHost, readout: ArrayLike<number>): EchoStateNetwork {
    const owned: GpuTensor[] = [];
    const tensor = (data: Float32Array | Uint32Array, label: string) => {
      const t = sched.createTensor([data.length], data instanceof Uint32Array ? 'u32' : 'f32', label, data);
      owned.push(t);
      return t;
    };
    const esn = new EchoStateNetwork(sched, spec, uploadReservoir(host, spec, tensor), owned, { radius: spec.spectralRadius, iterations: 0 });
    esn.setReadout(readout);
    return esn;
  }

  /** The readout weights over the D real columns, once fitted or set. */
  get readout(): Float64Array | null {
    return this.readoutWeights;
  }

  /** Vec4 per design row. */
  get dz4(): number {
    return designWidth(this.buffers.n4);
  }

  /** A design tensor for `rows` samples: z [rows, 4·DZ4]. */
  createDesign(rows: number, label = 'esn.design'): GpuTensor {
    this.alive('createDesign');
    return this.sched.createTensor([rows, 4 * this.dz4], 'f32', label);
  }

  /**
   * Records the reservoir driven over `samples` samples of `rows` series rows at once, from a zero
   * state: inputs feat [rows·samples, F] → z [rows·samples, 4·DZ4]; one dispatch per sample, all
   * of them in one submit.
   */
  recordDrive(feat: GpuTensor, z: GpuTensor, rows: number, samples: number): void {
    this.alive('drive');
    for (let t = 0; t < samples; t++) {
      recordReservoirStep(this.sched, this.buffers, {
        z, feat, zRow: t, prevRow: t === 0 ? NO_STATE : t - 1, featRow: t, rows, rowStride: samples, featStride: samples,
      });
    }
    this.sched.submit();
  }

  /**
   * Fits the readout by ridge regression on design rows s ∈ [washout, end − 1) of every row to
   * targets tgt[s + 1] (tgt [rows·samples]). On the GPU: the column means a (f32, as stored),
   * then the Gram matrix of [z − a, y − a_y, 1] over chunks of FIT_CHUNK rows, its sums
   * compensated into a (hi, lo) pair of float32 matrices (plain float32 sums lose the small
   * eigenvalues that a weak ridge keeps). On the host in float64: Gc = hi + lo, whose column of
   * ones holds d = Σ (z − a) (not 0: a is the f32 mean of f32 sums), and ZᵀZ = Gc + d·aᵀ + a·dᵀ
   * + n·a·aᵀ, Zᵀy likewise — exact, so the centring costs no accuracy — then the Cholesky solve.
   * Returns the weights over the D = 1 + F + N real columns ([1; u; x]).
   */
  async fit(z: GpuTensor, tgt: GpuTensor, span: FitSpan): Promise<Float64Array> {
    this.alive('fit');
    const count = span.end - 1 - this.spec.washout;
    if (count < 1) throw new Error(`esn: washout ${this.spec.washout} leaves no training samples (the training span has ${span.end} samples per row); lower --washout`);
    const width = 4 * this.dz4;
    const sums = this.sched.createTensor([width + 4], 'f32', 'esn.column sums, then means');
    const chunk = this.sched.createTensor([Math.min(FIT_CHUNK, count), width + 4], 'f32', 'esn.centred rows');
    const hi = this.sched.createTensor([width + 4, width + 4], 'f32', 'esn.gram hi');
    const lo = this.sched.createTensor([width + 4, width + 4], 'f32', 'esn.gram lo');
    const one = this.sched.createTensor([1], 'f32', 'esn.one', [1]);
    try {
      this.sched.clear(hi);
      this.sched.clear(lo);
      for (let r = 0; r < span.rows; r++) {
        const first = r * span.samples + this.spec.washout;
        colSum(this.sched, { src: { tensor: z, rows: count, cols: width, offset: first * width }, out: { tensor: sums }, accumulate: r > 0 });
        colSum(this.sched, { src: { tensor: tgt, rows: count, cols: 1, offset: first + 1, ld: 1 }, out: { tensor: sums, offset: width }, accumulate: r > 0 });
      }
      const n = span.rows * count;
      recordScale(this.sched, sums, width + 1, 1 / n); // sums → the centres a
      const args = { z, tgt, centres: sums, width, chunk };
      for (let r = 0; r < span.rows; r++) {
        for (let off = 0; off < count; off += FIT_CHUNK) {
          const rows = Math.min(FIT_CHUNK, count - off);
          recordCenterRows(this.sched, args, r * span.samples + this.spec.washout + off, rows);
          recordGramChunk(this.sched, chunk, rows, (width + 4) / 4, { hi, lo, one });
        }
      }
      const [gHi, gLo, sum] = await this.sched.readMany([hi, lo, sums]);
      const w = this.solveReadout(gHi!, gLo!, sum!, n);
      this.setReadout(w);
      return w;
    } finally {
      for (const t of [sums, chunk, hi, lo, one]) this.sched.destroyBuffer(t.buffer);
    }
  }

  /** Column of z (in its padded layout) of each of the D = 1 + F + N real columns. */
  designColumns(): Uint32Array {
    const { features, reservoir } = this.spec;
    return Uint32Array.from({ length: 1 + features + reservoir }, (_, k) => (k <= features ? k : 4 + k - 1 - features));
  }

  /** Uploads readout weights over the D real columns (as fit returns them). */
  setReadout(w: ArrayLike<number>): void {
    this.alive('setReadout');
    const cols = this.designColumns();
    if (w.length !== cols.length) throw new Error(`esn readout: expected ${cols.length} weights (1 + F + N), got ${w.length}`);
    const padded = new Float32Array(4 * this.dz4);
    cols.forEach((c, k) => (padded[c] = w[k]!));
    this.sched.upload(this.wout, padded);
    this.readoutWeights = Float64Array.from(w);
  }

  /** Records out[i] = w_out · z[starts[i] + offset] for i < n: one-step predictions. */
  recordPredict(z: GpuTensor, starts: GpuTensor, n: number, offset: number, out: GpuTensor | GPUBuffer): void {
    this.alive('predict');
    recordReadout(this.sched, this.buffers.n4, { z, wout: this.wout, starts, out, n, offset });
  }

  /**
   * The reservoir as it is on the GPU (W after spectral scaling), float64 row-major:
   * W [N, N] (a sparse W expanded), W_in [N, F], b [N] — what the NumPy peer and the
   * references are fed.
   */
  async exportReservoir(): Promise<ReservoirExport> {
    const host = await this.exportHost();
    const { reservoir: n, features } = this.spec;
    return { units: n, features, w: denseMatrix(host, n), ...inputMatrices(host, n, features), leak: this.spec.leak, washout: this.spec.washout };
  }

  /** The reservoir's weights read back in the shader's layouts (W after spectral scaling). */
  async exportHost(): Promise<ReservoirHost> {
    this.alive('exportHost');
    const w = this.buffers.weights;
    // Tensors created in create(); cols is u32, so it reads back as u32.
    const sources = (w.kind === 'dense' ? [w.wt, this.buffers.win, this.buffers.bias] : [w.vals, this.buffers.win, this.buffers.bias, w.cols]) as GpuTensor[];
    const got = await this.sched.readMany(sources);
    const host: ReservoirHost = {
      n4: this.buffers.n4, nnz: w.kind === 'sparse' ? w.nnz : 0,
      wt: w.kind === 'dense' ? (got[0] as Float32Array) : null,
      vals: w.kind === 'sparse' ? (got[0] as Float32Array) : null,
      cols: w.kind === 'sparse' ? (got[3] as Uint32Array) : null,
      win: got[1] as Float32Array, bias: got[2] as Float32Array,
    };
    return host;
  }

  /** Frees the reservoir and the readout; later calls throw. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const t of this.owned) this.sched.destroyBuffer(t.buffer);
  }

  // ZᵀZ + λI and Zᵀy over the real columns from the upper triangle of the centred Gram hi + lo
  // [W + 4, W + 4] (the target's column at W, the ones' at W + 1) and the centres a [W + 1], in
  // float64: Σ z zᵀ = Σ (z − a)(z − a)ᵀ + d aᵀ + a dᵀ + n a aᵀ with d = Σ (z − a); then Cholesky.
  private solveReadout(hi: ArrayLike<number>, lo: ArrayLike<number>, centres: ArrayLike<number>, n: number): Float64Array {
    const cols = this.designColumns();
    const d = cols.length;
    const gw = 4 * this.dz4 + 4;
    const yCol = gw - 4;
    const onesCol = yCol + 1;
    const gram = (i: number, j: number) => hi[Math.min(i, j) * gw + Math.max(i, j)]! + lo[Math.min(i, j) * gw + Math.max(i, j)]!; // the upper triangle
    const a = (c: number) => centres[c]!;
    const dev = (c: number) => gram(c, onesCol);
    if (gram(onesCol, onesCol) !== n) throw new Error(`esn fit: the Gram's column of ones sums to ${gram(onesCol, onesCol)}, not the ${n} fitted samples`);
    const moment = (ci: number, cj: number) => gram(ci, cj) + dev(ci) * a(cj) + a(ci) * dev(cj) + n * a(ci) * a(cj);
    const g = new Float64Array(d * d);
    const b = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const ci = cols[i]!;
      for (let j = 0; j < d; j++) g[i * d + j] = moment(ci, cols[j]!);
      b[i] = moment(ci, yCol);
    }
    return ridgeSolve(g, b, d, this.spec.ridge);
  }

  private alive(what: string): void {
    if (this.destroyed) throw new Error(`esn ${what}: this echo state network was destroyed`);
  }

  private own(shape: number[], label: string): GpuTensor {
    const t = this.sched.createTensor(shape, 'f32', label);
    this.owned.push(t);
    return t;
  }
}

function uploadReservoir(host: ReservoirHost, spec: EsnSpec, tensor: (d: Float32Array | Uint32Array, label: string) => GpuTensor): ReservoirBuffers {
  const weights: ReservoirBuffers['weights'] = host.wt
    ? { kind: 'dense', wt: tensor(host.wt, 'esn.w') }
    : { kind: 'sparse', cols: tensor(host.cols!, 'esn.w.cols'), vals: tensor(host.vals!, 'esn.w.vals'), nnz: host.nnz };
  return { n4: host.n4, features: spec.features, weights, win: tensor(host.win, 'esn.win'), bias: tensor(host.bias, 'esn.bias'), leak: spec.leak };
}
