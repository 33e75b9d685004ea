// check.ts — argument checks at the API edge, shared by the library and the CLI. Every
// message names the parameter, what is wanted, and what was given, typed where the type is
// the mistake: `hidden must be an integer >= 1, got '16' (a string)`. Also parses a decimal
// number from text (CLI flags, CSV cells). Imports nothing.

/** How a value reads in an error message: `4`, `'4' (a string)`, `null`, `[1, 2] (an array)`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'number':
      return String(v);
    case 'string':
      return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}' (a string)`;
    case 'boolean':
      return `${v} (a boolean)`;
    case 'bigint':
      return `${v}n (a bigint)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (Array.isArray(v)) {
    const shown = v.slice(0, 4).map((x) => (typeof x === 'string' ? `'${x}'` : typeof x === 'object' && x !== null ? '…' : String(x)));
    return `[${shown.join(', ')}${v.length > 4 ? ', …' : ''}] (an array of ${v.length})`;
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength}`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export interface IntegerRange {
  min?: number;
  max?: number;
}

function rangeText(kind: string, r: IntegerRange): string {
  if (r.min !== undefined && r.max !== undefined) return `${kind} in [${r.min}, ${r.max}]`;
  if (r.min !== undefined) return `${kind} >= ${r.min}`;
  if (r.max !== undefined) return `${kind} <= ${r.max}`;
  return kind;
}

/** Returns v when it is a safe integer within [min, max]; else throws `<name> must be …, got …`. */
export function requireInteger(name: string, v: unknown, range: IntegerRange = {}): number {
  const ok = typeof v === 'number' && Number.isSafeInteger(v) && (range.min === undefined || v >= range.min) && (range.max === undefined || v <= range.max);
  if (!ok) throw new Error(`${name} must be ${rangeText('an integer', range)}, got ${describeValue(v)}`);
  return v as number;
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** True: v must be strictly above min. */
  exclusiveMin?: boolean;
  /** True: v must be strictly below max. */
  exclusiveMax?: boolean;
}

/** Returns v when it is a finite number within the range; else throws naming it. */
export function requireNumber(name: string, v: unknown, range: NumberRange = {}): number {
  const aboveMin = range.min === undefined || (range.exclusiveMin ? (v as number) > range.min : (v as number) >= range.min);
  const belowMax = range.max === undefined || (range.exclusiveMax ? (v as number) < range.max : (v as number) <= range.max);
  const ok = typeof v === 'number' && Number.isFinite(v) && aboveMin && belowMax;
  if (!ok) {
    const lo = range.min === undefined ? '' : range.exclusiveMin ? ` > ${range.min}` : ` >= ${range.min}`;
    const hi = range.max === undefined ? '' : `${lo ? ' and' : ''} ${range.exclusiveMax ? '<' : '<='} ${range.max}`;
    throw new Error(`${name} must be a finite number${lo}${hi}, got ${describeValue(v)}`);
  }
  return v as number;
}

/** Returns v when it is true or false; else throws `<name> must be true or false, got …`. */
export function requireBoolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Error(`${name} must be true or false, got ${describeValue(v)}`);
  return v;
}

/** Returns v when it is one of `options`; else throws listing them. */
export function requireOneOf<T extends string>(name: string, v: unknown, options: readonly T[]): T {
  if (!(options as readonly unknown[]).includes(v)) {
    throw new Error(`${name} must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** Returns v when it is a plain object (not null, not an array); else throws naming it. */
export function requireObject(name: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new Error(`${name} must be an object, got ${describeValue(v)}`);
  }
  return v as Record<string, unknown>;
}

// Decimal numbers only: no hex, no "Infinity"/"NaN", no empty string (Number('') is 0).
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a decimal number; returns null unless the text is a finite decimal number. */
export function parseFiniteNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}
