// recurrent-model.ts — a stacked RNN / LSTM / GRU + Linear head on the GPU, PyTorch semantics
// and state_dict names. Parameters live in one ParamArena (gradients in its grads buffer).
// forward / backward / lossAndBackward only *record* work into the scheduler's current
// encoder (all layers × all steps, never a submit per step); the caller submits or reads.
// Buffers are allocated once per (batch, seqLen) and reused, so a training step
// (forward → loss → backward → clip → optimizer) can be recorded into one submit.
import { ParamArena } from '../gpu/arena';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernel } from '../kernels/gemm';
import { permuteKernel, permute01 } from '../kernels/permute';
import { lossKernel, mseLossGpu, crossEntropyLossGpu } from '../kernels/loss';
import { lstmKernels } from '../kernels/lstm';
import { gruKernels } from '../kernels/gru';
import { rnnKernels } from '../kernels/rnn';
import type { RecurrentTile, RecurrentVariant } from '../kernels/recurrent';
import { modelParamShapes, validateModelConfig, type ModelConfig } from './config';
import { Workspace, checkWorkspaceLimits } from './workspace';
import { layerForward, layerBackward, type LayerParams, type TimeLoop } from './layers';
import { headBackward, headForward, headInput, type HeadShape } from './head';
import { checkBackwardInputs, checkForwardInputs, checkLossTarget, type LossTarget } from './checks';
import { initRecurrentParams } from '../reference/init';
import { pickVariant } from './variant';
import * as weights from './weights';

export type { LossTarget } from './checks';

/** Options of RecurrentModel.create(). */
export interface RecurrentModelOptions {
  /** Seed of PyTorch's default initialisation U(±1/√H). Default 0. */
  seed?: number;
  /** Time-loop kernels: 'auto' (per shape), one dispatch per 'step', or 'persistent'. */
  variant?: RecurrentVariant | 'auto';
  /** Fixed tile of the time-loop kernels (benchmarks); default chosen per shape. */
  tile?: RecurrentTile;
  /** Distinct workspaces kept (one per (batch, seqLen)). Default 4. */
  maxWorkspaces?: number;
}

/** Initial states of RecurrentModel.forward(). */
export interface ForwardOptions {
  /** [L, B, H] initial hidden state (zeros when absent). */
  h0?: GpuTensor | null;
  /** [L, B, H] initial cell state (LSTM only; zeros when absent). */
  c0?: GpuTensor | null;
}

/** Views into the workspace: valid until the next forward of the same (batch, seqLen). */
export interface ForwardOutputs {
  /** [B, T, O] (every-step head) or [B, O] (last-step head). */
  out: GpuTensor;
  /** [B, T, H]. */
  rnnOut: GpuTensor;
  /** [L, B, H]; cN is null except for LSTM. */
  hN: GpuTensor;
  /** [L, B, H] final cell states (LSTM), else null. */
  cN: GpuTensor | null;
}

/** Options of RecurrentModel.backward() and lossAndBackward(). */
export interface BackwardOptions {
  /** [L, B, H] gradients arriving at the final states (e.g. from a later TBPTT chunk). */
  dhN?: GpuTensor | null;
  /** [L, B, H] gradients arriving at the final cell states (LSTM only). */
  dcN?: GpuTensor | null;
  /** Back-propagate through the last `truncate` steps only (truncated BPTT). Default all. */
  truncate?: number;
  /** Add to the gradient arena instead of overwriting it. Default false. */
  accumulate?: boolean;
}

/** Gradients with respect to the inputs and initial states (views into the workspace, valid until the next backward of the same shape). */
export interface BackwardOutputs {
  /** [B, T, I]; [L, B, H] (gradients w.r.t. the states entering step T − truncate). */
  dx: GpuTensor;
  /** [L, B, H] gradient w.r.t. the initial hidden states. */
  dh0: GpuTensor;
  /** [L, B, H] gradient w.r.t. the initial cell states (LSTM), else null. */
  dc0: GpuTensor | null;
}

interface LastForward {
  ws: Workspace;
}

