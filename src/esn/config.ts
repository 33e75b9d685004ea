// config.ts — an echo state network's hyper-parameters, their defaults and their checks
// (before any GPU work, errors naming the parameter). Shared by `springloop train --cells esn`
// and Forecaster({ cell: 'esn' }).
import { requireInteger, requireNumber } from '../util/check';

/** The largest reservoir (the design rows and the Gram matrix grow with N and N²). */
export const MAX_RESERVOIR = 4096;

/** An echo state network's hyper-parameters (ESN_DEFAULTS gives each default). */
export interface EsnSettings {
  /** Reservoir units N (1 … 4096; default 1000). */
  reservoir: number;
  /** Spectral radius ρ that W is scaled to (default 0.9). */
  spectralRadius: number;
  /** Leak rate α in (0, 1]: x ← (1 − α)x + α·tanh(…) (default 0.1: a memory of ~1/(α(1 − ρ)) samples). */
  leak: number;
  /**
   * Ridge λ of the readout, (ZᵀZ + λI) w = Zᵀy (default 1). ZᵀZ is summed in float32 (centred),
   * so λ must stay well above its rounding: ≳ 1e-5 × its mean diagonal (≈ the training samples
   * times the states' mean square); the solve says so when it is not.
   */
  ridge: number;
  /** W_in and b uniform in [−s, s] (default 0.2). */
  inputScaling: number;
  /** Fraction of non-zero entries of W: 1 dense, else round(density·N) per row (default 0.02). */
  density: number;
  /** Samples of each row the readout ignores while the state forgets its zero start (default 200). */
  washout: number;
}

/**
 * Chosen on the main job's task and the noisy sine (a sweep of λ ∈ {1, 10}, α ∈ {0.1, 0.3, 1},
 * ρ ∈ {0.9, 0.99}, s ∈ {0.2, 0.5, 1}): test MSE 0.0018 × linear extrapolation's, and 1.05 × the
 * noise floor.
 */
export const ESN_DEFAULTS: Readonly<EsnSettings> = /* @__PURE__ */ Object.freeze({
  reservoir: 1000,
  spectralRadius: 0.9,
  leak: 0.1,
  ridge: 1,
  inputScaling: 0.2,
  density: 0.02,
  washout: 200,
});

/** The settings' keys, as flags: --reservoir, --spectral-radius, … */
export const ESN_KEYS = /* @__PURE__ */ Object.keys(ESN_DEFAULTS) as (keyof EsnSettings)[];

/** The ESN's settings out of anything that carries them (a run's config, Forecaster options). */
export function esnSettingsOf(c: Readonly<EsnSettings>): EsnSettings {
  return Object.fromEntries(ESN_KEYS.map((k) => [k, c[k]])) as unknown as EsnSettings;
}

/** Checks every setting; `prefix` names them as the caller spells them ('--' for flags, 'Forecaster: ' …). */
export function validateEsnSettings(s: EsnSettings, name: (key: keyof EsnSettings) => string): void {
  requireInteger(name('reservoir'), s.reservoir, { min: 1, max: MAX_RESERVOIR });
  requireNumber(name('spectralRadius'), s.spectralRadius, { min: 0, exclusiveMin: true });
  requireNumber(name('leak'), s.leak, { min: 0, exclusiveMin: true, max: 1 });
  requireNumber(name('ridge'), s.ridge, { min: 0 });
  requireNumber(name('inputScaling'), s.inputScaling, { min: 0 });
  requireNumber(name('density'), s.density, { min: 0, exclusiveMin: true, max: 1 });
  requireInteger(name('washout'), s.washout, { min: 0 });
}
