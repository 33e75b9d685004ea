// optim.ts — typed wrappers of shaders/adam.wgsl, sgd.wgsl and grad_norm.wgsl: a fused
// optimizer step over a whole parameter arena in one dispatch, and global-norm gradient
// clipping in two dispatches, all recorded into the scheduler's encoder (no readback).
// Optimizer state lives in buffers of the arena's layout: Adam m, v; SGD momentum buffer.
import adamWgsl from '../../shaders/adam.wgsl';
import sgdWgsl from '../../shaders/sgd.wgsl';
import gradNormWgsl from '../../shaders/grad_norm.wgsl';
import { workgroupWidth, type Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { STORAGE_RW } from '../gpu/flags';
import type { Binding, Scheduler } from '../gpu/scheduler';
import { Lifetime } from '../gpu/lifetime';
import { adamStepScalars, validateAdam, validateSgd, ADAM_DEFAULTS, SGD_DEFAULTS, type AdamHyper, type SgdHyper } from '../reference/optim';

/** shaders/adam.wgsl, reflected at build time. */
export const adamKernel: Kernel = adamWgsl;
/** shaders/sgd.wgsl, reflected at build time. */
export const sgdKernel: Kernel = sgdWgsl;
/** shaders/grad_norm.wgsl, reflected at build time. */
export const gradNormKernel: Kernel = gradNormWgsl;

// Workgroup widths, read on use (kernels do nothing at import).
const ADAM_WG = (): number => workgroupWidth(adamKernel, 'adam');
const SGD_WG = (): number => workgroupWidth(sgdKernel, 'sgd');
const NORM_WG = (): number => workgroupWidth(gradNormKernel, 'partial_sums');
/** Upper bound on stage-1 workgroups; fixed per arena size, so the sum order is deterministic. */
const MAX_PARTIALS = 256;

/**
 * What adam.wgsl, sgd.wgsl and grad_norm.wgsl expect: arena-sized buffers of N floats, a
 * [>= 1] scale, P partial sums and the clipper's [2] output. Checked before recording.
 */
export const OPTIM_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  params: '[N] f32', grads: '[N] f32', exp_avg: '[N] f32', exp_avg_sq: '[N] f32', momentum_buffer: '[N] f32',
  scale: '[>= 1] f32', partials: '[P] f32', out: '[2] f32',
});

/** What an optimizer walks: a flat params buffer and a grads buffer of the same layout. */
export interface ArenaLike {
  /** Parameters, one flat f32 array. */
  readonly params: GPUBuffer;
  /** Gradients, laid out like `params`. */
  readonly grads: GPUBuffer;
  /** f32 elements of each buffer, padding included. */
  readonly floats: number;
  /** The arena's Lifetime (a ParamArena's): an optimizer on it refuses use once it is destroyed. */
  readonly lifetime?: Lifetime;
}

/** An optimizer and its hyper-parameters (PyTorch's names and meanings); make one with optimizerConfig(). */
export type OptimizerConfig = ({ kind: 'adam' } & AdamHyper) | ({ kind: 'sgd' } & SgdHyper);

/** Fills in torch's defaults for the fields not given. */
export function optimizerConfig(kind: 'adam', given?: Partial<AdamHyper>): { kind: 'adam' } & AdamHyper;
export function optimizerConfig(kind: 'sgd', given?: Partial<SgdHyper>): { kind: 'sgd' } & SgdHyper;
export function optimizerConfig(kind: 'adam' | 'sgd', given?: Partial<AdamHyper & SgdHyper>): OptimizerConfig;
export function optimizerConfig(kind: 'adam' | 'sgd', given: Partial<AdamHyper & SgdHyper> = {}): OptimizerConfig {
  const pick = <T extends object>(defaults: T): T => {
    const out = { ...defaults };
    for (const k of Object.keys(defaults) as (keyof T)[]) if (given[k as never] !== undefined) out[k] = given[k as never];
    return out;
  };
  if (kind === 'adam') return { kind, ...pick(ADAM_DEFAULTS) };
  if (kind === 'sgd') return { kind, ...pick(SGD_DEFAULTS) };
  throw new Error(`optimizer must be 'adam' or 'sgd', got '${String(kind)}'`);
}