/** A stacked RNN / LSTM / GRU with a Linear head on the GPU, batch-first, following PyTorch exactly: weights carry PyTorch's state_dict names and layouts in one parameter arena (gradients in a second), forward and BPTT are fused kernels recorded into the scheduler's current pass (nothing is submitted until you read or submit). Make one with RecurrentModel.create(); bad shapes or inputs throw before any GPU work; destroy() it when done. */
export class RecurrentModel {
  /** Cell, sizes and head (validated). */
  readonly config: ModelConfig;
  /** Parameters and gradients, one buffer each, with state_dict-named slots. */
  readonly arena: ParamArena;
  private readonly workspaces = new Map<string, Workspace>();
  private last: LastForward | null = null;

  /** Creates the model, compiles its kernels and initialises its parameters from opts.seed. */
  static async create(sched: Scheduler, config: ModelConfig, opts: RecurrentModelOptions = {}): Promise<RecurrentModel> {
    validateModelConfig(config);
    const cellKernels = config.cell === 'lstm' ? lstmKernels : config.cell === 'gru' ? gruKernels : rnnKernels;
    await sched.prepare(gemmKernel, permuteKernel, lossKernel, ...cellKernels);
    return new RecurrentModel(sched, config, opts);
  }

  private constructor(private readonly sched: Scheduler, config: ModelConfig, private readonly opts: RecurrentModelOptions) {
    this.config = { ...config };
    const shapes = modelParamShapes(config);
    this.arena = new ParamArena(sched, Object.entries(shapes).map(([name, shape]) => ({ name, shape })), `${config.cell} params`);
    this.initParameters(opts.seed ?? 0);
  }

  /** PyTorch's default initialisation from a seed (queued upload). */
  initParameters(seed: number): void {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    const { head, ...rest } = this.config;
    this.arena.write(initRecurrentParams({ ...rest, headOnLastStepOnly: head === 'last-step' }, seed));
  }

  /** Uploads parameters by state_dict name (every tensor, right sizes, finite values). */
  setParameters(values: Readonly<Record<string, ArrayLike<number>>>): void {
    weights.checkValues(this.config, values);
    this.arena.write(values);
  }

  /** Reads every parameter back by state_dict name (submits what is recorded). */
  async getParameters(): Promise<Record<string, Float32Array>> {
    return this.arena.read('params');
  }

  /** Reads every gradient back by parameter name, as the last backward left them. */
  async getGradients(): Promise<Record<string, Float32Array>> {
    return this.arena.read('grads');
  }

  /** Imports a safetensors file (as written by safetensors.torch.save_file(model.state_dict())). */
  loadSafetensors(bytes: Uint8Array): void {
    this.arena.write(weights.decodeModelFile(this.config, bytes));
  }

  /** Exports the parameters as safetensors bytes PyTorch's load_file reads. */
  async toSafetensors(metadata?: Record<string, string>): Promise<Uint8Array> {
    return weights.encodeModelFile(this.config, await this.getParameters(), metadata);
  }

  /** Param (or grad) views of layer l. */
  layerParams(l: number, which: 'params' | 'grads' = 'params'): LayerParams {
    const t = (name: string) => (which === 'params' ? this.arena.param(name) : this.arena.grad(name));
    return { wIh: t(`weight_ih_l${l}`), wHh: t(`weight_hh_l${l}`), bIh: t(`bias_ih_l${l}`), bHh: t(`bias_hh_l${l}`) };
  }

