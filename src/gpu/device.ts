// device.ts — the one file that knows Node from a browser. init() finds an adapter
// (hardware first, then lavapipe, then SwiftShader, unless one is forced) and requests a
// device with the adapter's large limits; probe() says whether one could be found, without a
// device. What happens to the device afterwards (loss, errors, dispose) is context.ts's.
import { requireObject, describeValue } from '../util/check';
import { wrapDevice, type AdapterKind, type GpuContext } from './context';
import { NO_PACING, WaitPacer, type GpuWaitPacer } from './wait-pacer';

export type { AdapterKind, GpuContext } from './context';

/** What init() (and probe()) may be told; anything else is an error naming the option. */
export interface InitOptions {
  /** 'lavapipe', 'swiftshader', 'hardware', or a substring of the adapter's name. Default: env SPRINGLOOP_ADAPTER, else best found. */
  adapter?: string;
  /** Features to request when the adapter has them (e.g. 'timestamp-query'). */
  optionalFeatures?: GPUFeatureName[];
}

/** Requested when the adapter has them: timestamps for benchmarks. */
const DEFAULT_OPTIONAL_FEATURES: GPUFeatureName[] = ['timestamp-query'];

/** What init() says in Node when the optional peer dependency 'webgpu' is not installed. */
const NODE_BINDING_MISSING =
  "springloop runs in Node through Dawn, the npm package 'webgpu', which is not installed: npm i springloop webgpu";

// A function, not a constant: reading `process` at import would be a side effect bundlers keep.
const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

// The package's browser build (dist/lib/browser/, its "browser" export condition, and
// dist/browser/springloop.js) is compiled with SPRINGLOOP_BROWSER defined: where a branch
// tests `typeof SPRINGLOOP_BROWSER === 'undefined'` first, the build drops its Node side
// (the dawn.node loader and its messages). Elsewhere (Node, tests) it is not defined.
declare const SPRINGLOOP_BROWSER: true | undefined;

/** What to do when no adapter is found: a developer's setup step in Node, the visitor's browser otherwise. */
const noAdapterHint = (): string =>
  typeof SPRINGLOOP_BROWSER === 'undefined' && isNode()
    ? 'run `bash scripts/setup.sh` (it installs Mesa lavapipe >= 25 and Chromium\'s SwiftShader)'
    : 'this browser has WebGPU but offered no GPU adapter: WebGPU may be turned off in its settings, or this GPU or driver blocklisted (in Chrome, chrome://gpu says why)';

const INIT_KEYS = ['adapter', 'optionalFeatures'] as const;

/** Finds an adapter and creates a device. Throws a clear error when none is available. */
export async function init(options: InitOptions = {}): Promise<GpuContext> {
  const found = await findAdapter(options);
  const { adapter, adapterName } = found;
  const device = await adapter.requestDevice({
    requiredFeatures: (options.optionalFeatures ?? DEFAULT_OPTIONAL_FEATURES).filter((f) => adapter.features.has(f)),
    requiredLimits: largeLimits(adapter),
  });
  if (found.keepAlive) liveInstances.add(found.keepAlive);
  return wrapDevice(device, {
    adapter,
    adapterName,
    adapterKind: adapterKindOf(adapterName),
    runtime: isNode() ? 'node' : 'browser',
    release: () => liveInstances.delete(found.keepAlive),
  });
}

/**
 * How a Scheduler on `runtime` waits for the GPU: dawn.node spins the JS thread while a GPU
 * promise is pending, so in Node it sleeps through most of the expected wait (wait-pacer.ts);
 * browsers do not spin, and nothing is paced there.
 */
export function gpuWaitPacer(runtime: GpuContext['runtime']): GpuWaitPacer {
  return typeof SPRINGLOOP_BROWSER === 'undefined' && runtime === 'node' ? new WaitPacer(true) : NO_PACING;
}

