// declare.ts — kernel wrappers declare what they expect of every binding, in a table beside
// their dispatch, as onnxruntime-web's programs declare their inputs:
//
//   const FORWARD = /* @__PURE__ */ declareBindings({ gx: '[T, B, 4H] f32', hseq: '[T+1, B, H] f32', … });
//   sched.dispatch(kernel, 'forward_step', { bindings, …, shapes: { declared: FORWARD, dims: { T, B, H } } });
//
// The scheduler checks each binding before recording, naming kernel, binding, expected and
// actual shape. A declaration is `[d0, d1, …] dtype` (exact shape up to dimensions of size 1,
// which do not change a row-major layout; a raw buffer range must hold exactly that many values) or `[>= n] dtype` (at least n values: views that gemm or
// permute index with offsets and strides). Dimensions are integer expressions of the dims the
// wrapper passes: + - *, parentheses, and `4H` for 4*H. A table is parsed on first use (modules
// do no work at import); a malformed entry throws then, naming it.
import { formatShape, numel, type DType } from './tensor';
import { describeResolved, type ResolvedBinding } from './buffers';

/** One binding's declared shape and dtype. */
export interface BindingDeclaration {
  /** The text as written, e.g. '[T+1, B, H] f32'. */
  readonly text: string;
  /** The element type the binding must have (checked for tensors; raw buffers carry none). */
  readonly dtype: DType;
  /** True for `[>= n]`: at least n values, any shape. */
  readonly atLeast: boolean;
  /** One expression per dimension (one, the minimum count, for `[>= n]`). */
  readonly dims: readonly DimExpr[];
}

/** A dimension: its text and its value given the dims. */
export interface DimExpr {
  readonly text: string;
  evaluate(dims: Readonly<Record<string, number>>): number;
}

/** Declarations by WGSL binding name, parsed on first use. */
export interface BindingDeclarations {
  /** The declaration of one binding, or undefined when the table does not name it. */
  get(name: string): BindingDeclaration | undefined;
  /** The binding names the table declares. */
  readonly names: readonly string[];
}

/** What a dispatch passes to have its bindings checked against a table. */
export interface ShapeCheck {
  /** The wrapper's table (declareBindings). */
  declared: BindingDeclarations;
  /** Values of the names the declarations use (T, B, H, …). */
  dims: Readonly<Record<string, number>>;
  /** Bindings bound to a stand-in this dispatch does not read (e.g. dy when there is none). */
  standIns?: readonly string[];
}

const DTYPES: readonly DType[] = ['f32', 'u32', 'i32'];

/** A table of `name: '[dims] dtype'`; an entry that cannot be parsed throws, naming it, when first used. */
export function declareBindings(table: Readonly<Record<string, string>>): BindingDeclarations {
  const parsed = new Map<string, BindingDeclaration>();
  return {
    names: Object.keys(table),
    get(name: string): BindingDeclaration | undefined {
      let d = parsed.get(name);
      if (d === undefined && Object.hasOwn(table, name)) {
        try {
          d = parseDeclaration(table[name]!);
        } catch (e) {
          throw new Error(`declareBindings: '${name}: ${table[name]}': ${(e as Error).message}`);
        }
        parsed.set(name, d);
      }
      return d;
    },
  };
}

function parseDeclaration(text: string): BindingDeclaration {
  const m = /^\s*\[(.*)\]\s*(f32|u32|i32)\s*$/.exec(text);
  if (!m) throw new Error(`expected '[dims] dtype' with dtype one of ${DTYPES.join(', ')}`);
  const body = m[1]!.trim();
  const atLeast = body.startsWith('>=');
  const parts = (atLeast ? body.slice(2) : body).split(',').map((s) => s.trim());
  if (parts.some((p) => p === '') || (atLeast && parts.length !== 1)) throw new Error(atLeast ? "'[>= n]' takes one expression" : 'empty dimension');
  return { text: text.trim(), dtype: m[2] as DType, atLeast, dims: parts.map(parseExpr) };
}

