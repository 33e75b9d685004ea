// docs.mjs — `npm run docs`: the API reference (TypeDoc) of 'springloop', 'springloop/kernels',
// 'springloop/analysis', 'springloop/data' and 'springloop/esn' into dist/docs/, after checking
// that every export — and every member
// of an exported class or interface — has a doc comment. A missing one fails the run (and so
// `npm test` and CI), naming the file, line and symbol:
//   node scripts/docs.mjs [--check]     (--check: check only, write nothing)
import { Application, ReflectionKind } from 'typedoc';
import { relative } from 'node:path';

/** Kinds that must carry a doc comment (members of type literals, e.g. `{ kind: 'adam' }`, need not). */
const DOCUMENTED = [
  ReflectionKind.Class, ReflectionKind.Interface, ReflectionKind.TypeAlias, ReflectionKind.Function,
  ReflectionKind.Variable, ReflectionKind.Enum, ReflectionKind.EnumMember, ReflectionKind.Property,
  ReflectionKind.Method, ReflectionKind.Accessor,
];

function hasDoc(r) {
  const parts = [r, ...(r.signatures ?? []), r.getSignature, r.setSignature].filter(Boolean);
  return parts.some((p) => p.comment && (p.comment.summary.some((s) => s.text.trim()) || p.comment.blockTags.length > 0));
}

/** "file:line  Name.member (kind)" for each reflection that needs a doc comment and has none. */
export function undocumented(project) {
  const missing = [];
  const visit = (r, owner) => {
    const inTypeLiteral = owner?.kind === ReflectionKind.TypeLiteral;
    const inherited = Boolean(r.inheritedFrom);
    if (DOCUMENTED.includes(r.kind) && !inTypeLiteral && !inherited && !hasDoc(r)) {
      const src = r.sources?.[0] ?? r.signatures?.[0]?.sources?.[0] ?? r.getSignature?.sources?.[0];
      const where = src ? `${relative(process.cwd(), src.fullFileName)}:${src.line}` : '(unknown source)';
      missing.push(`${where}  ${r.getFriendlyFullName()} (${ReflectionKind.singularString(r.kind).toLowerCase()})`);
    }
    for (const child of r.children ?? []) visit(child, r);
  };
  for (const child of project.children ?? []) visit(child, project);
  return [...new Set(missing)].sort();
}

async function main(argv) {
  const app = await Application.bootstrapWithPlugins({ options: 'typedoc.json', logLevel: 'Warn' });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the project (see the errors above)');
  const missing = undocumented(project);
  if (missing.length > 0) {
    console.error(`docs: ${missing.length} exported symbol(s) have no doc comment. Add /** … */ above each`);
    console.error('(what it does; shapes, units and defaults; what it throws):');
    for (const m of missing) console.error(`  ${m}`);
    process.exitCode = 1;
    return;
  }
  if (app.logger.hasWarnings() || app.logger.hasErrors()) {
    console.error('docs: TypeDoc reported the problems above. "referenced by … but not included in the documentation"');
    console.error('means a public signature uses a type that is not exported: add it to the type exports at the end of src/index.ts.');
    process.exitCode = 1;
    return;
  }
  if (!argv.includes('--check')) {
    await app.generateDocs(project, app.options.getValue('out'));
    console.log(`docs: API reference in ${relative(process.cwd(), app.options.getValue('out'))}/index.html`);
  } else {
    console.log('docs: every export is documented');
  }
}

await main(process.argv.slice(2));
