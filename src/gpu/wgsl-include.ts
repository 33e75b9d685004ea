// wgsl-include.ts — the one WGSL preprocessing step: `//!include "name"` lines pull in a
// shared helper file once (later repeats and cycles are skipped), keeping a line map so
// compile errors point at the original file and line.

/** Where a line of resolved source came from. */
export interface SourceLine {
  /** The file (kernel file name, or helper include name) the line came from. */
  file: string;
  /** 1-based line in that file. */
  line: number; // 1-based
}

/** WGSL after `//!include` expansion, with where each line came from. */
export interface ResolvedWgsl {
  /** The expanded source. */
  code: string;
  /** lineMap[i] = origin of line i+1 of `code`. */
  lineMap: SourceLine[];
}

const INCLUDE = /^\s*\/\/!include\s+"([^"]+)"\s*$/;

/**
 * Expands `//!include "name"` directives from `library` (name → WGSL text). Each file is
 * included at most once per resolved shader.
 */
export function resolveIncludes(file: string, source: string, library: Readonly<Record<string, string>>): ResolvedWgsl {
  const out: string[] = [];
  const lineMap: SourceLine[] = [];
  const included = new Set<string>([file]);
  const expand = (name: string, text: string, chain: string[]): void => {
    text.split('\n').forEach((line, i) => {
      const m = INCLUDE.exec(line);
      if (!m) {
        out.push(line);
        lineMap.push({ file: name, line: i + 1 });
        return;
      }
      const dep = m[1]!;
      if (chain.includes(dep)) return; // a cycle: already being expanded above us
      if (included.has(dep)) return;
      const depText = library[dep];
      if (depText === undefined) {
        throw new Error(`${name}:${i + 1}: //!include "${dep}" names no known WGSL helper (known: ${Object.keys(library).join(', ') || 'none'})`);
      }
      included.add(dep);
      expand(dep, depText, [...chain, dep]);
    });
  };
  expand(file, source, [file]);
  return { code: out.join('\n'), lineMap };
}
