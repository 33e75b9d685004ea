// optim.ts — float64 plain-loop references of the fused optimizer kernels and of global-norm
// gradient clipping, following torch.optim.Adam, torch.optim.SGD and
// torch.nn.utils.clip_grad_norm_ (mirrored by shaders/adam.wgsl, sgd.wgsl, grad_norm.wgsl).
// Every array is a flat arena [n]; state arrays are updated in place.

/** Adam hyper-parameters (torch.optim.Adam names; amsgrad and maximize are not supported). */
export interface AdamHyper {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay of the first-moment average (default 0.9). */
  beta1: number;
  /** Decay of the second-moment average (default 0.999). */
  beta2: number;
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient, as torch.optim.Adam's weight_decay (default 0). */
  weightDecay: number;
}

/** torch.optim.Adam's defaults. */
export const ADAM_DEFAULTS: Readonly<AdamHyper> = /* @__PURE__ */ Object.freeze({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });

/** SGD hyper-parameters (torch.optim.SGD names). */
export interface SgdHyper {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Momentum factor (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

export const SGD_DEFAULTS: Readonly<SgdHyper> = /* @__PURE__ */ Object.freeze({ lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });

/** The per-step scalars of Adam, computed on the host as torch does (Python floats). */
export function adamStepScalars(h: AdamHyper, step: number): { stepSize: number; bc2Sqrt: number } {
  if (!Number.isInteger(step) || step < 1) throw new Error(`adam: step must be an integer >= 1, got ${step}`);
  const bc1 = 1 - h.beta1 ** step;
  const bc2 = 1 - h.beta2 ** step;
  return { stepSize: h.lr / bc1, bc2Sqrt: Math.sqrt(bc2) };
}

/** One Adam step (step counts from 1) on params/m/v in place; grads are multiplied by `scale`. */
export function adamStepReference(
  h: AdamHyper,
  step: number,
  params: Float64Array,
  grads: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  scale = 1,
): void {
  const { stepSize, bc2Sqrt } = adamStepScalars(h, step);
  for (let i = 0; i < params.length; i++) {
    let g = grads[i]! * scale;
    if (h.weightDecay !== 0) g += h.weightDecay * params[i]!;
    m[i] = m[i]! + (1 - h.beta1) * (g - m[i]!);
    v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g * g;
    params[i] = params[i]! - stepSize * (m[i]! / (Math.sqrt(v[i]!) / bc2Sqrt + h.eps));
  }
}

/** One SGD step on params/buf in place; `firstStep` initialises the momentum buffer to g. */
export function sgdStepReference(
  h: SgdHyper,
  firstStep: boolean,
  params: Float64Array,
  grads: ArrayLike<number>,
  buf: Float64Array,
  scale = 1,
): void {
  for (let i = 0; i < params.length; i++) {
    let g = grads[i]! * scale;
    if (h.weightDecay !== 0) g += h.weightDecay * params[i]!;
    if (h.momentum !== 0) {
      buf[i] = firstStep ? g : h.momentum * buf[i]! + (1 - h.dampening) * g;
      g = h.nesterov ? g + h.momentum * buf[i]! : buf[i]!;
    }
    params[i] = params[i]! - h.lr * g;
  }
}

/** Global L2 norm of the gradients and clip_grad_norm_'s factor min(1, maxNorm / (norm + 1e-6)). */
export function clipScaleReference(grads: ArrayLike<number>, maxNorm: number): { norm: number; scale: number } {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i]! * grads[i]!;
  const norm = Math.sqrt(sum);
  return { norm, scale: Math.min(1, maxNorm / (norm + 1e-6)) };
}

/** Throws naming the hyper-parameter when an Adam setting is out of range. */
export function validateAdam(h: AdamHyper): void {
  if (!Number.isFinite(h.lr) || h.lr < 0) throw new Error(`adam: lr must be a finite number >= 0, got ${h.lr}`);
  for (const key of ['beta1', 'beta2'] as const) {
    if (!(h[key] >= 0 && h[key] < 1)) throw new Error(`adam: ${key} must be in [0, 1), got ${h[key]}`);
  }
  if (!(Number.isFinite(h.eps) && h.eps >= 0)) throw new Error(`adam: eps must be a finite number >= 0, got ${h.eps}`);
  if (!(Number.isFinite(h.weightDecay) && h.weightDecay >= 0)) throw new Error(`adam: weightDecay must be >= 0, got ${h.weightDecay}`);
}

/** Throws naming the hyper-parameter when an SGD setting is out of range (torch's rules). */
export function validateSgd(h: SgdHyper): void {
  if (!Number.isFinite(h.lr) || h.lr < 0) throw new Error(`sgd: lr must be a finite number >= 0, got ${h.lr}`);
  if (!(Number.isFinite(h.momentum) && h.momentum >= 0)) throw new Error(`sgd: momentum must be >= 0, got ${h.momentum}`);
  if (!(Number.isFinite(h.dampening) && h.dampening >= 0 && h.dampening <= 1)) throw new Error(`sgd: dampening must be in [0, 1], got ${h.dampening}`);
  if (!(Number.isFinite(h.weightDecay) && h.weightDecay >= 0)) throw new Error(`sgd: weightDecay must be >= 0, got ${h.weightDecay}`);
  if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
    throw new Error(`sgd: nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum}, dampening ${h.dampening}`);
  }
}
