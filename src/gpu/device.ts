// device.ts — the one file that knows Node from a browser. init() finds an adapter
// (hardware first, then lavapipe, then SwiftShader, unless one is forced), requests a
// device with the adapter's large limits, and turns device loss and uncaptured
// validation errors into thrown Errors carrying the implementation's message.

/** What kind of adapter runs the kernels: a hardware GPU, or one of the software rasterisers (Mesa lavapipe, SwiftShader, another). */
export type AdapterKind = 'hardware' | 'lavapipe' | 'swiftshader' | 'software';

/** Options of init(). */
export interface InitOptions {
  /** 'lavapipe', 'swiftshader', or a substring of the adapter's name. Default: env SPRINGLOOP_ADAPTER, else best found. */
  adapter?: string;
  /** Features to request when the adapter has them (e.g. 'timestamp-query'). */
  optionalFeatures?: GPUFeatureName[];
}

/** A WebGPU device from init(), with the adapter it came from; the first device-lost or uncaptured error is kept and thrown by throwIfFailed(). Give it to `new Scheduler(ctx)`; dispose() it when done. */
export interface GpuContext {
  /** The WebGPU device (requested with the adapter's large storage and workgroup limits). */
  readonly device: GPUDevice;
  /** The adapter the device came from. */
  readonly adapter: GPUAdapter;
  /** Human-readable adapter name, e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)". */
  readonly adapterName: string;
  /** Hardware or which software adapter. */
  readonly adapterKind: AdapterKind;
  /** Where this runs: Node (Dawn, the npm package 'webgpu') or a browser or worker (navigator.gpu). */
  readonly runtime: 'node' | 'browser';
  /** The device's features, e.g. 'timestamp-query' when the adapter has it. */
  readonly features: ReadonlySet<string>;
  /** Throws the first device-lost or uncaptured GPU error seen so far, if any. */
  throwIfFailed(): void;
  /** Destroys the device (lets a Node process exit). Idempotent. */
  dispose(): void;
  /** True once dispose() has run. */
  readonly disposed: boolean;
}

/** Requested when the adapter has them: timestamps for benchmarks. */
const DEFAULT_OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query'];

/** What init() says in Node when the optional peer dependency 'webgpu' is not installed. */
const NODE_BINDING_MISSING =
  "springloop runs in Node through Dawn, the npm package 'webgpu', which is not installed: npm i springloop webgpu";

const SETUP_HINT = 'run `bash scripts/setup.sh` (it installs Mesa lavapipe >= 25 and Chromium\'s SwiftShader)';

// A function, not a constant: reading `process` at import would be a side effect bundlers keep.
const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** Finds an adapter and creates a device. Throws a clear error when none is available. */
export async function init(options: InitOptions = {}): Promise<GpuContext> {
  const wanted = options.adapter ?? envAdapter();
  const { gpu, keepAlive } = isNode() ? await nodeGpu(wanted) : browserGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch((e: Error) => {
    // dawn.node throws for an adapter name it does not have, listing the ones it has.
    throw new Error(`no WebGPU adapter matching adapter='${wanted}' was found: ${e.message}`);
  });
  if (!adapter) {
    throw new Error(
      wanted
        ? `no WebGPU adapter matching adapter='${wanted}' was found; ${SETUP_HINT}`
        : `no WebGPU adapter found; ${SETUP_HINT}`,
    );
  }
  const adapterName = describeAdapter(adapter);
  if (wanted && !matchesAdapter(wanted, adapterName)) {
    throw new Error(`adapter='${wanted}' was requested but the adapter found is '${adapterName}'`);
  }
  const device = await adapter.requestDevice({
    requiredFeatures: (options.optionalFeatures ?? DEFAULT_OPTIONAL_FEATURES).filter((f) => adapter.features.has(f)),
    requiredLimits: largeLimits(adapter),
  });
  return wrapDevice(device, adapter, adapterName, keepAlive);
}

function envAdapter(): string | undefined {
  const v = typeof process !== 'undefined' ? process.env?.SPRINGLOOP_ADAPTER : undefined;
  return v && v.trim() ? v.trim() : undefined;
}

/** Classifies an adapter by its name. */
export function adapterKindOf(name: string): AdapterKind {
  const n = name.toLowerCase();
  if (n.includes('llvmpipe') || n.includes('lavapipe')) return 'lavapipe';
  if (n.includes('swiftshader')) return 'swiftshader';
  if (n.includes('software') || n.includes('warp')) return 'software';
  return 'hardware';
}