  /** Records the forward pass of x [B, T, I]. Validates every input before recording. */
  forward(x: GpuTensor, states: ForwardOptions = {}): ForwardOutputs {
    const { batch: B, seqLen: T } = checkForwardInputs(this.config, x, states);
    checkWorkspaceLimits(this.sched, this.config, B, T);
    const ws = this.workspace(B, T);
    const { hiddenSize: H, numLayers: L, inputSize: I } = this.config;
    const bytes = 4 * B * H;
    for (let l = 0; l < L; l++) {
      const layer = ws.layers[l]!;
      this.initState(states.h0 ?? null, l * bytes, layer.hseq, bytes);
      if (layer.cseq) this.initState(states.c0 ?? null, l * bytes, layer.cseq, bytes);
    }
    const loop = this.timeLoop(B);
    permute01(this.sched, { src: x, out: ws.xT, dims: [B, T, I] });
    for (let l = 0; l < L; l++) {
      const input = l === 0 ? ws.xT : ws.layers[l - 1]!.hseq;
      const inputOffset = l === 0 ? 0 : B * H;
      const shape = { cell: this.config.cell, batch: B, seqLen: T, hidden: H, inputs: l === 0 ? I : H };
      layerForward(this.sched, shape, this.layerParams(l), ws.layers[l]!, input, inputOffset, loop);
    }
    const top = ws.layers[L - 1]!;
    permute01(this.sched, { src: top.hseq, out: ws.rnnOut, dims: [T, B, H], srcOffset: B * H });
    const hs = this.headShape(B, T);
    headForward(this.sched, hs, this.headParams('params'), headInput(hs, ws.rnnOut, top.hseq), ws.out);
    for (let l = 0; l < L; l++) {
      const layer = ws.layers[l]!;
      this.sched.copy({ buffer: layer.hseq.buffer, offset: T * bytes, size: bytes }, { buffer: ws.hN.buffer, offset: l * bytes, size: bytes });
      if (layer.cseq) this.sched.copy({ buffer: layer.cseq.buffer, offset: T * bytes, size: bytes }, { buffer: ws.cN!.buffer, offset: l * bytes, size: bytes });
    }
    this.last = { ws };
    return { out: ws.out, rnnOut: ws.rnnOut, hN: ws.hN, cN: ws.cN };
  }

  /** Records BPTT of the last forward given dOut = d loss / d out; gradients go to the arena. */
  backward(dOut: GpuTensor, opts: BackwardOptions = {}): BackwardOutputs {
    const ws = this.requireForward('backward');
    const tBegin = checkBackwardInputs(this.config, ws, dOut, opts);
    return this.recordBackward(ws, dOut, opts, tBegin);
  }

  /**
   * Records loss + backward of the last forward. MSE (mean) against target (same shape as
   * out), or softmax cross-entropy against u32 labels ([B] last-step head, [B, T] every step).
   * The loss lands in `loss` [1].
   */
  lossAndBackward(target: LossTarget, opts: BackwardOptions = {}): BackwardOutputs & { loss: GpuTensor } {
    const ws = this.requireForward('lossAndBackward');
    checkLossTarget(this.config, ws, target);
    const tBegin = checkBackwardInputs(this.config, ws, null, opts);
    const g = ws.grads();
    if (target.kind === 'mse') mseLossGpu(this.sched, ws.out, target.target, g.dOut, g.loss);
    else crossEntropyLossGpu(this.sched, ws.out, target.labels, g.dOut, g.loss);
    return { ...this.recordBackward(ws, g.dOut, opts, tBegin), loss: g.loss };
  }

  /** Records only the loss of the last forward (no gradients); returns the [1] tensor. */
  loss(target: LossTarget): GpuTensor {
    const ws = this.requireForward('loss');
    checkLossTarget(this.config, ws, target);
    const g = ws.grads();
    if (target.kind === 'mse') mseLossGpu(this.sched, ws.out, target.target, g.dOut, g.loss);
    else crossEntropyLossGpu(this.sched, ws.out, target.labels, g.dOut, g.loss);
    return g.loss;
  }

  /** Submits what is recorded, then frees the arena and workspaces. Idempotent. */
  destroy(): void {
    this.sched.submit();
    for (const ws of this.workspaces.values()) ws.destroy();
    this.workspaces.clear();
    this.arena.destroy();
    this.last = null;
  }

