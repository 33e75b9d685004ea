// recurrent-model.ts — a stacked RNN / LSTM / GRU + Linear head on the GPU, PyTorch semantics
// and state_dict names. Parameters live in one ParamArena (gradients in its grads buffer).
// forward / backward / lossAndBackward only *record* work into the scheduler's current
// encoder (all layers × all steps, never a submit per step); the caller submits or reads.
// Buffers are allocated once per (batch, seqLen) and reused, so a training step
// (forward → loss → backward → clip → optimizer) can be recorded into one submit.
import { ParamArena } from '../gpu/arena';
import { Lifetime } from '../gpu/lifetime';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernel } from '../kernels/gemm';
import { permuteKernel, permute01 } from '../kernels/permute';
import { lossKernel, mseLossGpu, crossEntropyLossGpu } from '../kernels/loss';
import { recordStateGradNorms, stateGradNormKernel } from '../kernels/state-grad-norm';
import { validateModelConfig, type ModelConfig } from './config';
import { modelParamShapes } from './params';
import { cellSpec, stateValues, type CellSpec } from './cells';
import { Workspace, checkWorkspaceLimits } from './workspace';
import { planWorkspace, type ForwardTensors, type LayerActivations } from './workspace-plan';
import { layerForward, layerBackward, type LayerParams, type LayerShape, type TimeLoop } from './layers';
import { headBackward, headForward, headInput, type HeadShape } from './head';
import { checkBackwardInputs, checkForwardInputs, checkLossTarget } from './checks';
import type { BackwardOptions, BackwardOutputs, ForwardOptions, ForwardOutputs, LossTarget, RecurrentModelOptions } from './options';
import { initRecurrentParams } from './init';
import { pickVariant } from './variant';
import * as weights from './weights';

export type { BackwardOptions, BackwardOutputs, ForwardOptions, ForwardOutputs, LossTarget, RecurrentModelOptions } from './options';

interface LastForward {
  ws: Workspace;
}

/** A stacked RNN / LSTM / GRU with a Linear head on the GPU, batch-first, following PyTorch exactly: weights carry PyTorch's state_dict names and layouts in one parameter arena (gradients in a second), forward and BPTT are fused kernels recorded into the scheduler's current pass (nothing is submitted until you read or submit). Make one with RecurrentModel.create(); bad shapes or inputs throw before any GPU work; destroy() it when done. */
export class RecurrentModel {
  /** Cell, sizes and head (validated). */
  readonly config: ModelConfig;
  /** Parameters and gradients, one buffer each, with state_dict-named slots. */
  readonly arena: ParamArena;
  /** Alive until destroy() (and while its scheduler and arena are): every method checks it first. */
  readonly lifetime: Lifetime;
  private readonly cell: CellSpec;
  private readonly workspaces = new Map<string, Workspace>();
  private last: LastForward | null = null;

  /** Creates the model, compiles its kernels and initialises its parameters from opts.seed. */
  static async create(sched: Scheduler, config: ModelConfig, opts: RecurrentModelOptions = {}): Promise<RecurrentModel> {
    Lifetime.require('RecurrentModel.create()', [sched.lifetime]);
    validateModelConfig(config);
    await sched.prepare(gemmKernel, permuteKernel, lossKernel, stateGradNormKernel, ...cellSpec(config.cell).kernels);
    return new RecurrentModel(sched, config, opts);
  }

  private constructor(private readonly sched: Scheduler, config: ModelConfig, private readonly opts: RecurrentModelOptions) {
    this.config = { ...config };
    this.cell = cellSpec(config.cell);
    const shapes = modelParamShapes(config);
    this.arena = new ParamArena(sched, Object.entries(shapes).map(([name, shape]) => ({ name, shape })), `${config.cell} params`);
    this.lifetime = new Lifetime('RecurrentModel', 'destroy', [sched.lifetime, this.arena.lifetime]);
    this.initParameters(opts.seed ?? 0);
  }

  /** PyTorch's default initialisation from a seed (queued upload). */
  initParameters(seed: number): void {
    this.lifetime.check('initParameters');
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.arena.write(initRecurrentParams(this.config, seed));
  }

