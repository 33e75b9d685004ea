// params-csv.ts — parse a CSV of oscillator parameters into columns.
// Header row: any subset of m,c,k,F,omega,phi,x0,v0 in any order; missing columns take
// DEFAULT_OSCILLATOR's values. One data row per oscillator. Blank lines and lines whose
// first non-space character is '#' are ignored. Errors give the 1-based line number and
// the column name.

import { DEFAULT_OSCILLATOR, PARAM_NAMES, type OscillatorColumns, type ParamName } from '../physics/oscillator';
import { parseFiniteNumber } from '../util/check';

/**
 * Parses oscillator parameters from CSV text. `source` names the input in error messages
 * (e.g. the file path). Returns one Float64Array [count] per parameter, plus count >= 1.
 */
export function parseParamsCsv(text: string, source = 'params CSV'): OscillatorColumns {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const content = lines
    .map((line, index) => ({ line, lineNo: index + 1 }))
    .filter(({ line }) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (content.length === 0) {
    throw new Error(`${source} is empty: expected a header row naming columns among ${PARAM_NAMES.join(',')}`);
  }
  const [header, ...rows] = content;
  const columns = parseHeader(header!.line, header!.lineNo, source);
  if (rows.length === 0) {
    throw new Error(`${source} has a header (line ${header!.lineNo}) but no data rows`);
  }
  const count = rows.length;
  const result = { count } as { count: number } & Record<ParamName, Float64Array>;
  for (const name of PARAM_NAMES) result[name] = new Float64Array(count).fill(DEFAULT_OSCILLATOR[name]);
  rows.forEach(({ line, lineNo }, row) => {
    const fields = line.split(',');
    if (fields.length !== columns.length) {
      throw new Error(
        `${source} line ${lineNo}: expected ${columns.length} fields (${columns.join(',')}), got ${fields.length}`,
      );
    }
    fields.forEach((field, col) => {
      const name = columns[col]!;
      const value = parseFiniteNumber(field);
      if (value === null) {
        throw new Error(`${source} line ${lineNo}, column ${name}: expected a finite number, got ${JSON.stringify(field.trim())}`);
      }
      result[name][row] = value;
    });
  });
  return result;
}

/** Header fields → parameter names, rejecting empty, unknown and duplicate columns. */
function parseHeader(line: string, lineNo: number, source: string): ParamName[] {
  const allowed = PARAM_NAMES.join(', ');
  const seen = new Set<string>();
  return line.split(',').map((raw, index) => {
    const name = raw.trim();
    if (name === '') {
      throw new Error(`${source} line ${lineNo}: header column ${index + 1} is empty; allowed columns: ${allowed}`);
    }
    if (!(PARAM_NAMES as readonly string[]).includes(name)) {
      const near = PARAM_NAMES.find((p) => p.toLowerCase() === name.toLowerCase());
      const hint = near === undefined ? '' : ` (did you mean ${near}? names are case-sensitive)`;
      throw new Error(`${source} line ${lineNo}: unknown column ${JSON.stringify(name)}${hint}; allowed columns: ${allowed}`);
    }
    if (seen.has(name)) {
      throw new Error(`${source} line ${lineNo}: duplicate column ${JSON.stringify(name)}`);
    }
    seen.add(name);
    return name as ParamName;
  });
}
