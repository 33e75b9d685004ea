// wgsl-indent.ts — the build ships WGSL without the indentation its brackets imply, and
// springloop puts it back before compiling: the GPU sees the file's exact text, so compile
// errors keep every line and column. A line's implied indentation is two spaces per bracket
// — ( [ { — open at its start (code only, not `//` comments), one less for each closing
// bracket it starts with; the build removes exactly that many spaces (a continuation line
// indented further keeps the rest). dropIndentation (the build, scripts/wgsl-plugin.ts) and
// restoreIndentation (kernel.ts, wgsl-library.ts) live here so they cannot drift; a unit test
// round-trips every shipped file.

const OPENERS = '([{';
const CLOSERS = ')]}';

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
 * `text` without the indentation its brackets imply (build time). Throws naming `file` and the
 * line when a line is indented less than that: it could not be restored exactly.
 */
export function dropIndentation(file: string, text: string): string {
  let depth = 0;
  return text
    .split('\n')
    .map((line, i) => {
      const indent = impliedIndent(depth, line);
      depth = depthAfter(depth, line);
      if (!line.startsWith(' '.repeat(indent))) {
        throw new Error(`${file}:${i + 1}: indented by fewer than ${indent} spaces (two per open bracket), which the build assumes of shipped WGSL: indent it further`);
      }
      return line.slice(indent);
    })
    .join('\n');
}

/** The text dropIndentation was given (run time, before includes are expanded). */
export function restoreIndentation(text: string): string {
  let depth = 0;
  return text
    .split('\n')
    .map((line) => {
      const indent = impliedIndent(depth, line);
      depth = depthAfter(depth, line);
      return indent > 0 ? ' '.repeat(indent) + line : line;
    })
    .join('\n');
}
