// dispatch-checks.ts — what Scheduler.dispatch() checks before it records anything: workgroup
// counts within the device's grid, and every storage binding present, bindable (buffers.ts),
// big enough for the shader, not both written and read-only bound, and of its declared shape
// (declare.ts). This runs for every dispatch, so the good path allocates little.
import { describeValue } from '../util/check';
import { formatShape } from './tensor';
import { requireNoWriteAliasing, requireStorageRange, type BufferRegistry, type ResolvedBinding, type StorageLimits } from './buffers';
import { checkDeclared, type ShapeCheck } from './declare';
import type { BindingInfo } from './reflect';

/** [x, y, z] from a count or a list; throws unless each is an integer in 0..max. */
export function workgroupCounts(where: string, wg: unknown, max: number): [number, number, number] {
  const g = (typeof wg === 'number' ? [wg, 1, 1] : Array.isArray(wg) ? [wg[0] ?? 1, wg[1] ?? 1, wg[2] ?? 1] : [wg, 1, 1]) as [number, number, number];
  for (const n of g) {
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new Error(`${where}: workgroup count ${Array.isArray(wg) ? formatShape(g) : describeValue(wg)} is invalid (each must be an integer in 0..${max})`);
    }
  }
  return g;
}

/**
 * Resolves and checks every storage binding of a dispatch; the result is aligned with
 * `bindings` (null at the uniform).
 */
export function resolveStorageBindings(
  registry: BufferRegistry,
  limits: StorageLimits,
  where: string,
  bindings: readonly BindingInfo[],
  given: unknown,
  shapes: ShapeCheck | undefined,
): (ResolvedBinding | null)[] {
  if (typeof given !== 'object' || given === null) throw new Error(`${where}: bindings must be an object, got ${describeValue(given)}`);
  const values = given as Readonly<Record<string, unknown>>;
  const out: (ResolvedBinding | null)[] = [];
  const names: string[] = [];
  const bound: ResolvedBinding[] = [];
  const writable: boolean[] = [];
  for (const b of bindings) {
    if (b.kind === 'uniform') {
      out.push(null);
      continue;
    }
    const value = values[b.name];
    if (value === undefined || value === null) {
      throw new Error(`${where} needs binding '${b.name}' (${b.kind}) but it was not given (given: ${Object.keys(values).join(', ') || 'none'})`);
    }
    const name = bindingName(b.name);
    const r = registry.resolve(where, name, value);
    requireStorageRange(where, name, r, limits);
    if (r.size < b.minBytes) throw new Error(`${where}: binding '${b.name}' is ${r.size} bytes, smaller than the ${b.minBytes} the shader needs`);
    if (b.stride > 0 && r.size % b.stride !== 0) throw new Error(`${where}: binding '${b.name}' is ${r.size} bytes, not a multiple of its ${b.stride}-byte elements`);
    if (shapes && !shapes.standIns?.includes(b.name)) {
      const decl = shapes.declared.get(b.name);
      if (!decl) throw new Error(`${where}: binding '${b.name}' has no declared shape (declared: ${shapes.declared.names.join(', ')})`);
      checkDeclared(where, b.name, decl, shapes.dims, r);
    }
    out.push(r);
    names.push(name);
    bound.push(r);
    writable.push(b.kind === 'storage');
  }
  requireNoWriteAliasing(where, names, bound, writable);
  return out;
}

const bindingNames = new Map<string, string>();

/** `binding 'x'`, made once per name. */
function bindingName(name: string): string {
  let text = bindingNames.get(name);
  if (text === undefined) bindingNames.set(name, (text = `binding '${name}'`));
  return text;
}