  /** Uploads parameters by state_dict name (every tensor, right sizes, finite values). */
  setParameters(values: Readonly<Record<string, ArrayLike<number>>>): void {
    this.lifetime.check('setParameters');
    weights.checkValues(this.config, values);
    this.arena.write(values);
  }

  /** Reads every parameter back by state_dict name (submits what is recorded). */
  async getParameters(): Promise<Record<string, Float32Array>> {
    this.lifetime.check('getParameters');
    return this.arena.read('params');
  }

  /** Reads every gradient back by parameter name, as the last backward left them. */
  async getGradients(): Promise<Record<string, Float32Array>> {
    this.lifetime.check('getGradients');
    return this.arena.read('grads');
  }

  /** Imports a safetensors file (as written by safetensors.torch.save_file(model.state_dict())). */
  loadSafetensors(bytes: Uint8Array): void {
    this.lifetime.check('loadSafetensors');
    this.arena.write(weights.decodeModelFile(this.config, bytes));
  }

  /** Exports the parameters as safetensors bytes PyTorch's load_file reads. */
  async toSafetensors(metadata?: Record<string, string>): Promise<Uint8Array> {
    this.lifetime.check('toSafetensors');
    return weights.encodeModelFile(this.config, await this.getParameters(), metadata);
  }

  /** Param (or grad) views of layer l. */
  layerParams(l: number, which: 'params' | 'grads' = 'params'): LayerParams {
    this.lifetime.check('layerParams');
    const t = (name: string) => (which === 'params' ? this.arena.param(name) : this.arena.grad(name));
    return { wIh: t(`weight_ih_l${l}`), wHh: t(`weight_hh_l${l}`), bIh: t(`bias_ih_l${l}`), bHh: t(`bias_hh_l${l}`) };
  }

  /** Records the forward pass of x [B, T, I]. Validates every input before recording. */
  forward(x: GpuTensor, states: ForwardOptions = {}): ForwardOutputs {
    this.lifetime.check('forward');
    const { batch: B, seqLen: T } = checkForwardInputs(this.config, x, states ?? {});
    // The inputs' liveness after the device-limit check, before anything is allocated.
    const ws = this.workspace(B, T, () => this.requireLive('forward', { x, h0: states?.h0, c0: states?.c0 }));
    const f = ws.forward;
    const { hiddenSize: H, numLayers: L, inputSize: I } = this.config;
    const bytes = 4 * B * H;
    for (let l = 0; l < L; l++) {
      const layer = f.layers[l]!;
      this.initState(states.h0 ?? null, l * bytes, layer.hseq, bytes);
      if (layer.cseq) this.initState(states.c0 ?? null, l * bytes, layer.cseq, bytes);
    }
    const loop = this.timeLoop(B);
    permute01(this.sched, { src: x, out: f.xT, dims: [B, T, I] });
    for (let l = 0; l < L; l++) {
      const { input, inputOffset } = layerInput(f, l, B * H);
      layerForward(this.sched, this.layerShape(l, B, T), this.layerParams(l), f.layers[l]!, input, inputOffset, loop);
    }
    const top = f.layers[L - 1]!;
    permute01(this.sched, { src: top.hseq, out: f.rnnOut, dims: [T, B, H], srcOffset: B * H });
    const hs = this.headShape(B, T);
    headForward(this.sched, hs, this.headParams('params'), headInput(hs, f.rnnOut, top.hseq), f.out);
    for (let l = 0; l < L; l++) {
      const layer = f.layers[l]!;
      this.sched.copy({ buffer: layer.hseq.buffer, offset: T * bytes, size: bytes }, { buffer: f.hN.buffer, offset: l * bytes, size: bytes });
      if (layer.cseq) this.sched.copy({ buffer: layer.cseq.buffer, offset: T * bytes, size: bytes }, { buffer: f.cN!.buffer, offset: l * bytes, size: bytes });
    }
    this.last = { ws };
    return { out: f.out, rnnOut: f.rnnOut, hN: f.hN, cN: f.cN };
  }

