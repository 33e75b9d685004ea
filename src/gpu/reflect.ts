// reflect.ts — WGSL is the source of truth for layouts: this reflects a kernel's source
// (with wgsl_reflect) into per-entry-point bindings, uniform member offsets, workgroup
// sizes, override names and module-scope constants. Nothing here touches a GPU.
// The package's 'main' is CommonJS inside a "type": "module" package; its ESM build works everywhere.
import { WgslReflect, ResourceType, type FunctionInfo } from 'wgsl_reflect/wgsl_reflect.module.js';

/** How an entry point uses a buffer binding: `var<uniform>`, `var<storage, read>` or `var<storage, read_write>`. */
export type BindingKind = 'uniform' | 'read-only-storage' | 'storage';

/** One member of a kernel's uniform struct, as reflected from the WGSL. */
export interface UniformMember {
  /** The member's WGSL name: the key to give in `DispatchArgs.uniforms`. */
  name: string;
  /** Byte offset in the struct. */
  offset: number; // bytes
  /** Scalar type of each component. */
  scalar: 'f32' | 'u32' | 'i32';
  /** 1 for scalars, N for vecN. */
  components: number; // 1 for scalars, N for vecN
}

/** One buffer binding of an entry point, as reflected from the WGSL. */
export interface BindingInfo {
  /** The variable's WGSL name: the key to give in `DispatchArgs.bindings`. */
  name: string;
  /** The `@group` index (springloop kernels use 0). */
  group: number;
  /** The `@binding` index. */
  binding: number;
  /** Uniform, read-only storage or read-write storage. */
  kind: BindingKind;
  /** Fixed byte size (structs, fixed arrays); for runtime-sized arrays the element stride. */
  minBytes: number;
  /** Element stride in bytes of a runtime-sized array, else 0. */
  stride: number;
  /** Uniform struct members (uniform bindings only). */
  members?: UniformMember[];
  /** Byte size of the uniform struct. */
  structBytes?: number;
}

/** A `@compute` entry point: workgroup size, bindings and override names. */
export interface EntryPointInfo {
  /** The function's WGSL name. */
  name: string;
  /** The `@workgroup_size` (x, y, z); 1 for dimensions not given. */
  workgroupSize: [number, number, number];
  /** The buffers it uses, sorted by (group, binding). */
  bindings: BindingInfo[]; // sorted by (group, binding)
  /** Names of the `override` constants it uses. */
  overrides: string[];
}

/** Everything reflected from a kernel's WGSL. */
export interface KernelReflection {
  /** Entry points by name. */
  entryPoints: Map<string, EntryPointInfo>;
  /**
   * Module-scope `const` declarations with a numeric value (`const GATES: u32 = 4u;`), by
   * name: what TypeScript reads instead of writing the same number a second time.
   */
  constants: ReadonlyMap<string, number>;
}

/** Reflects WGSL source (after includes) with wgsl_reflect: per `@compute` entry point its bindings, uniform member offsets, workgroup size and overrides. Throws naming `kernelName` when the WGSL cannot be parsed, has no compute entry point, an entry point uses more than one uniform binding, or a uniform member is not an f32/u32/i32 scalar or vector. */
export function reflectWgsl(code: string, kernelName: string): KernelReflection {
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(code);
  } catch (e) {
    throw new Error(`kernel ${kernelName}: WGSL could not be parsed for reflection: ${(e as Error).message}`);
  }
  const entryPoints = new Map<string, EntryPointInfo>();
  for (const fn of reflect.entry.compute) {
    const bindings = fn.resources
      .filter((v) => v.resourceType === ResourceType.Uniform || v.resourceType === ResourceType.Storage)
      .map((v) => bindingInfo(v, kernelName))
      .sort((a, b) => a.group - b.group || a.binding - b.binding);
    const uniforms = bindings.filter((b) => b.kind === 'uniform');
    if (uniforms.length > 1) {
      throw new Error(`kernel ${kernelName}: entry point ${fn.name} uses ${uniforms.length} uniform bindings; springloop kernels take one uniform struct`);
    }
    entryPoints.set(fn.name, {
      name: fn.name,
      workgroupSize: (fn.workgroupSize ?? [1, 1, 1]) as [number, number, number],
      bindings,
      overrides: overridesUsedBy(fn),
    });
  }
  if (entryPoints.size === 0) throw new Error(`kernel ${kernelName}: no @compute entry point found`);
  return { entryPoints, constants: moduleConstants(reflect) };
}

/** The overrides `entry` uses, itself or through the functions it calls (wgsl_reflect lists each function's own, one per use). */
function overridesUsedBy(entry: FunctionInfo): string[] {
  const names = new Set<string>();
  const seen = new Set<FunctionInfo>();
  const visit = (fn: FunctionInfo): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    for (const o of fn.overrides) names.add(o.name);
    for (const callee of fn.calls) visit(callee);
  };
  visit(entry);
  return [...names];
}

/** wgsl_reflect evaluates module-scope consts and override defaults into one table; keep the consts. */
function moduleConstants(reflect: WgslReflect): ReadonlyMap<string, number> {
  const overrides = new Set(reflect.overrides.map((o) => o.name));
  const constants = new Map<string, number>();
  for (const [name, value] of reflect._constValues) {
    if (!overrides.has(name) && typeof value === 'number' && Number.isFinite(value)) constants.set(name, value);
  }
  return constants;
}

type Variable = WgslReflect['uniforms'][number];

function bindingInfo(v: Variable, kernelName: string): BindingInfo {
  const kind: BindingKind =
    v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage';
  const runtimeArray = v.isArray && v.size === 0;
  const info: BindingInfo = {
    name: v.name,
    group: v.group,
    binding: v.binding,
    kind,
    minBytes: runtimeArray ? v.stride : v.size,
    stride: runtimeArray ? v.stride : 0,
  };
  if (kind === 'uniform') {
    if (!v.isStruct || !v.members) throw new Error(`kernel ${kernelName}: uniform '${v.name}' must be a struct`);
    info.members = v.members.map((m) => uniformMember(m, kernelName, v.name));
    info.structBytes = v.size;
  }
  return info;
}

function uniformMember(m: NonNullable<Variable['members']>[number], kernelName: string, structName: string): UniformMember {
  const typeName = m.type.name;
  const scalars = ['f32', 'u32', 'i32'] as const;
  const direct = scalars.find((s) => s === typeName);
  if (direct) return { name: m.name, offset: m.offset, scalar: direct, components: 1 };
  const vec = /^vec([234])([fiu])?$/.exec(typeName);
  if (vec) {
    const formatName = (m.type as { format?: { name: string } }).format?.name;
    const scalar = scalars.find((s) => s === formatName) ?? ({ f: 'f32', i: 'i32', u: 'u32' } as const)[vec[2] as 'f' | 'i' | 'u'];
    if (scalar) return { name: m.name, offset: m.offset, scalar, components: Number(vec[1]) };
  }
  throw new Error(`kernel ${kernelName}: uniform ${structName}.${m.name} has type ${typeName}; only f32/u32/i32 scalars and vectors are supported`);
}
