// workspace.ts — the GPU buffers of one (batch, seqLen) shape of the model: exactly the
// tensors of its plan (workspace-plan.ts), allocated once and reused by every forward and
// backward of that shape (so a training step records no allocation and its bind groups stay
// cached); the backward ones on the first backward. checkWorkspaceLimits holds the same plan
// against the device's limits before anything is allocated.
import type { Scheduler } from '../gpu/scheduler';
import { numel, type GpuTensor } from '../gpu/tensor';
import { gemmMaxRows } from '../kernels/gemm';
import {
  plannedTensors, realize,
  type BackwardTensors, type DirectionActivations, type DirectionGradients, type ForwardTensors, type GradNormTensors, type LayerActivations,
  type LayerGradients, type TensorPlan, type WorkspacePlan,
} from './workspace-plan';

/** One layer's activations on the GPU. */
export type LayerBuffers = LayerActivations<GpuTensor>;
/** One layer's gradients on the GPU. */
export type LayerGradBuffers = LayerGradients<GpuTensor>;
/** One direction's activations on the GPU. */
export type DirectionBuffers = DirectionActivations<GpuTensor>;
/** One direction's gradients on the GPU. */
export type DirectionGradBuffers = DirectionGradients<GpuTensor>;
/** Everything backward() writes. */
export type GradBuffers = BackwardTensors<GpuTensor>;
/** What a backward with gradient norms writes. */
export type GradNormBuffers = GradNormTensors<GpuTensor>;

/** The GPU tensors of one plan; destroy() frees them. */
export class Workspace {
  readonly batch: number;
  readonly seqLen: number;
  /** What forward() fills. */
  readonly forward: ForwardTensors<GpuTensor>;
  #gradBuffers: GradBuffers | null = null;
  #normBuffers: GradNormBuffers | null = null;
  readonly #owned: GpuTensor[] = [];
  readonly #sched: Scheduler;

  constructor(sched: Scheduler, readonly plan: WorkspacePlan) {
    this.#sched = sched;
    this.batch = plan.batch;
    this.seqLen = plan.seqLen;
    this.forward = realize(plan.forward, (t) => this.#make(t));
  }

  /** Backward buffers, allocated on first use. */
  grads(): GradBuffers {
    this.#gradBuffers ??= realize(this.plan.backward, (t) => this.#make(t));
    return this.#gradBuffers;
  }

  /** Gradient-norm buffers, allocated on first use. */
  gradNorms(): GradNormBuffers {
    this.#normBuffers ??= realize(this.plan.gradNorms, (t) => this.#make(t));
    return this.#normBuffers;
  }

  destroy(): void {
    for (const t of this.#owned) this.#sched.destroyBuffer(t.buffer);
    this.#owned.length = 0;
  }

  #make(t: TensorPlan): GpuTensor {
    const tensor = this.#sched.createTensor(t.shape, 'f32', t.label);
    this.#owned.push(tensor);
    return tensor;
  }
}

/**
 * Throws naming the tensor or size when a plan exceeds the device's limits: storage binding
 * size of every tensor, and workgroups per grid dimension of the GEMMs over all T·B rows.
 */
export function checkWorkspaceLimits(sched: Scheduler, plan: WorkspacePlan): void {
  const limits = sched.device.limits;
  const { batch, seqLen } = plan;
  for (const t of plannedTensors(plan)) {
    const count = numel(t.shape);
    if (!Number.isSafeInteger(count) || 4 * count > limits.maxStorageBufferBindingSize) {
      throw new Error(`batch ${batch} × seqLen ${seqLen}: ${t.label} needs ${4 * count} bytes, more than this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize})`);
    }
  }
  const maxRows = gemmMaxRows() * limits.maxComputeWorkgroupsPerDimension;
  if (batch * seqLen > maxRows) {
    throw new Error(`batch ${batch} × seqLen ${seqLen} = ${batch * seqLen} rows is more than the ${maxRows} this device's maxComputeWorkgroupsPerDimension (${limits.maxComputeWorkgroupsPerDimension}) allows`);
  }
}
