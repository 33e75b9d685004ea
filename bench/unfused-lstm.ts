// unfused-lstm.ts — the same stacked-LSTM math as the fused kernels (src/model/), recorded
// op by op the way an unfused framework runs it: per step one GEMM for W_hh h + b_hh, then
// one dispatch per element-wise op (add, σ, tanh, mul, …) forward, and ~19 per step backward.
// Shares the parameter arena of a RecurrentModel (same weights, gradients written to the
// same grads buffer), so bench/rnn.bench.ts can validate it and time fused vs unfused.
// Supports what the benchmark needs: LSTM, zero initial state, last-step head, MSE.
import type { Scheduler } from '../src/gpu/scheduler';
import type { GpuTensor } from '../src/gpu/tensor';
import { gemm, colSum } from '../src/kernels/gemm';
import { elementwise, elementwiseKernel, type View } from '../src/kernels/elementwise';
import { permute01 } from '../src/kernels/permute';
import { mseLossGpu } from '../src/kernels/loss';
import type { RecurrentModel } from '../src/model/recurrent-model';

interface Layer {
  gx: GpuTensor; hseq: GpuTensor; cseq: GpuTensor; gates: GpuTensor; tanhc: GpuTensor;
  dg: GpuTensor; dIn: GpuTensor;
}

export class UnfusedLstm {
  private readonly layers: Layer[] = [];
  private readonly owned: GpuTensor[] = [];
  private readonly scratch: Record<'pre' | 'pre2' | 'fc' | 'ig' | 't1' | 't2' | 't3' | 'dcA' | 'dcB' | 'dh' | 'dhRec', GpuTensor>;
  readonly xT: GpuTensor;
  readonly out: GpuTensor;
  readonly dOut: GpuTensor;
  readonly loss: GpuTensor;

  constructor(private readonly sched: Scheduler, private readonly model: RecurrentModel, readonly batch: number, readonly seqLen: number) {
    const { cell, inputSize: I, hiddenSize: H, numLayers: L, outputSize: O, head } = model.config;
    if (cell !== 'lstm' || head !== 'last-step') throw new Error(`UnfusedLstm supports lstm with a last-step head, got ${cell} / ${head}`);
    const B = batch;
    const T = seqLen;
    const make = (shape: number[], label: string) => {
      const t = sched.createTensor(shape, 'f32', label);
      this.owned.push(t);
      return t;
    };
    for (let l = 0; l < L; l++) {
      this.layers.push({
        gx: make([T, B, 4 * H], 'u.gx'), hseq: make([T + 1, B, H], 'u.hseq'), cseq: make([T + 1, B, H], 'u.cseq'),
        gates: make([T, B, 4 * H], 'u.gates'), tanhc: make([T, B, H], 'u.tanhc'), dg: make([T, B, 4 * H], 'u.dg'),
        dIn: make([T, B, l === 0 ? I : H], 'u.dIn'),
      });
    }
    const bh = () => make([B, H], 'u.tmp');
    this.scratch = { pre: make([B, 4 * H], 'u.pre'), pre2: make([B, 4 * H], 'u.pre2'), fc: bh(), ig: bh(), t1: bh(), t2: bh(), t3: bh(), dcA: bh(), dcB: bh(), dh: bh(), dhRec: bh() };
    this.xT = make([T, B, I], 'u.xT');
    this.out = make([B, O], 'u.out');
    this.dOut = make([B, O], 'u.dOut');
    this.loss = make([1], 'u.loss');
  }

  static async prepare(sched: Scheduler): Promise<void> {
    await sched.prepare(elementwiseKernel);
  }