  /** Records BPTT of the last forward given dOut = d loss / d out; gradients go to the arena. */
  backward(dOut: GpuTensor, opts: BackwardOptions = {}): BackwardOutputs {
    this.lifetime.check('backward');
    const ws = this.requireForward('backward');
    const tBegin = checkBackwardInputs(this.config, ws, dOut ?? null, opts ?? {});
    if (!dOut) throw new Error('backward: dOut must be a GpuTensor shaped like the forward output');
    this.requireLive('backward', { dOut, dhN: opts?.dhN, dcN: opts?.dcN });
    return this.recordBackward(ws, dOut, opts, tBegin);
  }

  /**
   * Records loss + backward of the last forward. MSE (mean) against target (same shape as
   * out), or softmax cross-entropy against u32 labels ([B] last-step head, [B, T] every step).
   * The loss lands in `loss` [1].
   */
  lossAndBackward(target: LossTarget, opts: BackwardOptions = {}): BackwardOutputs & { loss: GpuTensor } {
    this.lifetime.check('lossAndBackward');
    const ws = this.requireForward('lossAndBackward');
    checkLossTarget(this.config, ws, target);
    const tBegin = checkBackwardInputs(this.config, ws, null, opts ?? {});
    this.requireLive('lossAndBackward', { ...lossInputs(target), dhN: opts?.dhN, dcN: opts?.dcN });
    const g = ws.grads();
    if (target.kind === 'mse') mseLossGpu(this.sched, ws.forward.out, target.target, g.dOut, g.loss);
    else crossEntropyLossGpu(this.sched, ws.forward.out, target.labels, g.dOut, g.loss);
    return { ...this.recordBackward(ws, g.dOut, opts, tBegin), loss: g.loss };
  }

  /**
   * The last forward's tape per layer (time-major hseq / cseq [T+1, B, H], kept gates), for
   * analysis kernels such as the step Jacobians (src/kernels/jacobian.ts). Views into the
   * workspace: valid until the next forward of the same (batch, seqLen).
   */
  forwardTape(): { batch: number; seqLen: number; layers: readonly LayerActivations<GpuTensor>[] } {
    const ws = this.requireForward('forwardTape');
    return { batch: ws.batch, seqLen: ws.seqLen, layers: ws.forward.layers };
  }

  /** Records only the loss of the last forward (no gradients); returns the [1] tensor. */
  loss(target: LossTarget): GpuTensor {
    this.lifetime.check('loss');
    const ws = this.requireForward('loss');
    checkLossTarget(this.config, ws, target);
    this.requireLive('loss', lossInputs(target));
    const g = ws.grads();
    if (target.kind === 'mse') mseLossGpu(this.sched, ws.forward.out, target.target, g.dOut, g.loss);
    else crossEntropyLossGpu(this.sched, ws.forward.out, target.labels, g.dOut, g.loss);
    return g.loss;
  }

