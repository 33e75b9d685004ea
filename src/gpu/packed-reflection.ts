// packed-reflection.ts — the compact form in which the build ships a kernel's reflection: one
// string, one line per record, instead of objects, writing only what WGSL's layout rules do not
// already say. scripts/wgsl-plugin.ts writes it, compiledKernel (kernel.ts) reads it on first
// use. Writer and reader live in this one file so they cannot drift; the writer unpacks what it
// wrote and throws unless that gives the reflection back exactly, and
// test/unit/wgsl-build.test.ts checks the round trip against run-time reflection for every
// shipped kernel.
//
//   <name> [<binding>] <kind>[<bytes>][/<stride>] [=<like> | <member>…]
//       a binding of @group(0) (the only group springloop's kernels use); <binding> is left out
//       when it is the previous line's + 1 (0 on the first). kind u (uniform), r (read-only
//       storage) or s (storage). Storage: minBytes 4 and stride = minBytes unless written (a
//       runtime-sized array of f32, u32 or i32). Uniform: the struct's size (minBytes; stride 0)
//       when it is not where its members end, and its members, each
//       <name>[:<scalar>[<components>]][@<offset>] — scalar u (default), f or i, components 1
//       unless written, offset where the previous member ends unless written (WGSL aligns
//       vectors); `=<like>` copies the members of an earlier uniform binding of the same struct.
//   @<name> <bindings> [<x>[,<y>,<z>] [<overrides>]]
//       an entry point: the bindings it uses, as indices of the binding lines (0-based, comma-
//       separated; `-` for none), its workgroup size and its overrides (comma-separated; `-` for
//       none); the last two are the previous entry point's when left out ([64, 1, 1] and none on
//       the first).
//   =<name> <value>
//       a module-scope numeric const (KernelReflection.constants)
//
// Names are WGSL identifiers (no spaces, commas, colons, @ or =), so the fields need no quoting.
import type { BindingInfo, BindingKind, EntryPointInfo, KernelReflection, UniformMember } from './reflect';

/** Binding kinds and uniform scalar types by their one-letter codes. */
const KINDS: Readonly<Record<string, BindingKind>> = { u: 'uniform', r: 'read-only-storage', s: 'storage' };
const SCALARS: Readonly<Record<string, UniformMember['scalar']>> = { u: 'u32', f: 'f32', i: 'i32' };
const FIRST_WORKGROUP = '64';

/** The code of `value` in a code table (build time). */
const codeOf = (table: Readonly<Record<string, string>>, value: string): string => Object.keys(table).find((k) => table[k] === value)!;

/** The members' fields (build time): each offset written when it is not where the previous member ends. */
function packMembers(members: readonly UniformMember[]): string[] {
  let end = 0;
  return members.map((m) => {
    const type = m.scalar === 'u32' && m.components === 1 ? '' : `:${codeOf(SCALARS, m.scalar)}${m.components > 1 ? m.components : ''}`;
    const at = m.offset === end ? '' : `@${m.offset}`;
    end = m.offset + 4 * m.components;
    return `${m.name}${type}${at}`;
  });
}

/** One binding's line (build time); `previous` are the bindings written so far. */
function packBinding(b: BindingInfo, previous: readonly BindingInfo[]): string {
  if (b.group !== 0) throw new Error(`packed reflection: binding '${b.name}' is in @group(${b.group}); springloop's kernels bind in @group(0) only`);
  const fields = [b.name];
  if (b.binding !== (previous.at(-1)?.binding ?? -1) + 1) fields.push(`${b.binding}`);
  const kind = codeOf(KINDS, b.kind);
  if (!b.members) {
    fields.push(`${kind}${b.minBytes === 4 ? '' : b.minBytes}${b.stride === b.minBytes ? '' : `/${b.stride}`}`);
    return fields.join(' ');
  }
  const members = packMembers(b.members);
  const last = b.members.at(-1);
  const end = last ? last.offset + 4 * last.components : 0;
  fields.push(`${kind}${b.minBytes === end ? '' : b.minBytes}`);
  const like = previous.find((p) => p.members && p.minBytes === b.minBytes && packMembers(p.members).join(' ') === members.join(' '));
  fields.push(...(like ? [`=${like.name}`] : members));
  return fields.join(' ');
}