  /** Records the forward pass; returns out [B, O]. */
  forward(x: GpuTensor): GpuTensor {
    const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = this.model.config;
    const B = this.batch;
    const T = this.seqLen;
    permute01(this.sched, { src: x, out: this.xT, dims: [B, T, I] });
    for (let l = 0; l < L; l++) {
      const lay = this.layers[l]!;
      const p = this.model.layerParams(l);
      const In = l === 0 ? I : H;
      this.sched.clear({ buffer: lay.hseq.buffer, offset: 0, size: 4 * B * H });
      this.sched.clear({ buffer: lay.cseq.buffer, offset: 0, size: 4 * B * H });
      gemm(this.sched, {
        a: { tensor: l === 0 ? this.xT : this.layers[l - 1]!.hseq, rows: T * B, cols: In, offset: l === 0 ? 0 : B * H },
        b: { tensor: p.wIh, rows: 4 * H, cols: In }, transB: true, c: { tensor: lay.gx, rows: T * B, cols: 4 * H }, bias: { tensor: p.bIh },
      });
      for (let t = 0; t < T; t++) this.forwardStep(lay, p.wHh, p.bHh, t);
    }
    const top = this.layers[L - 1]!;
    gemm(this.sched, {
      a: { tensor: top.hseq, rows: B, cols: H, offset: T * B * H }, b: { tensor: this.model.arena.param('head.weight'), rows: O, cols: H },
      transB: true, c: { tensor: this.out, rows: B, cols: O }, bias: { tensor: this.model.arena.param('head.bias') },
    });
    return this.out;
  }

  private forwardStep(lay: Layer, wHh: GpuTensor, bHh: GpuTensor, t: number): void {
    const H = this.model.config.hiddenSize;
    const B = this.batch;
    const s = this.scratch;
    const ew = (op: Parameters<typeof elementwise>[1], out: View, a: View, b?: View) => elementwise(this.sched, op, B, H, out, a, b);
    const gate = (g: number): View => ({ tensor: lay.gates, offset: t * B * 4 * H + g * H, ld: 4 * H });
    const preGate = (g: number): View => ({ tensor: s.pre2, offset: g * H, ld: 4 * H });
    gemm(this.sched, { a: { tensor: lay.hseq, rows: B, cols: H, offset: t * B * H }, b: { tensor: wHh, rows: 4 * H, cols: H }, transB: true, c: { tensor: s.pre, rows: B, cols: 4 * H }, bias: { tensor: bHh } });
    elementwise(this.sched, 'add', B, 4 * H, { tensor: s.pre2 }, { tensor: s.pre }, { tensor: lay.gx, offset: t * B * 4 * H });
    ew('sigmoid', gate(0), preGate(0));
    ew('sigmoid', gate(1), preGate(1));
    ew('tanh', gate(2), preGate(2));
    ew('sigmoid', gate(3), preGate(3));
    ew('mul', { tensor: s.fc }, gate(1), { tensor: lay.cseq, offset: t * B * H });
    ew('mul', { tensor: s.ig }, gate(0), gate(2));
    ew('add', { tensor: lay.cseq, offset: (t + 1) * B * H }, { tensor: s.fc }, { tensor: s.ig });
    ew('tanh', { tensor: lay.tanhc, offset: t * B * H }, { tensor: lay.cseq, offset: (t + 1) * B * H });
    ew('mul', { tensor: lay.hseq, offset: (t + 1) * B * H }, gate(3), { tensor: lay.tanhc, offset: t * B * H });
  }

  /** Records MSE against target [B, O] and full BPTT; gradients go to the model's grads arena. */
  lossAndBackward(target: GpuTensor): void {
    const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = this.model.config;
    const B = this.batch;
    const T = this.seqLen;
    const arena = this.model.arena;
    const top = this.layers[L - 1]!;
    mseLossGpu(this.sched, this.out, target, this.dOut, this.loss);
    const hTop = { tensor: top.hseq, rows: B, cols: H, offset: T * B * H };
    gemm(this.sched, { a: { tensor: this.dOut, rows: B, cols: O }, transA: true, b: hTop, c: { tensor: arena.grad('head.weight'), rows: O, cols: H } });
    colSum(this.sched, { src: { tensor: this.dOut, rows: B, cols: O }, out: { tensor: arena.grad('head.bias') } });
    for (let l = L - 1; l >= 0; l--) {
      const lay = this.layers[l]!;
      const p = this.model.layerParams(l);
      const g = this.model.layerParams(l, 'grads');
      const In = l === 0 ? I : H;
      if (l === L - 1) {
        gemm(this.sched, { a: { tensor: this.dOut, rows: B, cols: O }, b: { tensor: arena.param('head.weight'), rows: O, cols: H }, c: { tensor: this.scratch.dhRec, rows: B, cols: H } });
      } else {
        this.sched.clear(this.scratch.dhRec);
      }
      this.sched.clear(this.scratch.dcA);
      for (let t = T - 1; t >= 0; t--) this.backwardStep(lay, p.wHh, t, l === L - 1 ? null : this.layers[l + 1]!.dIn);
      const rows = T * B;
      const input = l === 0 ? this.xT : this.layers[l - 1]!.hseq;
      gemm(this.sched, { a: { tensor: lay.dg, rows, cols: 4 * H }, transA: true, b: { tensor: lay.hseq, rows, cols: H }, c: { tensor: g.wHh, rows: 4 * H, cols: H } });
      gemm(this.sched, { a: { tensor: lay.dg, rows, cols: 4 * H }, transA: true, b: { tensor: input, rows, cols: In, offset: l === 0 ? 0 : B * H }, c: { tensor: g.wIh, rows: 4 * H, cols: In } });
      colSum(this.sched, { src: { tensor: lay.dg, rows, cols: 4 * H }, out: { tensor: g.bIh } });
      colSum(this.sched, { src: { tensor: lay.dg, rows, cols: 4 * H }, out: { tensor: g.bHh } });
      // d input: the layer below's dy; none for the data (parameter gradients only, as in training).
      if (l > 0) gemm(this.sched, { a: { tensor: lay.dg, rows, cols: 4 * H }, b: { tensor: p.wIh, rows: 4 * H, cols: In }, c: { tensor: lay.dIn, rows, cols: In } });
    }
  }

