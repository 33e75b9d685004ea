// wgsl-shipped.ts — the form in which the build ships WGSL, and the way back. The build drops
// what springloop can put back exactly: the indentation brackets imply, and the spaces the
// house style writes around operators and after commas and colons. Before compiling, the
// runtime restores the file's exact text, so the GPU compiles what the file says and compile
// errors keep every line and column. packWgsl (build time, scripts/wgsl-plugin.ts) checks that
// every line it changes comes back and ships the others verbatim, marked by a leading tab;
// unpackWgsl (run time, kernel.ts and wgsl-library.ts) is its inverse. Both live here so they
// cannot drift; a unit test round-trips every shipped file.
//
// Indentation: a line is indented by two spaces per bracket — ( [ { — open at its start (code
// only, not `//` comments), one less for each closing bracket it starts with; exactly that
// many spaces are dropped (a continuation line indented further keeps the rest).

const OPENERS = '([{';
const CLOSERS = ')]}';
const VERBATIM = '\t';

/** Brackets open after `line` given `depth` open before it (`//` comments do not count). */
function depthAfter(depth: number, line: string): number {
  const comment = line.indexOf('//');
  const code = comment >= 0 ? line.slice(0, comment) : line;
  for (const ch of code) {
    if (OPENERS.includes(ch)) depth++;
    else if (CLOSERS.includes(ch)) depth--;
  }
  return Math.max(0, depth);
}

/** Spaces implied at the start of `line` with `depth` brackets open before it (0 for blank lines). */
function impliedIndent(depth: number, line: string): number {
  const text = line.trimStart();
  if (text === '') return 0;
  let closers = 0;
  while (closers < text.length && CLOSERS.includes(text[closers]!)) closers++;
  return 2 * Math.max(0, depth - closers);
}

/**
 * Spaces the house style writes, by rule: what the runtime expands in a packed line, in this
 * order (binary arithmetic comes after a name, number or closing bracket: never a unary minus
 * or a pointer's *). PACKED_SPACING, row for row, is what the build removes; a line whose
 * packed form does not expand back is shipped verbatim, so the two cannot disagree silently.
 */
const SPACING: readonly (readonly [RegExp, string])[] = [
  [/,(?=.)/g, ', '],
  [/;(?=.)/g, '; '],
  [/:/g, ': '],
  [/(==|!=|<=|>=|&&|\|\||[-+*/%]=|->)/g, ' $1 '],
  [/(?<=[\w)\]])([-+*/%])(?![-+=>])/g, ' $1 '],
  [/(?<![=!<>+\-*/%])=(?!=)/g, ' = '],
  [/(?<=\S)\{/g, ' {'],
  [/\}else\b/g, '} else'],
  [/\b(if|for|while|switch)\(/g, '$1 ('],
  [/(?<=[\w)])@/g, ' @'],
  [/\)(?=\w)/g, ') '],
];

/** What the build removes (build time only), row for row with SPACING. */
const PACKED_SPACING: readonly (readonly [RegExp, string])[] = [
  [/, /g, ','],
  [/; /g, ';'],
  [/: /g, ':'],
  [/ (==|!=|<=|>=|&&|\|\||[-+*/%]=|->) /g, '$1'],
  [/ ([-+*/%]) /g, '$1'],
  [/ = /g, '='],
  [/ \{/g, '{'],
  [/\} else\b/g, '}else'],
  [/\b(if|for|while|switch) \(/g, '$1('],
  [/(?<=[\w)]) @/g, '@'],
  [/\) (?=\w)/g, ')'],
];

function packSpacing(line: string): string {
  let packed = line;
  for (const [spaced, into] of PACKED_SPACING) packed = packed.replace(spaced, into);
  return packed;
}

function unpackSpacing(line: string): string {
  if (line.startsWith(VERBATIM)) return line.slice(1);
  let text = line;
  for (const [packed, into] of SPACING) text = text.replace(packed, into);
  return text;
}

/**
 * `text` in its shipped form (build time): without implied indentation and rule-implied spaces.
 * Throws naming `file` and the line when a line is indented less than its brackets imply (it
 * could not be restored exactly), or when the whole does not unpack to `text`.
 */
export function packWgsl(file: string, text: string): string {
  let depth = 0;
  const packed = text
    .split('\n')
    .map((line, i) => {
      const indent = impliedIndent(depth, line);
      depth = depthAfter(depth, line);
      if (!line.startsWith(' '.repeat(indent))) {
        throw new Error(`${file}:${i + 1}: indented by fewer than ${indent} spaces (two per open bracket), which the build assumes of shipped WGSL: indent it further`);
      }
      const body = line.slice(indent);
      const spaced = packSpacing(body);
      return !spaced.startsWith(VERBATIM) && unpackSpacing(spaced) === body ? spaced : VERBATIM + body;
    })
    .join('\n');
  if (unpackWgsl(packed) !== text) throw new Error(`${file}: its shipped form does not unpack to its text`);
  return packed;
}

/** The text packWgsl was given (run time, before includes are expanded). */
export function unpackWgsl(shipped: string): string {
  let depth = 0;
  return shipped
    .split('\n')
    .map((packed) => {
      const line = unpackSpacing(packed);
      const indent = impliedIndent(depth, line);
      depth = depthAfter(depth, line);
      return indent > 0 ? ' '.repeat(indent) + line : line;
    })
    .join('\n');
}
