// packed-reflection.ts — the compact form in which the build ships reflected layouts:
// scripts/wgsl-plugin.ts writes tuples instead of objects (about half the bytes in every
// bundle) and compiledKernel (kernel.ts) unpacks them on first use. Writer and reader live in
// this one file so they cannot drift; test/unit/wgsl-build.test.ts checks the round trip
// against run-time reflection for every shipped kernel.
import type { BindingInfo, BindingKind, EntryPointInfo, UniformMember } from './reflect';

/** A uniform member: [name, offset, scalar, components]. */
export type PackedMember = readonly [string, number, UniformMember['scalar'], number];
/** A binding: [name, group, binding, kind, minBytes, stride] plus [structBytes, members] for a uniform. */
export type PackedBinding =
  | readonly [string, number, number, BindingKind, number, number]
  | readonly [string, number, number, BindingKind, number, number, number, readonly PackedMember[]];
/** An entry point: [name, workgroupSize, bindings, overrides]. */
export type PackedEntryPoint = readonly [string, readonly [number, number, number], readonly PackedBinding[], readonly string[]];

/** The packed form of a reflected binding (build time). */
export function packBinding(b: BindingInfo): PackedBinding {
  const head = [b.name, b.group, b.binding, b.kind, b.minBytes, b.stride] as const;
  if (!b.members) return head;
  return [...head, b.structBytes ?? 0, b.members.map((m) => [m.name, m.offset, m.scalar, m.components] as const)];
}

/** The reflected binding of a packed one (run time). */
export function unpackBinding(p: PackedBinding): BindingInfo {
  const [name, group, binding, kind, minBytes, stride] = p;
  const info: BindingInfo = { name, group, binding, kind, minBytes, stride };
  if (p.length === 8) {
    info.members = p[7].map(([memberName, offset, scalar, components]) => ({ name: memberName, offset, scalar, components }));
    info.structBytes = p[6];
  }
  return info;
}

/** The reflected entry point of a packed one (run time). */
export function unpackEntryPoint([name, workgroupSize, bindings, overrides]: PackedEntryPoint): EntryPointInfo {
  return { name, workgroupSize: [...workgroupSize], bindings: bindings.map(unpackBinding), overrides: [...overrides] };
}