/** An integer expression over names: sums of products of factors; `4H` multiplies. */
export function parseExpr(text: string): DimExpr {
  const tokens = text.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*()]|\S/g) ?? [];
  let pos = 0;
  type Eval = (d: Readonly<Record<string, number>>) => number;
  const peek = () => tokens[pos];
  const sum = (): Eval => {
    let left = product();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++];
      const l = left;
      const r = product();
      left = op === '+' ? (d) => l(d) + r(d) : (d) => l(d) - r(d);
    }
    return left;
  };
  const product = (): Eval => {
    let left = factor();
    // `*`, or juxtaposition after a number: 4H, 2(T+1).
    while (peek() === '*' || (/^\d+$/.test(tokens[pos - 1] ?? '') && (/^[A-Za-z_(]/.test(peek() ?? '')))) {
      if (peek() === '*') pos++;
      const l = left;
      const r = factor();
      left = (d) => l(d) * r(d);
    }
    return left;
  };
  const factor = (): Eval => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error(`'${text}' ends too early`);
    if (/^\d+$/.test(t)) return () => Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      return (d) => {
        const v = d[t];
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`dimension '${t}' was not given (dims: ${Object.keys(d).join(', ') || 'none'})`);
        return v;
      };
    }
    if (t === '(') {
      const inner = sum();
      if (tokens[pos++] !== ')') throw new Error(`'${text}' has an unclosed '('`);
      return inner;
    }
    throw new Error(`unexpected '${t}' in '${text}'`);
  };
  const evaluate = sum();
  if (pos !== tokens.length) throw new Error(`unexpected '${tokens[pos]}' in '${text}'`);
  return { text, evaluate };
}

/** Equal shapes once dimensions of size 1 are dropped ([N, S] and [N, S, 1] lay out alike). */
function sameLayout(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && a[i] === 1) i++;
    while (j < b.length && b[j] === 1) j++;
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    if (a[i++] !== b[j++]) return false;
  }
}

/** What was bound: a tensor (shape and dtype known) or a raw buffer range (only its size). */
export type BoundValue = Pick<ResolvedBinding, 'tensor' | 'size' | 'record'>;

/** Throws `<where>: binding 'x' (tensor 'y') has shape …, expected [T+1, B, H] = [4, 2, 3] f32 (T=3, …)`. */
export function checkDeclared(where: string, name: string, decl: BindingDeclaration, dims: Readonly<Record<string, number>>, given: BoundValue): void {
  let want: number[];
  try {
    want = decl.dims.map((e) => e.evaluate(dims));
  } catch (e) {
    throw new Error(`${where}: binding '${name}' is declared '${decl.text}': ${(e as Error).message}`);
  }
  const shape = given.tensor?.shape ?? null;
  const count = shape ? numel(shape) : given.size / 4;
  const dtypeOk = !given.tensor || given.tensor.dtype === decl.dtype;
  const shapeOk = decl.atLeast ? count >= want[0]! : shape ? sameLayout(shape, want) : count === numel(want);
  if (dtypeOk && shapeOk) return;
  // Messages are built only on failure: this runs for every binding of every dispatch.
  const dimText = Object.entries(dims).map(([k, v]) => `${k}=${v}`).join(', ');
  const expected = decl.atLeast
    ? `at least ${want[0]} ${decl.dtype} values ('${decl.text}', ${dimText})`
    : `${decl.text.replace(/\s*(f32|u32|i32)$/, '')} = ${formatShape(want)} ${decl.dtype} (${dimText})`;
  const actual = shape ? `shape ${formatShape(shape)} ${given.tensor!.dtype}` : `${given.size / 4} values (${given.size} bytes)`;
  throw new Error(`${where}: binding '${name}' (${describeResolved(given)}) has ${actual}, expected ${expected}`);
}