/** Whether WebGPU can run here, and on what (probe() creates no device). */
export interface WebGpuSupport {
  /** True when init() with the same options would find an adapter. */
  supported: boolean;
  /** Node (Dawn) or a browser / worker. */
  runtime: 'node' | 'browser';
  /** The adapter init() would use, when supported. */
  adapterName?: string;
  /** Its kind, when supported. */
  adapterKind?: AdapterKind;
  /** Why not, in words for whoever reads it (the visitor in a browser, the developer in Node). */
  reason?: string;
}

/**
 * Looks for the adapter init(options) would use, without creating a device: an app calls it
 * to decide whether to show its GPU features. Never throws (bad options give supported: false).
 */
export async function probe(options: InitOptions = {}): Promise<WebGpuSupport> {
  const runtime = isNode() ? 'node' : 'browser';
  try {
    const { adapterName, keepAlive } = await findAdapter(options);
    lastProbeInstance = keepAlive;
    return { supported: true, runtime, adapterName, adapterKind: adapterKindOf(adapterName) };
  } catch (e) {
    return { supported: false, runtime, reason: (e as Error).message };
  }
}

/** True when init() would find an adapter (see probe() for the reason when not). */
export async function isSupported(options: InitOptions = {}): Promise<boolean> {
  return (await probe(options)).supported;
}

/** Checks init()'s options, then finds the adapter they ask for. */
async function findAdapter(options: InitOptions): Promise<{ adapter: GPUAdapter; adapterName: string; keepAlive: unknown }> {
  checkInitOptions(options);
  const wanted = options.adapter ?? envAdapter();
  const { gpu, keepAlive } = typeof SPRINGLOOP_BROWSER === 'undefined' && isNode() ? await nodeGpu(wanted) : browserGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch((e: Error) => {
    // dawn.node throws for an adapter name it does not have, listing the ones it has.
    throw new Error(`no WebGPU adapter matching adapter='${wanted}' was found: ${e.message}`);
  });
  if (!adapter) {
    throw new Error(wanted ? `no WebGPU adapter matching adapter='${wanted}' was found; ${noAdapterHint()}` : `no WebGPU adapter found; ${noAdapterHint()}`);
  }
  const adapterName = describeAdapter(adapter);
  if (wanted && !matchesAdapter(wanted, adapterName)) {
    throw new Error(`adapter='${wanted}' was requested but the adapter found is '${adapterName}'`);
  }
  return { adapter, adapterName, keepAlive };
}

function checkInitOptions(options: unknown): void {
  const o = requireObject('init: options', options);
  for (const key of Object.keys(o)) {
    if (!(INIT_KEYS as readonly string[]).includes(key)) throw new Error(`init: unknown option '${key}' (known: ${INIT_KEYS.join(', ')})`);
  }
  if (o.adapter !== undefined && (typeof o.adapter !== 'string' || o.adapter.trim() === '')) {
    throw new Error(`init: adapter must be a string ('lavapipe', 'swiftshader', 'hardware' or part of an adapter's name), got ${describeValue(o.adapter)}`);
  }
  const features = o.optionalFeatures;
  if (features !== undefined && (!Array.isArray(features) || !features.every((f) => typeof f === 'string'))) {
    throw new Error(`init: optionalFeatures must be an array of GPU feature names (e.g. ['timestamp-query']), got ${describeValue(features)}`);
  }
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
    if ((globalThis as { isSecureContext?: boolean }).isSecureContext === false) {
      const origin = (globalThis as { location?: Location }).location?.origin ?? 'this origin';
      throw new Error(`WebGPU is unavailable because this page (${origin}) is not a secure context: browsers offer WebGPU only over https or on localhost`);
    }
    throw new Error('this browser does not support WebGPU (navigator.gpu is missing): a current Chrome, Edge, Safari or Firefox with WebGPU enabled is needed');
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
// The instance of probe()'s last adapter: kept while that adapter may be in use.
let lastProbeInstance: unknown = null;
