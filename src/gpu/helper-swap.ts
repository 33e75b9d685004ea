// helper-swap.ts — a kernel with one of its shaders/lib/ helpers replaced by another: the
// kernels' variants that differ only in how they load an operand (src/gpu/subgroups.ts: row
// loads through subgroup shuffles; src/kernels/weight-loads.ts: W_hh as vec4) are built this
// way, so each variant's WGSL lives in its own helper file and the line map of compile errors
// names the file and line that were compiled.
import type { Kernel } from './kernel';
import { unpackWgsl } from './wgsl-shipped';
import type { ResolvedWgsl } from './wgsl-include';

/** The helper to put in place of another: its name (as in `//!include "name"`) and its shipped source. */
export interface HelperSource {
  name: string;
  /** The helper module's `source` (packed, scripts/wgsl-plugin.ts). */
  source: string;
}

/** Throws, naming the variant, when `kernel` does not include helper `from` (call where the variant is asked for). */
export function requireHelper(kernel: Kernel, from: string, variant: string): void {
  if (!kernel.lineMap.some((l) => l.file === from)) throw new Error(`${variant}: kernel ${kernel.name} does not include "${from}", so it has no such variant`);
}

/**
 * The expanded WGSL of `kernel` with the lines helper `from` gave it replaced by `to`'s lines,
 * after `preamble` lines (e.g. `enable subgroups;`, which must come first). Throws when
 * `kernel` does not include `from`.
 */
export function swapHelper(kernel: Kernel, from: string, to: HelperSource, preamble: { line: string; origin: string }[] = []): ResolvedWgsl {
  requireHelper(kernel, from, `swapHelper("${to.name}")`);
  const code = preamble.map((p) => p.line);
  const lineMap: ResolvedWgsl['lineMap'] = preamble.map((p) => ({ file: p.origin, line: 1 }));
  let swapped = false;
  kernel.code.split('\n').forEach((line, i) => {
    const origin = kernel.lineMap[i]!;
    if (origin.file !== from) {
      code.push(line);
      lineMap.push(origin);
    } else if (!swapped) {
      swapped = true;
      unpackWgsl(to.source).split('\n').forEach((l, j) => {
        code.push(l);
        lineMap.push({ file: to.name, line: j + 1 });
      });
    }
  });
  return { code: code.join('\n'), lineMap };
}