  /** Frees the parameters and every workspace. Idempotent; work already recorded still runs. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    for (const ws of this.workspaces.values()) ws.destroy();
    this.workspaces.clear();
    this.arena.destroy();
    this.last = null;
  }

  private recordBackward(ws: Workspace, dOut: GpuTensor, opts: BackwardOptions, tBegin: number): BackwardOutputs {
    const { hiddenSize: H, numLayers: L, inputSize: I } = this.config;
    const B = ws.batch;
    const T = ws.seqLen;
    const f = ws.forward;
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
    const top = f.layers[L - 1]!;
    headBackward(this.sched, {
      shape: hs, params: this.headParams('params'), grads: this.headParams('grads'),
      input: headInput(hs, f.rnnOut, top.hseq), dOut, accumulate,
      dRnnOut: g.dRnnOut, dyTop: g.dyTop, dhCarryTop: g.layers[L - 1]!.dhCarry,
    });
    const loop = this.timeLoop(B);
    const norms = opts.gradNorms ? ws.gradNorms() : null;
    for (let l = L - 1; l >= 0; l--) {
      layerBackward(this.sched, {
        shape: this.layerShape(l, B, T),
        params: this.layerParams(l), grads: this.layerParams(l, 'grads'),
        buf: f.layers[l]!, gbuf: g.layers[l]!,
        ...layerInput(f, l, B * H),
        dy: l === L - 1 ? g.dyTop : g.layers[l + 1]!.dIn,
        tBegin, accumulate, loop, dstate: norms?.dstate[l] ?? null,
      });
      if (norms) {
        const S = stateValues(this.cell);
        recordStateGradNorms(this.sched, { batch: B, hidden: H, slots: S, steps: T, tBegin, dstate: norms.dstate[l]!, norms: norms.norms, outOffset: l * S * T });
      }
    }
    permute01(this.sched, { src: g.layers[0]!.dIn, out: g.dx, dims: [T, B, I] });
    for (let l = 0; l < L; l++) {
      const gl = g.layers[l]!;
      this.sched.copy(gl.dhCarry, { buffer: g.dh0.buffer, offset: l * bytes, size: bytes });
      if (gl.dcCarry) this.sched.copy(gl.dcCarry, { buffer: g.dc0!.buffer, offset: l * bytes, size: bytes });
    }
    return { dx: g.dx, dh0: g.dh0, dc0: g.dc0, gradNorms: norms?.norms ?? null };
  }

  /** Every given input is a live tensor of this model's scheduler (checked after the shapes, before recording). */
  private requireLive(method: string, tensors: Readonly<Record<string, unknown>>): void {
    const where = `RecurrentModel.${method}()`;
    for (const [name, t] of Object.entries(tensors)) if (t !== undefined && t !== null) this.sched.requireTensor(where, name, t);
  }

  private initState(src: GpuTensor | null, srcOffset: number, dst: GpuTensor, bytes: number): void {
    const target = { buffer: dst.buffer, offset: dst.offset, size: bytes };
    if (src) this.sched.copy({ buffer: src.buffer, offset: src.offset + srcOffset, size: bytes }, target);
    else this.sched.clear(target);
  }

  /** Layer l's sizes and cell (In = I for layer 0, H above). */
  private layerShape(l: number, batch: number, seqLen: number): LayerShape {
    const { inputSize: I, hiddenSize: H } = this.config;
    return { cell: this.cell, batch, seqLen, hidden: H, inputs: l === 0 ? I : H };
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

  /** The workspace of (batch, seqLen), made on first use; `inputsOk` throws for bad inputs before anything is evicted or allocated. */
  private workspace(batch: number, seqLen: number, inputsOk: () => void): Workspace {
    const key = `${batch}x${seqLen}`;
    let ws = this.workspaces.get(key);
    if (ws) {
      inputsOk();
      this.workspaces.delete(key); // re-insert: most recently used last
    } else {
      const plan = planWorkspace(this.config, batch, seqLen);
      checkWorkspaceLimits(this.sched, plan); // before anything is evicted or allocated
      inputsOk();
      const max = this.opts.maxWorkspaces ?? 4;
      if (this.workspaces.size >= max) {
        const [oldKey, old] = this.workspaces.entries().next().value as [string, Workspace];
        this.sched.submit(); // nothing recorded may still reference the buffers
        old.destroy();
        this.workspaces.delete(oldKey);
        if (this.last?.ws === old) this.last = null;
      }
      ws = new Workspace(this.sched, plan);
    }
    this.workspaces.set(key, ws);
    return ws;
  }
}

/** The tensors a loss target names, for the input checks. */
function lossInputs(target: LossTarget): Record<string, unknown> {
  return target.kind === 'cross_entropy' ? { labels: target.labels } : { target: target.target };
}

/** Layer l's input [T, B, In]: x time-major, or the layer below's hseq from row block 1 (offset B·H). */
function layerInput(f: ForwardTensors<GpuTensor>, l: number, blockElements: number): { input: GpuTensor; inputOffset: number } {
  return l === 0 ? { input: f.xT, inputOffset: 0 } : { input: f.layers[l - 1]!.hseq, inputOffset: blockElements };
}