/** Names of the state buffers, as torch's optimizer state_dict calls them. */
export function stateNames(config: OptimizerConfig): string[] {
  return config.kind === 'adam' ? ['exp_avg', 'exp_avg_sq'] : config.momentum !== 0 ? ['momentum_buffer'] : [];
}

/** A fused optimizer bound to one arena. `step` counts the steps recorded so far. */
export class GpuOptimizer {
  /** State buffers by name (see stateNames), each the arena's size, zero-initialised. */
  readonly state: Record<string, GPUBuffer> = {};
  /** Optimizer steps recorded so far (Adam's bias correction uses it). */
  step = 0;
  /** Alive until destroy() (and while its scheduler and arena are). */
  readonly lifetime: Lifetime;

  readonly #sched: Scheduler;
  readonly #arena: ArenaLike;

  constructor(
    sched: Scheduler,
    arena: ArenaLike,
    /** The optimizer and its hyper-parameters (checked by the constructor). */
    readonly config: OptimizerConfig,
  ) {
    this.#sched = sched;
    this.#arena = arena;
    this.lifetime = new Lifetime('GpuOptimizer', 'destroy', arena.lifetime ? [sched.lifetime, arena.lifetime] : [sched.lifetime]);
    this.lifetime.check('new');
    if (config.kind === 'adam') validateAdam(config);
    else validateSgd(config);
    // New buffers are zero-filled by WebGPU: torch's zero-initialised state.
    for (const name of stateNames(config)) this.state[name] = sched.createBuffer(4 * arena.floats, STORAGE_RW, `optim.${name}`);
  }

  /** Compiles the optimizer's kernel (await once before recording). */
  async prepare(): Promise<void> {
    this.lifetime.check('prepare');
    await this.#sched.prepare(this.config.kind === 'adam' ? adamKernel : sgdKernel);
  }

