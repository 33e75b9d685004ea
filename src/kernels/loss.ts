// loss.ts — typed wrapper of shaders/loss.wgsl: MSE (mean) and softmax cross-entropy, each
// one dispatch that writes the scalar loss [1] and d loss / d out. Mirrors
// src/reference/losses.ts.
import lossWgsl from '../../shaders/loss.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';

/** shaders/loss.wgsl, reflected at build time. */
export const lossKernel: Kernel = lossWgsl;

/** What loss.wgsl expects: N outputs (of C classes for cross-entropy) in any shape, a [1] loss. */
export const LOSS_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({
  out: '[>= N] f32', expected: '[>= N] f32', d_out: '[>= N] f32', loss: '[1] f32',
  logits: '[>= N*C] f32', labels: '[>= N] u32', d_logits: '[>= N*C] f32', ce_loss: '[1] f32',
});

/** Records loss[0] = mean((out − target)²) and dOut = 2(out − target)/n. */
export function mseLossGpu(sched: Scheduler, out: GpuTensor, target: GpuTensor, dOut: GpuTensor, loss: GpuTensor): void {
  const n = numel(out.shape);
  if (numel(target.shape) !== n) throw new Error(`mse: target ${target.label} has shape ${formatShape(target.shape)} but out has ${formatShape(out.shape)}`);
  if (numel(dOut.shape) !== n) throw new Error(`mse: dOut ${dOut.label} has shape ${formatShape(dOut.shape)} but out has ${formatShape(out.shape)}`);
  sched.dispatch(lossKernel, 'mse', {
    bindings: { out, expected: target, d_out: dOut, loss },
    shapes: { declared: LOSS_BINDINGS, dims: { N: n } },
    uniforms: { n, classes: 1 },
    workgroups: 1,
  });
}

/** Records the mean softmax cross-entropy of logits [n, classes] against u32 labels [n]. */
export function crossEntropyLossGpu(sched: Scheduler, logits: GpuTensor, labels: GpuTensor, dLogits: GpuTensor, loss: GpuTensor): void {
  const classes = logits.shape[logits.shape.length - 1]!;
  const n = numel(logits.shape) / classes;
  if (labels.dtype !== 'u32') throw new Error(`cross-entropy: labels ${labels.label} must be u32, got ${labels.dtype}`);
  if (numel(labels.shape) !== n) throw new Error(`cross-entropy: labels ${labels.label} has shape ${formatShape(labels.shape)}, expected [${n}] (one per row of logits ${formatShape(logits.shape)})`);
  if (numel(dLogits.shape) !== n * classes) throw new Error(`cross-entropy: dLogits has shape ${formatShape(dLogits.shape)}, expected ${formatShape(logits.shape)}`);
  sched.dispatch(lossKernel, 'cross_entropy', {
    bindings: { logits, labels, d_logits: dLogits, ce_loss: loss },
    shapes: { declared: LOSS_BINDINGS, dims: { N: n, C: classes } },
    uniforms: { n, classes },
    workgroups: 1,
  });
}
