// kernel.ts — a kernel is a .wgsl file plus a small typed wrapper. defineKernel() resolves
// includes at once and reflects the WGSL once, on first use (importing the library parses no
// WGSL); PipelineCache compiles it per device with explicit bind group layouts (shared between
// pipelines with the same bindings), one pipeline per (entry point, override constants).
import { resolveIncludes, type SourceLine } from './wgsl-include';
import { reflectWgsl, type BindingInfo, type EntryPointInfo, type KernelReflection } from './reflect';
import { WGSL_LIBRARY } from './wgsl-library';
import { ShaderStage } from './flags';

export interface Kernel {
  /** The shader's file name, e.g. "rk4.wgsl". */
  readonly name: string;
  /** Source after includes. */
  readonly code: string;
  readonly lineMap: readonly SourceLine[];
  readonly reflection: KernelReflection;
  entry(name: string): EntryPointInfo;
  /** The value of a module-scope `const` of the WGSL (e.g. 'MAX_ROWS'); throws naming the kernel when there is none. */
  constant(name: string): number;
}

export type Overrides = Readonly<Record<string, number>>;

/**
 * A WGSL kernel (after `//!include` expansion). Reflection runs on first use — compiling it
 * or asking for an entry point — so importing the library parses no WGSL; WGSL it cannot
 * parse throws then, naming the kernel.
 */
export function defineKernel(name: string, source: string, library: Readonly<Record<string, string>> = WGSL_LIBRARY): Kernel {
  const { code, lineMap } = resolveIncludes(name, source, library);
  let reflection: KernelReflection | null = null;
  const kernel: Kernel = {
    name,
    code,
    lineMap,
    get reflection(): KernelReflection {
      reflection ??= reflectWgsl(code, name);
      return reflection;
    },
    entry(entryName: string): EntryPointInfo {
      const e = kernel.reflection.entryPoints.get(entryName);
      if (!e) {
        throw new Error(`kernel ${name} has no entry point '${entryName}' (it has: ${[...kernel.reflection.entryPoints.keys()].join(', ')})`);
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

export interface CompiledEntry {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  layoutId: number;
  info: EntryPointInfo;
}

/** Per-device cache of shader modules, bind group layouts and pipelines. */
export class PipelineCache {
  private readonly modules = new Map<Kernel, GPUShaderModule>();
  private readonly layouts = new Map<string, { layout: GPUBindGroupLayout; id: number; pipelineLayout: GPUPipelineLayout }>();
  /** Per kernel object (two kernels may share a file name), keyed by entry point + overrides. */
  private readonly pipelines = new Map<Kernel, Map<string, CompiledEntry>>();
  pipelinesCreated = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Compiles the kernel's module and throws a clear error (file:line) on WGSL errors. */
  async prepare(kernel: Kernel): Promise<void> {
    if (this.modules.has(kernel)) return;
    // Scoped, so a bad shader is reported here and does not poison the device's error state.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label: kernel.name, code: kernel.code });
    const [info] = await Promise.all([module.getCompilationInfo(), this.device.popErrorScope()]);
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const text = errors.map((m) => {
        const at = kernel.lineMap[m.lineNum - 1];
        return `${at ? `${at.file}:${at.line}` : `${kernel.name}:${m.lineNum}`}:${m.linePos}: ${m.message}`;
      });
      throw new Error(`WGSL compile error in ${kernel.name}:\n  ${text.join('\n  ')}`);
    }
    this.modules.set(kernel, module);
  }

  /** The pipeline for (entry point, overrides); the kernel must have been prepared. */
  get(kernel: Kernel, entryName: string, overrides: Overrides = {}): CompiledEntry {
    const key = `${entryName}#${overrideKey(overrides)}`;
    const hit = this.pipelines.get(kernel)?.get(key);
    if (hit) return hit;
    const module = this.modules.get(kernel);
    if (!module) throw new Error(`kernel ${kernel.name} was used before it was prepared: await scheduler.prepare(kernel) first`);
    const info = kernel.entry(entryName);
    for (const name of Object.keys(overrides)) {
      if (!info.overrides.includes(name)) {
        throw new Error(`kernel ${kernel.name}:${entryName} has no override '${name}' (it has: ${info.overrides.join(', ') || 'none'})`);
      }
    }
    const layout = this.layoutFor(info.bindings);
    const pipeline = this.device.createComputePipeline({
      label: `${kernel.name}:${entryName}`,
      layout: layout.pipelineLayout,
      compute: { module, entryPoint: entryName, constants: { ...overrides } },
    });
    this.pipelinesCreated++;
    const entry = { pipeline, layout: layout.layout, layoutId: layout.id, info };
    const byKey = this.pipelines.get(kernel) ?? new Map<string, CompiledEntry>();
    byKey.set(key, entry);
    this.pipelines.set(kernel, byKey);
    return entry;
  }

  private layoutFor(bindings: readonly BindingInfo[]) {
    const nonZero = bindings.find((b) => b.group !== 0);
    if (nonZero) throw new Error(`binding '${nonZero.name}' is in @group(${nonZero.group}); springloop kernels use @group(0) only`);
    const key = bindings.map((b) => `${b.binding}:${b.kind}`).join(',');
    let hit = this.layouts.get(key);
    if (!hit) {
      const layout = this.device.createBindGroupLayout({
        label: `layout(${key})`,
        entries: bindings.map((b) => ({
          binding: b.binding,
          visibility: ShaderStage.COMPUTE,
          buffer: { type: b.kind, hasDynamicOffset: b.kind === 'uniform' },
        })),
      });
      const pipelineLayout = this.device.createPipelineLayout({ bindGroupLayouts: [layout] });
      hit = { layout, id: this.layouts.size, pipelineLayout };
      this.layouts.set(key, hit);
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