  /**
   * Records one step with learning rate `lr` (the schedule's value for this step);
   * gradients are multiplied by scale[0] (a clip factor on the GPU; pass GradClipper.scale or ones).
   */
  record(lr: number, scale: Binding): void {
    this.lifetime.check('record');
    if (!Number.isFinite(lr) || lr < 0) throw new Error(`optimizer step: lr must be a finite number >= 0, got ${lr}`);
    const n = this.#arena.floats;
    const limit = this.#sched.device.limits.maxComputeWorkgroupsPerDimension;
    const common = { params: this.#arena.params, grads: this.#arena.grads, scale };
    this.step++;
    const c = this.config;
    if (c.kind === 'adam') {
      const { stepSize, bc2Sqrt } = adamStepScalars({ ...c, lr }, this.step);
      this.#sched.dispatch(adamKernel, 'adam', {
        bindings: { ...common, exp_avg: this.state.exp_avg!, exp_avg_sq: this.state.exp_avg_sq! },
        shapes: { declared: OPTIM_BINDINGS, dims: { N: n } },
        uniforms: { n, beta1: c.beta1, beta2: c.beta2, eps: c.eps, weight_decay: c.weightDecay, step_size: stepSize, bc2_sqrt: bc2Sqrt },
        workgroups: grid1d(n, ADAM_WG(), limit),
      });
      return;
    }
    this.#sched.dispatch(sgdKernel, 'sgd', {
      // With momentum 0 the buffer is never touched; the grads buffer stands in for it.
      bindings: { ...common, momentum_buffer: this.state.momentum_buffer ?? this.#spareBuffer() },
      shapes: { declared: OPTIM_BINDINGS, dims: { N: n } },
      uniforms: {
        n, lr, momentum: c.momentum, dampening: c.dampening, weight_decay: c.weightDecay,
        nesterov: c.nesterov ? 1 : 0, first_step: this.step === 1 ? 1 : 0,
      },
      workgroups: grid1d(n, SGD_WG(), limit),
    });
  }

  /** Reads every state buffer back (for checkpoints): flat arena-layout arrays. */
  async readState(): Promise<Record<string, Float32Array>> {
    this.lifetime.check('readState');
    const names = Object.keys(this.state);
    const arrays = await this.#sched.readMany(names.map((k) => this.state[k]!));
    return Object.fromEntries(names.map((k, i) => [k, arrays[i] as Float32Array]));
  }

  /** Restores state written by readState and the step count it belongs to. */
  writeState(step: number, values: Readonly<Record<string, ArrayLike<number>>>): void {
    this.lifetime.check('writeState');
    if (!Number.isInteger(step) || step < 0) throw new Error(`optimizer state: step must be an integer >= 0, got ${step}`);
    for (const name of Object.keys(this.state)) {
      const v = values[name];
      if (!v) throw new Error(`optimizer state: '${name}' is missing (have: ${Object.keys(values).join(', ') || 'none'})`);
      if (v.length !== this.#arena.floats) throw new Error(`optimizer state: '${name}' has ${v.length} values, expected ${this.#arena.floats}`);
      this.#sched.upload({ buffer: this.state[name]!, offset: 0, shape: [this.#arena.floats], dtype: 'f32', label: `optim.${name}` }, Float32Array.from(v));
    }
    this.step = step;
  }

  /** Frees the state buffers. Idempotent. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    for (const b of Object.values(this.state)) this.#sched.destroyBuffer(b);
    if (this.#spare) this.#sched.destroyBuffer(this.#spare);
  }

  #spare: GPUBuffer | null = null;
  #spareBuffer(): GPUBuffer {
    this.#spare ??= this.#sched.createBuffer(4 * this.#arena.floats, STORAGE_RW, 'optim.unused');
    return this.#spare;
  }
}

/**
 * Global-norm clipping of one gradient buffer: record() writes [scale, norm] into `out`
 * (scale = min(1, maxNorm / (norm + 1e-6))). Without maxNorm, `out` holds [1, 0] for good.
 */
export class GradClipper {
  /** [2] f32: clip factor, global norm. Bind `scale` as the optimizer's scale. */
  readonly out: GPUBuffer;
  /** Alive until destroy() (and while its scheduler is). */
  readonly lifetime: Lifetime;
  readonly #partials: GPUBuffer;
  readonly #numPartials: number;
  readonly #sched: Scheduler;
  readonly #grads: GPUBuffer;
  readonly #floats: number;

  constructor(
    sched: Scheduler,
    grads: GPUBuffer,
    floats: number,
    /** Global-norm threshold (torch.nn.utils.clip_grad_norm_ max_norm), or null: no clipping (the factor stays 1). */
    readonly maxNorm: number | null,
  ) {
    this.#sched = sched;
    this.#grads = grads;
    this.#floats = floats;
    this.lifetime = new Lifetime('GradClipper', 'destroy', [sched.lifetime]);
    this.lifetime.check('new');
    if (maxNorm !== null && !(Number.isFinite(maxNorm) && maxNorm > 0)) {
      throw new Error(`clip: max_norm must be a finite number > 0, got ${maxNorm}`);
    }
    this.#numPartials = Math.max(1, Math.min(MAX_PARTIALS, Math.ceil(floats / NORM_WG())));
    this.out = sched.createBuffer(8, STORAGE_RW, 'clip.out');
    this.#partials = sched.createBuffer(4 * this.#numPartials, STORAGE_RW, 'clip.partials');
    sched.upload({ buffer: this.out, offset: 0, shape: [2], dtype: 'f32', label: 'clip.out' }, [1, 0]);
  }

  /** The clip factor, [1] f32 on the GPU: bind it as the optimizer's scale. */
  get scale(): Binding {
    this.lifetime.check('scale');
    return { buffer: this.out, offset: 0, size: 4 };
  }

  /** Compiles the norm kernel (await once before recording). */
  async prepare(): Promise<void> {
    this.lifetime.check('prepare');
    await this.#sched.prepare(gradNormKernel);
  }

  /** Records the norm and clip factor of the current gradients (no-op without maxNorm). */
  record(): void {
    this.lifetime.check('record');
    if (this.maxNorm === null) return;
    const uniforms = { n: this.#floats, num_partials: this.#numPartials, max_norm: this.maxNorm };
    const bindings = { grads: this.#grads, partials: this.#partials, out: this.out };
    const shapes = { declared: OPTIM_BINDINGS, dims: { N: this.#floats, P: this.#numPartials } };
    this.#sched.dispatch(gradNormKernel, 'partial_sums', { bindings, shapes, uniforms, workgroups: this.#numPartials });
    this.#sched.dispatch(gradNormKernel, 'finalize', { bindings, shapes, uniforms, workgroups: 1 });
  }

  /** Frees the clipper's buffers. Idempotent. */
  destroy(): void {
    if (!this.lifetime.end()) return;
    this.#sched.destroyBuffer(this.out);
    this.#sched.destroyBuffer(this.#partials);
  }
}
