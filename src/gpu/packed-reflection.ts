// packed-reflection.ts — the compact form in which the build ships a kernel's reflection: one
// string, one line per record, instead of objects (a third of the bytes in every bundle).
// scripts/wgsl-plugin.ts writes it, compiledKernel (kernel.ts) reads it on first use. Writer
// and reader live in this one file so they cannot drift; test/unit/wgsl-build.test.ts checks
// the round trip against run-time reflection for every shipped kernel.
//
//   b <name> <group> <binding> <kind> <minBytes> <stride> [<structBytes> <member>…]
//       a binding; kind u (uniform), r (read-only-storage) or s (storage); a uniform's
//       members as <name>:<offset>:<scalar>[<components> when > 1], scalar u, f or i (u32, f32, i32)
//   e <name> <x>,<y>,<z> <binding names> <override names>
//       an entry point: its workgroup size, the bindings it uses (by name, comma-separated,
//       in binding order) and its overrides (comma-separated); `-` for an empty list
//   c <name> <value>
//       a module-scope numeric const (KernelReflection.constants)
//
// Names are WGSL identifiers (no spaces, commas or colons), so the fields need no quoting.
import type { BindingInfo, BindingKind, EntryPointInfo, KernelReflection, UniformMember } from './reflect';

/** Binding kinds and uniform scalar types by their one-letter codes. */
const KINDS: Readonly<Record<string, BindingKind>> = { u: 'uniform', r: 'read-only-storage', s: 'storage' };
const SCALARS: Readonly<Record<string, UniformMember['scalar']>> = { u: 'u32', f: 'f32', i: 'i32' };

/** The code of `value` in a code table (build time). */
const codeOf = (table: Readonly<Record<string, string>>, value: string): string => Object.keys(table).find((k) => table[k] === value)!;
const list = (names: readonly string[]): string => (names.length > 0 ? names.join(',') : '-');
const unlist = (field: string): string[] => (field === '-' ? [] : field.split(','));

function packBinding(b: BindingInfo): string {
  const head = `b ${b.name} ${b.group} ${b.binding} ${codeOf(KINDS, b.kind)} ${b.minBytes} ${b.stride}`;
  if (!b.members) return head;
  const members = b.members.map((m) => ` ${m.name}:${m.offset}:${codeOf(SCALARS, m.scalar)}${m.components > 1 ? m.components : ''}`);
  return `${head} ${b.structBytes ?? 0}${members.join('')}`;
}

function unpackBinding([name, group, binding, kind, minBytes, stride, structBytes, ...members]: string[]): BindingInfo {
  const info: BindingInfo = { name: name!, group: +group!, binding: +binding!, kind: KINDS[kind!]!, minBytes: +minBytes!, stride: +stride! };
  if (structBytes !== undefined) {
    info.members = members.map((m) => {
      const [memberName, offset, type] = m.split(':') as [string, string, string];
      return { name: memberName, offset: +offset, scalar: SCALARS[type[0]!]!, components: +type.slice(1) || 1 };
    });
    info.structBytes = +structBytes;
  }
  return info;
}

/**
 * The packed form of a kernel's reflection (build time). Bindings are written once per name
 * (entry points of one file share them); throws when two entry points reflect one name differently.
 */
export function packReflection(reflection: KernelReflection): string {
  const bindings = new Map<string, string>();
  const entries: string[] = [];
  for (const e of reflection.entryPoints.values()) {
    for (const b of e.bindings) {
      const packed = packBinding(b);
      const seen = bindings.get(b.name);
      if (seen !== undefined && seen !== packed) throw new Error(`packed reflection: binding '${b.name}' differs between entry points ('${seen}' vs '${packed}')`);
      bindings.set(b.name, packed);
    }
    entries.push(`e ${e.name} ${e.workgroupSize.join(',')} ${list(e.bindings.map((b) => b.name))} ${list(e.overrides)}`);
  }
  const constants = [...reflection.constants].map(([name, value]) => `c ${name} ${value}`);
  return [...bindings.values(), ...entries, ...constants].join('\n');
}

/** The reflection of a packed one (run time). */
export function unpackReflection(packed: string): KernelReflection {
  const bindings = new Map<string, BindingInfo>();
  const entryPoints = new Map<string, EntryPointInfo>();
  const constants = new Map<string, number>();
  for (const line of packed.split('\n')) {
    const [tag, ...fields] = line.split(' ');
    const name = fields[0]!;
    if (tag === 'b') bindings.set(name, unpackBinding(fields));
    else if (tag === 'c') constants.set(name, +fields[1]!);
    else if (tag === 'e') {
      const [, size, used, overrides] = fields as [string, string, string, string];
      const workgroupSize = size.split(',').map(Number) as [number, number, number];
      entryPoints.set(name, { name, workgroupSize, bindings: unlist(used).map((b) => bindings.get(b)!), overrides: unlist(overrides) });
    }
  }
  return { entryPoints, constants };
}
