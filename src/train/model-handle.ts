// model-handle.ts — the little the trainer needs from a recurrent model (src/model/), so the
// training loop does not depend on how the model organises its buffers:
// a parameter arena (state_dict names), and per batch size: forward, and loss + backward.
import type { GpuTensor } from '../gpu/tensor';
import type { ArenaSlot } from '../gpu/arena';
import type { RecurrentModel, TrainingStep } from '../model/recurrent-model';
import type { Lifetime } from '../gpu/lifetime';

/** Training loss: mean squared error, or cross-entropy over class logits. */
export type LossKind = 'mse' | 'cross_entropy';

/** What a Trainer needs of a model: its parameter arena, forward, and loss plus backward. */
export interface ModelHandle {
  /** Parameters and gradients, one flat buffer each, with state_dict-named slots. */
  readonly arena: {
    readonly params: GPUBuffer;
    readonly grads: GPUBuffer;
    readonly floats: number;
    readonly slots: readonly ArenaSlot[];
    write(values: Readonly<Record<string, ArrayLike<number>>>): void;
    read(which?: 'params' | 'grads'): Promise<Record<string, Float32Array>>;
  };
  /** Compiles every kernel the model uses. */
  prepare(): Promise<void>;
  /**
   * Records the forward pass of x [B, T, I]; returns out [B, O] or [B, T, O] (valid until the
   * next forward of this B). `training` (the optimizer step about to be taken) makes it a
   * training forward: dropout applies, masks keyed by that step; absent, evaluation.
   */
  forward(x: GpuTensor, batch: number, training?: TrainingStep | null): GpuTensor;
  /**
   * Records loss and backward after forward(x, batch): the gradient arena is overwritten with
   * d loss / d params. target: [B] / [B, T] f32 (mse) or [B] u32 labels (cross_entropy).
   * tbptt: back-propagate through the last `tbptt` steps only.
   */
  lossBackward(batch: number, target: GpuTensor, loss: LossKind, tbptt: number | null): void;
  /** Frees the model's GPU buffers. */
  destroy(): void;
  /** The model's Lifetime, when it has one: a Trainer on it refuses use once it is destroyed. */
  readonly lifetime?: Lifetime;
}

/** The interface over src/model's RecurrentModel (output size O; targets reshaped to out's shape). */
export function recurrentModelHandle(model: RecurrentModel): ModelHandle {
  const O = model.config.outputSize;
  return {
    arena: model.arena,
    prepare: async () => {},
    forward: (x, _batch, training) => model.forward(x, { training }).out,
    lossBackward: (_batch, target, loss, tbptt) => {
      // Training needs the parameters' gradients only, not d loss / d x.
      const opts = { inputGradient: false, ...(tbptt === null ? {} : { truncate: tbptt }) };
      if (loss === 'cross_entropy') {
        model.lossAndBackward({ kind: 'cross_entropy', labels: target }, opts);
        return;
      }
      const view: GpuTensor = { ...target, shape: [...target.shape, O] };
      model.lossAndBackward({ kind: 'mse', target: view }, opts);
    },
    destroy: () => model.destroy(),
    lifetime: model.lifetime,
  };
}
