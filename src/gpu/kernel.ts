// kernel.ts — a kernel is a .wgsl file plus a small typed wrapper. The build reflects every
// .wgsl file (scripts/wgsl-plugin.ts) and a wrapper imports the result as a Kernel, so the
// runtime carries no WGSL parser and importing the library does no work: includes are
// expanded on first use. Kernels written at run time come from defineKernel() in
// './define-kernel' (the 'springloop/kernels' entry). PipelineCache compiles a kernel per
// device with explicit bind group layouts (shared between pipelines with the same bindings),
// one pipeline per (entry point, override constants).
import { resolveIncludes, type ResolvedWgsl, type SourceLine } from './wgsl-include';
import type { BindingInfo, EntryPointInfo, KernelReflection } from './reflect';
import { unpackReflection } from './packed-reflection';
import { unpackWgsl } from './wgsl-shipped';
import { ShaderStage } from './flags';

/**
 * A WGSL compute shader ready to compile: its source after `//!include` expansion, where each
 * line came from, and its reflected entry points (bindings, uniform offsets, workgroup sizes,
 * override names). The shipped kernels are imported from their `.wgsl` files; your own come
 * from `defineKernel()` in `springloop/kernels`. Pass one to `Scheduler.prepare()` and
 * `Scheduler.dispatch()`.
 */
export interface Kernel {
  /** The shader's file name, e.g. "rk4.wgsl". */
  readonly name: string;
  /** Source after includes. */
  readonly code: string;
  /** `lineMap[i]` is the file and line that line `i + 1` of `code` came from (for error messages). */
  readonly lineMap: readonly SourceLine[];
  /** The entry points by name. */
  readonly reflection: KernelReflection;
  /** The entry point `name`; throws, listing the ones there are, when the kernel has none of that name. */
  entry(name: string): EntryPointInfo;
  /** The value of a module-scope `const` of the WGSL (e.g. 'MAX_ROWS'); throws naming the kernel when there is none. */
  constant(name: string): number;
}

/** Pipeline-override constants by name (WGSL `override` declarations), e.g. `{ WORKGROUP_SIZE: 128 }`. */
export type Overrides = Readonly<Record<string, number>>;

/** What the build emits for one .wgsl file (scripts/wgsl-plugin.ts); not a public type. */
export interface CompiledWgsl {
  name: string;
  /** The file's text in its shipped form (wgsl-shipped.ts; comments blanked in production bundles). */
  source: string;
  /** The text of every helper the file includes, directly or through another helper, in the same form. */
  helpers: Readonly<Record<string, string>>;
  /** Reflected at build time from the expanded source, packed (packed-reflection.ts); empty for helpers (shaders/lib/). */
  reflection: string;
}

/** The Kernel of a build-compiled .wgsl file: nothing is done until it is first used. */
export function compiledKernel(compiled: CompiledWgsl): Kernel {
  return makeKernel(
    compiled.name,
    () => {
      const helpers = Object.fromEntries(Object.entries(compiled.helpers).map(([name, text]) => [name, unpackWgsl(text)]));
      return resolveIncludes(compiled.name, unpackWgsl(compiled.source), helpers);
    },
    () => unpackReflection(compiled.reflection),
  );
}

/** A Kernel whose expansion and reflection run once each, on first use. */
export function makeKernel(name: string, expand: () => ResolvedWgsl, reflect: (code: string) => KernelReflection): Kernel {
  let resolved: ResolvedWgsl | null = null;
  let reflection: KernelReflection | null = null;
  const source = () => (resolved ??= expand());
  const kernel: Kernel = {
    name,
    get code() {
      return source().code;
    },
    get lineMap() {
      return source().lineMap;
    },
    get reflection(): KernelReflection {
      reflection ??= reflect(source().code);
      return reflection;
    },
    entry(entryName: string): EntryPointInfo {
      const e = kernel.reflection.entryPoints.get(entryName);
      if (!e) {
        throw new Error(`kernel ${name} has no entry point '${entryName}' (it has: ${[...kernel.reflection.entryPoints.keys()].join(', ') || 'none'})`);
      }
      return e;
    },
    constant(constName: string): number {
      const value = kernel.reflection.constants.get(constName);
      if (value === undefined) {
        throw new Error(`kernel ${name} declares no module-scope const '${constName}' (it has: ${[...kernel.reflection.constants.keys()].join(', ') || 'none'})`);
      }
      return value;
    },
  };
  return kernel;
}

/** The x workgroup size of a kernel's entry point (the width 1-D grids are counted in). */
export function workgroupWidth(kernel: Kernel, entryName: string): number {
  return kernel.entry(entryName).workgroupSize[0];
}