function unpackBinding([name, ...rest]: string[], previous: readonly BindingInfo[]): BindingInfo {
  const binding = /^\d/.test(rest[0]!) ? +rest.shift()! : (previous.at(-1)?.binding ?? -1) + 1;
  const [, code, bytes, stride] = /^(.)(\d*)\/?(\d*)$/.exec(rest.shift()!)!;
  const info: BindingInfo = { name: name!, group: 0, binding, kind: KINDS[code!]!, minBytes: +bytes! || 4, stride: stride ? +stride : +bytes! || 4 };
  if (code === 'u') {
    const like = previous.find((p) => `=${p.name}` === rest[0]);
    let end = 0;
    info.members = like?.members ?? rest.map((field) => {
      const [, member, type = 'u', at] = /^(\w+)(?::(\w+))?(?:@(\d+))?$/.exec(field)!;
      const components = +type.slice(1) || 1;
      const offset = at ? +at : end;
      end = offset + 4 * components;
      return { name: member!, offset, scalar: SCALARS[type[0]!]!, components };
    });
    info.minBytes = info.structBytes = +bytes! || (like?.minBytes ?? end);
    info.stride = 0;
  }
  return info;
}

/** The fields of a reflection that matter, in a fixed order, for comparing two (build time). */
function canonical(r: KernelReflection): string {
  const binding = (b: BindingInfo) => [b.name, b.group, b.binding, b.kind, b.minBytes, b.stride, b.structBytes, b.members?.map((m) => [m.name, m.offset, m.scalar, m.components])];
  const entries = [...r.entryPoints].map(([key, e]) => [key, e.name, e.workgroupSize, e.bindings.map(binding), e.overrides]);
  return JSON.stringify([entries, [...r.constants]]);
}

/**
 * The packed form of a kernel's reflection (build time). Bindings are written once per name
 * (entry points of one file share them); throws when two entry points reflect one name
 * differently, or when the packed form would not unpack to exactly `reflection`.
 */
export function packReflection(reflection: KernelReflection): string {
  const bindings: BindingInfo[] = [];
  const lines: string[] = [];
  const entries: string[] = [];
  let size = FIRST_WORKGROUP;
  let overrides = '-';
  for (const e of reflection.entryPoints.values()) {
    const indices = e.bindings.map((b) => {
      const i = bindings.findIndex((seen) => seen.name === b.name);
      if (i >= 0) {
        if (JSON.stringify(bindings[i]) !== JSON.stringify(b)) throw new Error(`packed reflection: binding '${b.name}' differs between entry points`);
        return i;
      }
      lines.push(packBinding(b, bindings));
      return bindings.push(b) - 1;
    });
    const fields = [`@${e.name}`, indices.join(',') || '-'];
    const [x, y, z] = e.workgroupSize;
    const thisSize = y === 1 && z === 1 ? `${x}` : `${x},${y},${z}`;
    const thisOverrides = e.overrides.length > 0 ? e.overrides.join(',') : '-';
    if (thisOverrides !== overrides) fields.push(thisSize, thisOverrides);
    else if (thisSize !== size) fields.push(thisSize);
    [size, overrides] = [thisSize, thisOverrides];
    entries.push(fields.join(' '));
  }
  const constants = [...reflection.constants].map(([name, value]) => `=${name} ${value}`);
  const packed = [...lines, ...entries, ...constants].join('\n');
  if (canonical(unpackReflection(packed)) !== canonical(reflection)) throw new Error(`packed reflection: the packed form does not unpack exactly:\n${packed}`);
  return packed;
}

/** The reflection of a packed one (run time). */
export function unpackReflection(packed: string): KernelReflection {
  const bindings: BindingInfo[] = [];
  const entryPoints = new Map<string, EntryPointInfo>();
  const constants = new Map<string, number>();
  const list = (field: string): string[] => (field === '-' ? [] : field.split(','));
  let size = FIRST_WORKGROUP;
  let overrides = '-';
  for (const line of packed.split('\n')) {
    const fields = line.split(' ');
    const [head, first] = fields as [string, string];
    const name = head.slice(1);
    if (head[0] === '=') constants.set(name, +first);
    else if (head[0] === '@') {
      [size = size, overrides = overrides] = fields.slice(2);
      const [x, y = 1, z = 1] = size.split(',').map(Number) as [number, number?, number?];
      entryPoints.set(name, { name, workgroupSize: [x, y, z], bindings: list(first).map((i) => bindings[+i]!), overrides: list(overrides) });
    } else bindings.push(unpackBinding(fields, bindings));
  }
  return { entryPoints, constants };
}
