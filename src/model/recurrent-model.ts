// recurrent-model.ts — a stacked RNN / LSTM / GRU + Linear head on the GPU, PyTorch semantics
// (bidirectional, dropout between layers) and state_dict names. Parameters live in one
// ParamArena (gradients in its grads buffer); the layer loop is stack.ts.
// forward / backward / lossAndBackward only *record* work into the scheduler's current
// encoder (all layers × all steps, never a submit per step); the caller submits or reads.
// Buffers are allocated once per (batch, seqLen) and reused, so a training step
// (forward → loss → backward → clip → optimizer) can be recorded into one submit.
import { ParamArena } from '../gpu/arena';
import { Lifetime } from '../gpu/lifetime';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { gemmKernelsFor } from '../kernels/gemm';
import { subgroupsKernelFor } from '../kernels/weight-loads';
import { permuteKernel } from '../kernels/permute';
import { lossKernel } from '../kernels/loss';
import { stateGradNormKernel } from '../kernels/state-grad-norm';
import { dropoutKernel, dropoutMaskOf, type DropoutMask } from '../kernels/dropout';
import { validateModelConfig, type ModelConfig } from './config';
import { directionSuffix, modelParamShapes } from './params';
import { cellSpec, type CellSpec } from './cells';
import { Workspace, checkWorkspaceLimits } from './workspace';
import { planWorkspace, type LayerActivations } from './workspace-plan';
import type { LayerParams, TimeLoop } from './layers';
import { recordBackward, recordForward, recordLoss, type RecordedForward, type StackContext } from './stack';
import { checkBackwardInputs, checkForwardInputs, checkLossTarget } from './checks';
import type { BackwardOptions, BackwardOutputs, ForwardOptions, ForwardOutputs, LossTarget, RecurrentModelOptions, TrainingStep } from './options';
import { initRecurrentParams } from './init';
import { pickVariant } from './variant';
import { pickKernelPath } from './kernel-paths';
import * as weights from './weights';

export type { BackwardOptions, BackwardOutputs, ForwardOptions, ForwardOutputs, LossTarget, RecurrentModelOptions, TrainingStep } from './options';

/** A stacked RNN / LSTM / GRU (optionally bidirectional, with dropout between layers) with a Linear head on the GPU, batch-first, following PyTorch exactly: weights carry PyTorch's state_dict names and layouts in one parameter arena (gradients in a second), forward and BPTT are fused kernels recorded into the scheduler's current pass (nothing is submitted until you read or submit). Make one with RecurrentModel.create(); bad shapes or inputs throw before any GPU work; destroy() it when done. */
export class RecurrentModel {
  /** Cell, sizes and head (validated). */
  readonly config: ModelConfig;
  /** Parameters and gradients, one buffer each, with state_dict-named slots. */
  readonly arena: ParamArena;
  /** Alive until destroy() (and while its scheduler and arena are): every method checks it first. */
  readonly lifetime: Lifetime;
  readonly #cell: CellSpec;
  readonly #workspaces = new Map<string, Workspace>();
  #last: RecordedForward | null = null;
  readonly #sched: Scheduler;
  readonly #opts: RecurrentModelOptions;

  /** Creates the model, compiles its kernels and initialises its parameters from opts.seed. */
  static async create(sched: Scheduler, config: ModelConfig, opts: RecurrentModelOptions = {}): Promise<RecurrentModel> {
    Lifetime.require('RecurrentModel.create()', [sched.lifetime]);
    validateModelConfig(config);
    const path = pickKernelPath(sched, opts.path);
    const cell = cellSpec(config.cell);
    const onPath = path === 'subgroups' ? [subgroupsKernelFor(cell.kernel, config.hiddenSize)] : [];
    await sched.prepare(...gemmKernelsFor(path), permuteKernel, lossKernel, dropoutKernel, stateGradNormKernel, ...cell.kernels, ...onPath);
    return new RecurrentModel(sched, config, { ...opts, path });
  }

