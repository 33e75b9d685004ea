// args.ts — a small, strict flag parser: `--name value`, `--name=value`, `--flag`.
// Unknown flags, missing values and a flag given twice are errors naming the flag.
import { parseFiniteNumber } from '../util/check';

/** How a flag's value is read: text, a decimal number, or presence. */
export type FlagType = 'string' | 'number' | 'boolean';
/** Every flag a command takes (without the leading --) and its type. */
export type FlagSpec = Readonly<Record<string, FlagType>>;
/** Flag values by name, and the positional arguments in `_`. */
export interface ParsedArgs {
  _: string[];
  [flag: string]: string | number | boolean | undefined | string[];
}

/** Parses argv against spec; throws naming the flag on an unknown flag, a missing or bad value, or a repeat. */
export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      out._.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const type = spec[name];
    if (!type) throw new Error(`unknown flag --${name} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (name in out) throw new Error(`flag --${name} is given twice`);
    if (type === 'boolean') {
      if (eq >= 0) throw new Error(`flag --${name} takes no value`);
      out[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new Error(`flag --${name} needs a value`);
    if (type === 'number') {
      const v = parseFiniteNumber(raw); // a decimal number: 12, -0.5, .5, 1e-3 (not 0x10, 0b1, Infinity)
      if (v === null) throw new Error(`flag --${name} must be a finite number, got '${raw}'`);
      out[name] = v;
    } else out[name] = raw;
  }
  return out;
}