/** A compiled entry point: its pipeline, bind group layout and reflection (PipelineCache.get()). */
export interface CompiledEntry {
  /** The compute pipeline for (entry point, overrides). */
  pipeline: GPUComputePipeline;
  /** Its explicit bind group layout (@group(0)), shared by entry points with the same bindings. */
  layout: GPUBindGroupLayout;
  /** A small number naming the layout (part of bind group cache keys). */
  layoutId: number;
  /** The entry point's reflection. */
  info: EntryPointInfo;
}

/** Per-device cache of shader modules, bind group layouts and pipelines. */
export class PipelineCache {
  readonly #modules = new Map<Kernel, GPUShaderModule>();
  readonly #layouts = new Map<string, { layout: GPUBindGroupLayout; id: number; pipelineLayout: GPUPipelineLayout }>();
  /** Per kernel object (two kernels may share a file name), keyed by entry point + overrides. */
  readonly #pipelines = new Map<Kernel, Map<string, CompiledEntry>>();
  /** Pipelines compiled so far (benchmarks check that none are made per run). */
  pipelinesCreated = 0;

  readonly #device: GPUDevice;

  constructor(device: GPUDevice) {
    this.#device = device;
  }

  /** Compiles the kernel's module and throws a clear error (file:line) on WGSL errors. */
  async prepare(kernel: Kernel): Promise<void> {
    if (this.#modules.has(kernel)) return;
    // Scoped, so a bad shader is reported here and does not poison the device's error state.
    this.#device.pushErrorScope('validation');
    const module = this.#device.createShaderModule({ label: kernel.name, code: kernel.code });
    const [info] = await Promise.all([module.getCompilationInfo(), this.#device.popErrorScope()]);
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const text = errors.map((m) => {
        const at = kernel.lineMap[m.lineNum - 1];
        return `${at ? `${at.file}:${at.line}` : `${kernel.name}:${m.lineNum}`}:${m.linePos}: ${m.message}`;
      });
      throw new Error(`WGSL compile error in ${kernel.name}:\n  ${text.join('\n  ')}`);
    }
    this.#modules.set(kernel, module);
  }

  /** The pipeline for (entry point, overrides); the kernel must have been prepared. */
  get(kernel: Kernel, entryName: string, overrides: Overrides = {}): CompiledEntry {
    const key = `${entryName}#${overrideKey(overrides)}`;
    const hit = this.#pipelines.get(kernel)?.get(key);
    if (hit) return hit;
    const module = this.#modules.get(kernel);
    if (!module) throw new Error(`kernel ${kernel.name} was used before it was prepared: await scheduler.prepare(kernel) first`);
    const info = kernel.entry(entryName);
    for (const name of Object.keys(overrides)) {
      if (!info.overrides.includes(name)) {
        throw new Error(`kernel ${kernel.name}:${entryName} has no override '${name}' (it has: ${info.overrides.join(', ') || 'none'})`);
      }
    }
    const layout = this.#layoutFor(info.bindings);
    const pipeline = this.#device.createComputePipeline({
      label: `${kernel.name}:${entryName}`,
      layout: layout.pipelineLayout,
      compute: { module, entryPoint: entryName, constants: { ...overrides } },
    });
    this.pipelinesCreated++;
    const entry = { pipeline, layout: layout.layout, layoutId: layout.id, info };
    const byKey = this.#pipelines.get(kernel) ?? new Map<string, CompiledEntry>();
    byKey.set(key, entry);
    this.#pipelines.set(kernel, byKey);
    return entry;
  }

  #layoutFor(bindings: readonly BindingInfo[]) {
    const nonZero = bindings.find((b) => b.group !== 0);
    if (nonZero) throw new Error(`binding '${nonZero.name}' is in @group(${nonZero.group}); springloop kernels use @group(0) only`);
    const key = bindings.map((b) => `${b.binding}:${b.kind}`).join(',');
    let hit = this.#layouts.get(key);
    if (!hit) {
      const layout = this.#device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: bindings.map((b) => ({
          binding: b.binding,
          visibility: ShaderStage.COMPUTE,
          buffer: { type: b.kind, hasDynamicOffset: b.kind === 'uniform' },
        })),
      });
      const pipelineLayout = this.#device.createPipelineLayout({ bindGroupLayouts: [layout] });
      hit = { layout, id: this.#layouts.size, pipelineLayout };
      this.#layouts.set(key, hit);
    }
    return hit;
  }
}

function overrideKey(overrides: Overrides): string {
  return Object.keys(overrides)
    .sort()
    .map((k) => `${k}=${overrides[k]}`)
    .join(',');
}
