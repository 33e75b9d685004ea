// ensemble.ts — build N oscillators from per-parameter specs (the CLI's --m, --c, ... flags).
// A spec is a number ("0.4" or 0.4: every oscillator gets it) or a range "lo:hi" (each
// oscillator draws uniformly from [lo, hi) with a seeded Random). Unspecified parameters
// take the base values (DEFAULT_OSCILLATOR unless given).
// Reproducibility: each parameter draws from its own stream, seeded from (seed, parameter
// index), so adding or removing a range on one parameter never changes another's values.

import { Random } from '../util/random';
import { parseFiniteNumber } from '../util/check';
import { DEFAULT_OSCILLATOR, PARAM_NAMES, type OscillatorColumns, type OscillatorParams, type ParamName } from './oscillator';

/** A number, a numeric string, or a range string "lo:hi" (uniform in [lo, hi)). */
export type ParamSpec = number | string;

/** A parsed spec: one value for everyone, or a uniform range. */
export type ParsedParamSpec = { kind: 'fixed'; value: number } | { kind: 'range'; lo: number; hi: number };

/** What buildEnsemble needs. */
export interface EnsembleOptions {
  /** N, the number of oscillators (integer >= 1). */
  count: number;
  /** Seed for range draws (default 0). */
  seed?: number;
  /** Per-parameter specs; parameters left out take the base value. */
  specs?: Partial<Record<ParamName, ParamSpec>>;
  /** Values for unspecified parameters (default DEFAULT_OSCILLATOR). */
  base?: Readonly<OscillatorParams>;
}

/** Parses one spec; `flag` (e.g. "--c") names it in error messages. */
export function parseParamSpec(flag: string, spec: ParamSpec): ParsedParamSpec {
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec)) throw new Error(`${flag}: expected a finite number, got ${spec}`);
    return { kind: 'fixed', value: spec };
  }
  if (typeof spec !== 'string') {
    throw new Error(`${flag}: expected a number or a range "lo:hi", got ${String(spec)}`);
  }
  const parts = spec.split(':');
  if (parts.length === 1) {
    const value = parseFiniteNumber(spec);
    if (value === null) throw new Error(`${flag}: expected a number or a range "lo:hi", got ${JSON.stringify(spec)}`);
    return { kind: 'fixed', value };
  }
  const [lo, hi] = parts.map(parseFiniteNumber);
  if (parts.length !== 2 || lo === null || hi === null || lo === undefined || hi === undefined) {
    throw new Error(`${flag}: a range must be "lo:hi" with two finite numbers, got ${JSON.stringify(spec)}`);
  }
  if (lo > hi) throw new Error(`${flag}: range "${spec}" has lo > hi (${lo} > ${hi})`);
  return { kind: 'range', lo, hi };
}

/** Builds N oscillators as columns (Float64Array [N] per parameter). */
export function buildEnsemble(opts: EnsembleOptions): OscillatorColumns {
  const { count, seed = 0, specs = {}, base = DEFAULT_OSCILLATOR } = opts;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new Error(`ensemble: count must be an integer >= 1, got ${count}`);
  }
  if (!Number.isFinite(seed)) throw new Error(`ensemble: seed must be a finite number, got ${seed}`);
  for (const key of Object.keys(specs)) {
    if (!(PARAM_NAMES as readonly string[]).includes(key)) {
      throw new Error(`ensemble: unknown parameter ${JSON.stringify(key)}; allowed: ${PARAM_NAMES.join(', ')}`);
    }
  }
  // One sub-seed per parameter, always drawn in PARAM_NAMES order.
  const seeder = new Random(seed);
  const result = { count } as { count: number } & Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) {
    const stream = new Random(seeder.nextU32());
    const spec = specs[name];
    const parsed: ParsedParamSpec =
      spec === undefined ? { kind: 'fixed', value: base[name] } : parseParamSpec(`--${name}`, spec);
    const column = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      column[i] = parsed.kind === 'fixed' ? parsed.value : stream.uniform(parsed.lo, parsed.hi);
    }
    result[name] = column;
  }
  return result;
}
