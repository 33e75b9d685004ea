// define-kernel.ts — kernels written at run time (the 'springloop/kernels' entry): includes
// are expanded when the kernel is defined, and the WGSL is reflected with wgsl_reflect on
// first use. The shipped kernels are reflected by the build instead (scripts/wgsl-plugin.ts),
// so only an app that imports this module carries the WGSL parser.
import { makeKernel, type Kernel } from './kernel';
import { reflectWgsl } from './reflect';
import { resolveIncludes } from './wgsl-include';
import { WGSL_LIBRARY } from './wgsl-library';

/**
 * Makes a Kernel from WGSL source, to compile with `Scheduler.prepare()` and run with
 * `Scheduler.dispatch()` like the shipped ones. `//!include "name"` lines are expanded at once
 * from `library` (default: springloop's helpers, {@link WGSL_LIBRARY}); reflection — bindings,
 * uniform struct offsets, workgroup sizes — runs on first use.
 *
 * @param name - file name used in error messages, e.g. `"mine.wgsl"`.
 * @param source - WGSL text with one or more `@compute` entry points, all bindings in `@group(0)`,
 *   at most one `var<uniform>` struct per entry point (f32/u32/i32 scalars and vectors).
 * @param library - helper name → WGSL text, for `//!include`.
 * @throws Error naming the file and line of an `//!include` of an unknown helper (at once), and,
 *   on first use, an Error naming the kernel when the WGSL cannot be parsed or breaks the rules above.
 */
export function defineKernel(name: string, source: string, library: Readonly<Record<string, string>> = WGSL_LIBRARY): Kernel {
  const resolved = resolveIncludes(name, source, library);
  return makeKernel(name, () => resolved, (code) => reflectWgsl(code, name));
}
