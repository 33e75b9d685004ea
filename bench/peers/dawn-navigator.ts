// dawn-navigator.ts — gives a browser library running in Node (TF.js's and jax-js's WebGPU
// backends) what it looks for in a browser: `navigator.gpu` and the GPUBufferUsage/GPUMapMode/…
// constants, from one dawn.node instance created with the flags that select springloop's
// adapter. The instance stays referenced for the whole process: a collected instance with live
// devices crashes Node (see src/gpu/device.ts). Node only.

/** The adapter springloop runs on: name as GpuContext.adapterName, kind as adapterKind. */
export interface PeerAdapter {
  name: string;
  kind: string;
}

let dawnGpu: GPU | null = null;

/** dawn.node `create()` flags selecting an adapter of this kind (as src/gpu/device.ts does). */
export function dawnAdapterFlags(kind: string): string[] {
  if (kind === 'lavapipe') return ['adapter=llvmpipe'];
  if (kind === 'swiftshader') return ['adapter=SwiftShader']; // device.ts has added its ICD
  return [];
}

/**
 * Sets navigator.gpu (creating `navigator` where Node has none, with a userAgent as jax-js
 * reads one) to the process's dawn instance, and checks that the adapter a library would get
 * with `requestAdapter({ powerPreference: 'high-performance' })` is springloop's. Returns its name.
 */
export async function exposeDawnAsNavigatorGpu(adapter: PeerAdapter): Promise<string> {
  const specifier = 'webgpu'; // a variable, so esbuild leaves dawn.node external
  const dawn = (await import(/* @vite-ignore */ specifier)) as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in scope)) scope[name] = value;
  dawnGpu ??= dawn.create(dawnAdapterFlags(adapter.kind));
  const navigator = scope.navigator as { userAgent?: string } | undefined;
  if (navigator) {
    Object.defineProperty(navigator, 'gpu', { value: dawnGpu, configurable: true });
    if (typeof navigator.userAgent !== 'string') Object.defineProperty(navigator, 'userAgent', { value: `Node.js/${process.version}`, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawnGpu, userAgent: `Node.js/${process.version}` }, configurable: true, writable: true });
  }
  // Libraries request their adapter exactly like this; an adapter is single-use, so probe a twin.
  const probe = await dawnGpu.requestAdapter({ powerPreference: 'high-performance' });
  const name = probe?.info.description ?? '';
  if (!name || !adapter.name.includes(name)) {
    throw new Error(`the peer would get adapter '${name || 'none'}', not springloop's '${adapter.name}'`);
  }
  return name;
}
