// helper-swap.ts — a kernel with one of its shaders/lib/ helpers replaced by another: the
// kernels' variants that differ only in how they load an operand (src/gpu/subgroups.ts: row
// loads through subgroup shuffles; src/kernels/weight-loads.ts: W_hh as vec4) are built this
// way, so each variant's WGSL lives in its own helper file and the line map of compile errors
// names the file and line that were compiled.
import { makeKernel, type Kernel } from './kernel';
import { unpackWgsl } from './wgsl-shipped';
import type { ResolvedWgsl } from './wgsl-include';

/** One family of variants: which helper goes out, which comes in, and what the variants are called. */
export interface HelperSwap {
  /** The helper replaced (its include name, e.g. 'rows_direct'). */
  from: string;
  /** The helper put in its place: its include name and its module's shipped `source`. */
  to: { name: string; source: string };
  /** Names the family in errors, e.g. "subgroupRowsKernel() ('subgroups' path)". */
  what: string;
  /** Appended to the kernel's name (default '': the variant is named as its kernel). */
  suffix?: string;
  /** Lines put first (e.g. `enable subgroups;`), each with the origin its line map names. */
  preamble?: readonly { line: string; origin: string }[];
}

/**
 * The variants of a HelperSwap, one object per kernel (so its pipelines are cached once): the
 * same entry points, bindings, overrides and reflection, with helper `from`'s lines replaced.
 */
export class HelperVariants {
  readonly #made = new WeakMap<Kernel, Kernel>();

  constructor(private readonly swap: HelperSwap) {}

  /** `kernel`'s variant. Throws, naming the family, when `kernel` does not include the helper. */
  of(kernel: Kernel): Kernel {
    let variant = this.#made.get(kernel);
    if (!variant) {
      const { from, what, suffix = '' } = this.swap;
      if (!kernel.lineMap.some((l) => l.file === from)) throw new Error(`${what}: kernel ${kernel.name} does not include "${from}", so it has no such variant`);
      variant = makeKernel(`${kernel.name}${suffix}`, () => this.expand(kernel), () => kernel.reflection);
      this.#made.set(kernel, variant);
    }
    return variant;
  }

  private expand(kernel: Kernel): ResolvedWgsl {
    const { from, to, preamble = [] } = this.swap;
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
}