  private recordBackward(ws: Workspace, dOut: GpuTensor, opts: BackwardOptions, tBegin: number): BackwardOutputs {
    const { hiddenSize: H, numLayers: L, inputSize: I } = this.config;
    const B = ws.batch;
    const T = ws.seqLen;
    const g = ws.grads();
    const accumulate = opts.accumulate ?? false;
    const bytes = 4 * B * H;
    for (let l = 0; l < L; l++) {
      const gl = g.layers[l]!;
      this.initState(opts.dhN ?? null, l * bytes, gl.dhCarry, bytes);
      if (gl.dcCarry) this.initState(opts.dcN ?? null, l * bytes, gl.dcCarry, bytes);
      if (tBegin > 0) this.sched.clear(gl.dIn);
    }
    const hs = this.headShape(B, T);
    const top = ws.layers[L - 1]!;
    headBackward(this.sched, {
      shape: hs, params: this.headParams('params'), grads: this.headParams('grads'),
      input: headInput(hs, ws.rnnOut, top.hseq), dOut, accumulate,
      dRnnOut: g.dRnnOut, dyTop: g.dyTop, dhCarryTop: g.layers[L - 1]!.dhCarry,
    });
    const loop = this.timeLoop(B);
    for (let l = L - 1; l >= 0; l--) {
      layerBackward(this.sched, {
        shape: { cell: this.config.cell, batch: B, seqLen: T, hidden: H, inputs: l === 0 ? I : H },
        params: this.layerParams(l), grads: this.layerParams(l, 'grads'),
        buf: ws.layers[l]!, gbuf: g.layers[l]!,
        input: l === 0 ? ws.xT : ws.layers[l - 1]!.hseq, inputOffset: l === 0 ? 0 : B * H,
        dy: l === L - 1 ? g.dyTop : g.layers[l + 1]!.dIn,
        tBegin, accumulate, loop,
      });
    }
    permute01(this.sched, { src: g.layers[0]!.dIn, out: g.dx, dims: [T, B, I] });
    for (let l = 0; l < L; l++) {
      const gl = g.layers[l]!;
      this.sched.copy(gl.dhCarry, { buffer: g.dh0.buffer, offset: l * bytes, size: bytes });
      if (gl.dcCarry) this.sched.copy(gl.dcCarry, { buffer: g.dc0!.buffer, offset: l * bytes, size: bytes });
    }
    return { dx: g.dx, dh0: g.dh0, dc0: g.dc0 };
  }

  private initState(src: GpuTensor | null, srcOffset: number, dst: GpuTensor, bytes: number): void {
    const target = { buffer: dst.buffer, offset: dst.offset, size: bytes };
    if (src) this.sched.copy({ buffer: src.buffer, offset: src.offset + srcOffset, size: bytes }, target);
    else this.sched.clear(target);
  }

  private timeLoop(batch: number): TimeLoop {
    const v = this.opts.variant ?? 'auto';
    const variant = v === 'auto' ? pickVariant(this.sched, this.config, batch) : v;
    return { variant, tile: this.opts.tile };
  }

  private headShape(batch: number, seqLen: number): HeadShape {
    const { head, hiddenSize, outputSize } = this.config;
    return { mode: head, batch, seqLen, hidden: hiddenSize, outputs: outputSize };
  }

  private headParams(which: 'params' | 'grads') {
    const t = (name: string) => (which === 'params' ? this.arena.param(name) : this.arena.grad(name));
    return { weight: t('head.weight'), bias: t('head.bias') };
  }

  private requireForward(what: string): Workspace {
    if (!this.last) throw new Error(`${what}() needs a forward() first`);
    return this.last.ws;
  }

  private workspace(batch: number, seqLen: number): Workspace {
    const key = `${batch}x${seqLen}`;
    let ws = this.workspaces.get(key);
    if (ws) {
      this.workspaces.delete(key); // re-insert: most recently used last
    } else {
      const max = this.opts.maxWorkspaces ?? 4;
      if (this.workspaces.size >= max) {
        const [oldKey, old] = this.workspaces.entries().next().value as [string, Workspace];
        this.sched.submit(); // nothing recorded may still reference the buffers
        old.destroy();
        this.workspaces.delete(oldKey);
        if (this.last?.ws === old) this.last = null;
      }
      ws = new Workspace(this.sched, this.config, batch, seqLen);
    }
    this.workspaces.set(key, ws);
    return ws;
  }
}