  private constructor(sched: Scheduler, config: ModelConfig, opts: RecurrentModelOptions) {
    this.#sched = sched;
    this.#opts = opts;
    this.config = { ...config };
    this.#cell = cellSpec(config.cell);
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

  /** Param (or grad) views of layer l, direction d (0 forward, 1 reverse: PyTorch's `_reverse` names). */
  layerParams(l: number, which: 'params' | 'grads' = 'params', d = 0): LayerParams {
    this.lifetime.check('layerParams');
    const t = (name: string) => (which === 'params' ? this.arena.param(name) : this.arena.grad(name));
    const s = `l${l}${directionSuffix(d)}`;
    return { wIh: t(`weight_ih_${s}`), wHh: t(`weight_hh_${s}`), bIh: t(`bias_ih_${s}`), bHh: t(`bias_hh_${s}`) };
  }

  /**
   * Records the forward pass of x [B, T, I]. Validates every input before recording. With
   * `states.training` it is a training forward: dropout applies (config.dropout,
   * config.inputDropout), and the next backward goes through the same masks.
   */
  forward(x: GpuTensor, states: ForwardOptions = {}): ForwardOutputs {
    this.lifetime.check('forward');
    const { batch: B, seqLen: T } = checkForwardInputs(this.config, x, states ?? {});
    const masks = this.#dropoutMasks(states?.training ?? null);
    // The inputs' liveness after the device-limit check, before anything is allocated.
    const ws = this.#workspace(B, T, () => this.#requireLive('forward', { x, h0: states?.h0, c0: states?.c0 }));
    const rec: RecordedForward = { ws, masks };
    recordForward(this.#context, rec, x, states ?? {});
    this.#last = rec;
    const f = ws.forward;
    return { out: f.out, rnnOut: f.rnnOut, hN: f.hN, cN: f.cN };
  }

  /** Records BPTT of the last forward given dOut = d loss / d out; gradients go to the arena. */
  backward(dOut: GpuTensor, opts?: BackwardOptions & { inputGradient?: true }): BackwardOutputs;
  backward(dOut: GpuTensor, opts: BackwardOptions & { inputGradient: false }): BackwardOutputs<null>;
  backward(dOut: GpuTensor, opts: BackwardOptions): BackwardOutputs<GpuTensor | null>;
  backward(dOut: GpuTensor, opts: BackwardOptions = {}): BackwardOutputs<GpuTensor | null> {
    this.lifetime.check('backward');
    const rec = this.#requireForward('backward');
    const tBegin = checkBackwardInputs(this.config, rec.ws, dOut ?? null, opts ?? {});
    if (!dOut) throw new Error('backward: dOut must be a GpuTensor shaped like the forward output');
    this.#requireLive('backward', { dOut, dhN: opts?.dhN, dcN: opts?.dcN });
    return this.#recordBackward(rec, dOut, opts ?? {}, tBegin);
  }

  /**
   * Records loss + backward of the last forward. MSE (mean) against target (same shape as
   * out), or softmax cross-entropy against u32 labels ([B] last-step head, [B, T] every step).
   * The loss lands in `loss` [1].
   */
  lossAndBackward(target: LossTarget, opts?: BackwardOptions & { inputGradient?: true }): BackwardOutputs & { loss: GpuTensor };
  lossAndBackward(target: LossTarget, opts: BackwardOptions & { inputGradient: false }): BackwardOutputs<null> & { loss: GpuTensor };
  lossAndBackward(target: LossTarget, opts: BackwardOptions): BackwardOutputs<GpuTensor | null> & { loss: GpuTensor };
  lossAndBackward(target: LossTarget, opts: BackwardOptions = {}): BackwardOutputs<GpuTensor | null> & { loss: GpuTensor } {
    this.lifetime.check('lossAndBackward');
    const rec = this.#requireForward('lossAndBackward');
    checkLossTarget(this.config, rec.ws, target);
    const tBegin = checkBackwardInputs(this.config, rec.ws, null, opts ?? {});
    this.#requireLive('lossAndBackward', { ...lossInputs(target), dhN: opts?.dhN, dcN: opts?.dcN });
    recordLoss(this.#sched, rec.ws, target);
    const g = rec.ws.grads();
    return { ...this.#recordBackward(rec, g.dOut, opts ?? {}, tBegin), loss: g.loss };
  }

  /**
   * The last forward's tape per layer (time-major hseq / cseq [T+1, B, H], kept gates), for
   * analysis kernels such as the step Jacobians (src/kernels/jacobian.ts). Views into the
   * workspace: valid until the next forward of the same (batch, seqLen).
   */
  forwardTape(): { batch: number; seqLen: number; layers: readonly LayerActivations<GpuTensor>[] } {
    const { ws } = this.#requireForward('forwardTape');
    if (this.config.bidirectional) throw new Error('forwardTape() is the tape of a one-direction model (the analyses step its state forward in time); this model is bidirectional');
    return { batch: ws.batch, seqLen: ws.seqLen, layers: ws.forward.layers };
  }

  /** Records only the loss of the last forward (no gradients); returns the [1] tensor. */
  loss(target: LossTarget): GpuTensor {
    this.lifetime.check('loss');
    const rec = this.#requireForward('loss');
    checkLossTarget(this.config, rec.ws, target);
    this.#requireLive('loss', lossInputs(target));
    recordLoss(this.#sched, rec.ws, target);
    return rec.ws.grads().loss;
  }

  /** Frees the parameters and every workspace. Idempotent; work already recorded still runs. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    for (const ws of this.#workspaces.values()) ws.destroy();
    this.#workspaces.clear();
    this.arena.destroy();
    this.#last = null;
  }

  #recordBackward(rec: RecordedForward, dOut: GpuTensor, opts: BackwardOptions, tBegin: number): BackwardOutputs<GpuTensor | null> {
    const norms = recordBackward(this.#context, rec, dOut, opts, tBegin);
    const g = rec.ws.grads();
    return { dx: opts.inputGradient === false ? null : g.dx, dh0: g.dh0, dc0: g.dc0, gradNorms: norms };
  }

  /** The masks of a forward by dropout site (0: x, l: layer l−1's output): none outside training or where p is 0. */
  #dropoutMasks(training: TrainingStep | null): (DropoutMask | null)[] {
    const L = this.config.numLayers;
    if (training === null) return new Array<null>(L).fill(null);
    const seed = training.seed ?? this.#opts.seed ?? 0;
    return Array.from({ length: L }, (_, site) => dropoutMaskOf(site === 0 ? this.config.inputDropout ?? 0 : this.config.dropout ?? 0, seed, training.step, site));
  }

  /** Every given input is a live tensor of this model's scheduler (checked after the shapes, before recording). */
  #requireLive(method: string, tensors: Readonly<Record<string, unknown>>): void {
    const where = `RecurrentModel.${method}()`;
    for (const [name, t] of Object.entries(tensors)) if (t !== undefined && t !== null) this.#sched.requireTensor(where, name, t);
  }

  /** What the layer loop (stack.ts) reads of this model. */
  get #context(): StackContext {
    return {
      sched: this.#sched, config: this.config, cell: this.#cell,
      layerParams: (l, d, which) => this.layerParams(l, which, d),
      headParams: (which) => this.#headParams(which),
      timeLoop: (batch) => this.#timeLoop(batch),
    };
  }

  #timeLoop(batch: number): TimeLoop {
    const v = this.#opts.variant ?? 'auto';
    const variant = v === 'auto' ? pickVariant(this.#sched, this.config, batch) : v;
    return { variant, path: this.#opts.path === 'subgroups' ? 'subgroups' : 'plain', tile: this.#opts.tile };
  }

  #headParams(which: 'params' | 'grads') {
    const t = (name: string) => (which === 'params' ? this.arena.param(name) : this.arena.grad(name));
    return { weight: t('head.weight'), bias: t('head.bias') };
  }

  #requireForward(what: string): RecordedForward {
    if (!this.#last) throw new Error(`${what}() needs a forward() first`);
    return this.#last;
  }

  /** The workspace of (batch, seqLen), made on first use; `inputsOk` throws for bad inputs before anything is evicted or allocated. */
  #workspace(batch: number, seqLen: number, inputsOk: () => void): Workspace {
    const key = `${batch}x${seqLen}`;
    let ws = this.#workspaces.get(key);
    if (ws) {
      inputsOk();
      this.#workspaces.delete(key); // re-insert: most recently used last
    } else {
      const plan = planWorkspace(this.config, batch, seqLen);
      checkWorkspaceLimits(this.#sched, plan); // before anything is evicted or allocated
      inputsOk();
      const max = this.#opts.maxWorkspaces ?? 4;
      if (this.#workspaces.size >= max) {
        const [oldKey, old] = this.#workspaces.entries().next().value as [string, Workspace];
        this.#sched.submit(); // nothing recorded may still reference the buffers
        old.destroy();
        this.#workspaces.delete(oldKey);
        if (this.#last?.ws === old) this.#last = null;
      }
      ws = new Workspace(this.#sched, plan);
    }
    this.#workspaces.set(key, ws);
    return ws;
  }
}

/** The tensors a loss target names, for the input checks. */
function lossInputs(target: LossTarget): Record<string, unknown> {
  return target.kind === 'cross_entropy' ? { labels: target.labels } : { target: target.target };
}