  /** dhRec holds d loss / d h_t from step t+1 (or the head); dcA holds d loss / d c_t from t+1. */
  private backwardStep(lay: Layer, wHh: GpuTensor, t: number, dy: GpuTensor | null): void {
    const H = this.model.config.hiddenSize;
    const B = this.batch;
    const s = this.scratch;
    const ew = (op: Parameters<typeof elementwise>[1], out: View, a: View, b?: View) => elementwise(this.sched, op, B, H, out, a, b);
    const gate = (g: number): View => ({ tensor: lay.gates, offset: t * B * 4 * H + g * H, ld: 4 * H });
    const dgate = (g: number): View => ({ tensor: lay.dg, offset: t * B * 4 * H + g * H, ld: 4 * H });
    const tanhc: View = { tensor: lay.tanhc, offset: t * B * H };
    let dh: View = { tensor: s.dhRec };
    if (dy) {
      ew('add', { tensor: s.dh }, { tensor: s.dhRec }, { tensor: dy, offset: t * B * H });
      dh = { tensor: s.dh };
    }
    ew('mul', { tensor: s.t1 }, dh, tanhc); // d o
    ew('sigmoid_grad', { tensor: s.t2 }, gate(3));
    ew('mul', dgate(3), { tensor: s.t1 }, { tensor: s.t2 });
    ew('mul', { tensor: s.t1 }, dh, gate(3)); // d tanh(c)
    ew('tanh_grad', { tensor: s.t2 }, tanhc);
    ew('mul', { tensor: s.t3 }, { tensor: s.t1 }, { tensor: s.t2 });
    ew('add', { tensor: s.dcB }, { tensor: s.dcA }, { tensor: s.t3 }); // d c_t
    ew('mul', { tensor: s.t1 }, { tensor: s.dcB }, gate(2)); // d i
    ew('sigmoid_grad', { tensor: s.t2 }, gate(0));
    ew('mul', dgate(0), { tensor: s.t1 }, { tensor: s.t2 });
    ew('mul', { tensor: s.t1 }, { tensor: s.dcB }, gate(0)); // d g
    ew('tanh_grad', { tensor: s.t2 }, gate(2));
    ew('mul', dgate(2), { tensor: s.t1 }, { tensor: s.t2 });
    ew('mul', { tensor: s.t1 }, { tensor: s.dcB }, { tensor: lay.cseq, offset: t * B * H }); // d f
    ew('sigmoid_grad', { tensor: s.t2 }, gate(1));
    ew('mul', dgate(1), { tensor: s.t1 }, { tensor: s.t2 });
    ew('mul', { tensor: s.dcA }, { tensor: s.dcB }, gate(1)); // d c_{t-1}
    gemm(this.sched, { a: { tensor: lay.dg, rows: B, cols: 4 * H, offset: t * B * 4 * H }, b: { tensor: wHh, rows: 4 * H, cols: H }, c: { tensor: s.dhRec, rows: B, cols: H } });
  }

  destroy(): void {
    for (const t of this.owned) this.sched.destroyBuffer(t.buffer);
    this.owned.length = 0;
  }
}