/** True when the requested adapter spec ('lavapipe', 'swiftshader', or a name substring) fits. */
export function matchesAdapter(wanted: string, adapterName: string): boolean {
  const w = wanted.toLowerCase();
  const kind = adapterKindOf(adapterName);
  if (w === 'lavapipe' || w === 'llvmpipe') return kind === 'lavapipe';
  if (w === 'swiftshader') return kind === 'swiftshader';
  if (w === 'hardware') return kind === 'hardware';
  return adapterName.toLowerCase().includes(w);
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.description, info?.device, info?.vendor].filter((s): s is string => !!s);
  const name = parts[0] ?? 'unknown adapter';
  // SwiftShader's description is just "SwiftShader driver 5.0.0"; lavapipe's names llvmpipe.
  return info?.architecture === 'swiftshader' && !/swiftshader/i.test(name) ? `SwiftShader (${name})` : name;
}

function largeLimits(adapter: GPUAdapter): Record<string, number> {
  const names = [
    'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
    'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupsPerDimension',
  ] as const;
  const limits: Record<string, number> = {};
  for (const n of names) limits[n] = adapter.limits[n];
  return limits;
}

function browserGpu(): { gpu: GPU; keepAlive: unknown } {
  const gpu = (globalThis as { navigator?: Navigator }).navigator?.gpu;
  if (!gpu) {
    throw new Error('WebGPU is not available in this browser (navigator.gpu is missing): use a recent Chrome, Edge or Firefox with WebGPU enabled, over https or localhost');
  }
  return { gpu, keepAlive: null };
}

// Dawn-node: keep the object returned by create() referenced for as long as the device
// lives — a garbage-collected instance segfaults the process.
async function nodeGpu(wanted: string | undefined): Promise<{ gpu: GPU; keepAlive: unknown }> {
  const specifier = 'webgpu'; // a variable, so browser bundlers leave it alone
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as typeof mod;
  } catch (e) {
    const err = e as Error & { code?: string };
    // 'webgpu' is an optional peer dependency: browser apps never install it.
    if (err.code === 'ERR_MODULE_NOT_FOUND' && /'webgpu'/.test(err.message)) throw new Error(NODE_BINDING_MISSING);
    throw new Error(`the npm package 'webgpu' (dawn.node) could not be loaded: ${err.message}; reinstall it: npm i webgpu`);
  }
  const flags: string[] = [];
  const w = wanted?.toLowerCase();
  if (w === 'swiftshader') {
    addSwiftShaderDriver();
    flags.push('adapter=SwiftShader');
  } else if (w === 'lavapipe' || w === 'llvmpipe') {
    flags.push('adapter=llvmpipe');
  } else if (w && w !== 'hardware') {
    flags.push(`adapter=${wanted}`);
  }
  const gpu = mod.create(flags);
  const probe = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!probe && !w && addSwiftShaderDriver()) {
    // Nothing else found: fall back to SwiftShader.
    const fallback = mod.create(['adapter=SwiftShader']);
    return { gpu: fallback, keepAlive: fallback };
  }
  return { gpu, keepAlive: gpu };
}

/** Makes Chromium's SwiftShader Vulkan driver visible to the Vulkan loader. */
function addSwiftShaderDriver(): boolean {
  const env = process.env;
  const icd = env.SPRINGLOOP_SWIFTSHADER_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
  const current = env.VK_ADD_DRIVER_FILES ?? '';
  if (current.split(':').includes(icd)) return true;
  env.VK_ADD_DRIVER_FILES = current ? `${current}:${icd}` : icd;
  return true;
}

// dawn.node instances of live devices: referenced here until dispose().
const liveInstances = new Set<unknown>();

function wrapDevice(device: GPUDevice, adapter: GPUAdapter, adapterName: string, keepAlive: unknown): GpuContext {
  if (keepAlive) liveInstances.add(keepAlive);
  let failure: Error | null = null;
  let disposed = false;
  device.addEventListener('uncapturederror', (event) => {
    const message = (event as GPUUncapturedErrorEvent).error?.message ?? String(event);
    failure ??= new Error(`GPU error on ${adapterName}: ${message}`);
  });
  void device.lost.then((info) => {
    if (disposed) return;
    failure ??= new Error(`GPU device lost on ${adapterName} (${info.reason}): ${info.message}`);
  });
  return {
    device,
    adapter,
    adapterName,
    adapterKind: adapterKindOf(adapterName),
    runtime: isNode() ? 'node' : 'browser',
    features: new Set([...device.features]),
    throwIfFailed() {
      if (disposed) throw new Error('this springloop GPU context has been disposed');
      if (failure) throw failure;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      device.destroy();
      liveInstances.delete(keepAlive);
    },
    get disposed() {
      return disposed;
    },
  };
}
