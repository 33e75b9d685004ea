// context.ts — a GpuContext: one device and what happens to it. Device loss is sticky (every
// later call throws the same DeviceLostError, and `lost` resolves with it); a GPU error nobody
// captured (springloop scopes its own work, so this is an app's direct device use or a bug) is
// reported once, by the next throwIfFailed(), and then forgotten: it never poisons the context.
import { DeviceLostError } from './errors';
import { Lifetime } from './lifetime';
import { trackDeviceBuffers } from './buffers';

/** What kind of adapter runs the kernels: a hardware GPU, or one of the software rasterisers (Mesa lavapipe, SwiftShader, another). */
export type AdapterKind = 'hardware' | 'lavapipe' | 'swiftshader' | 'software';

/** A WebGPU device from init(), with the adapter it came from. Give it to `new Scheduler(ctx)`; dispose() it when done. */
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
  /**
   * Resolves with a DeviceLostError when the device is lost (also after dispose(), with reason
   * 'destroyed'; `disposed` tells the two apart). Never rejects.
   */
  readonly lost: Promise<DeviceLostError>;
  /** The DeviceLostError once the device was lost other than by dispose(), else null. */
  readonly lostError: DeviceLostError | null;
  /**
   * Throws `GpuContext.throwIfFailed() after dispose()`, the DeviceLostError, or — once — a GPU
   * error reported outside springloop's error scopes since the last call.
   */
  throwIfFailed(): void;
  /** Destroys the device (lets a Node process exit). Idempotent; objects of this context then refuse use. */
  dispose(): void;
  /** True once dispose() has run. */
  readonly disposed: boolean;
  /** The root Lifetime every object of this context depends on (ended by dispose(); lost with the device). */
  readonly lifetime: Lifetime;
}

/** What wrapDevice needs to know about where the device came from. */
export interface DeviceOrigin {
  adapter: GPUAdapter;
  adapterName: string;
  adapterKind: AdapterKind;
  runtime: 'node' | 'browser';
  /** Called once by dispose() (device.ts releases the Node instance it keeps alive). */
  release(): void;
}

/** Wraps a device into a GpuContext with a Lifetime other objects depend on. */
export function wrapDevice(device: GPUDevice, origin: DeviceOrigin): GpuContext {
  trackDeviceBuffers(device);
  let lostError: DeviceLostError | null = null;
  let uncaptured: Error | null = null;
  const life = new Lifetime('GpuContext', 'dispose', [], () => lostError);
  device.addEventListener('uncapturederror', (event) => {
    const message = (event as GPUUncapturedErrorEvent).error?.message ?? String(event);
    uncaptured ??= new Error(`GPU error on ${origin.adapterName} (outside springloop's error scopes): ${message}`);
  });
  const lost = device.lost.then((info) => {
    const error = new DeviceLostError(info.reason ?? 'unknown', info.message ?? '', origin.adapterName);
    if (!life.ended) lostError = error;
    return error;
  });
  const ctx: GpuContext = {
    device,
    adapter: origin.adapter,
    adapterName: origin.adapterName,
    adapterKind: origin.adapterKind,
    runtime: origin.runtime,
    features: new Set([...device.features]),
    lost,
    get lostError() {
      return lostError;
    },
    throwIfFailed() {
      life.check('throwIfFailed');
      const e = uncaptured;
      uncaptured = null;
      if (e) throw e;
    },
    dispose() {
      if (!life.end()) return;
      device.destroy();
      origin.release();
    },
    get disposed() {
      return life.ended;
    },
    lifetime: life,
  };
  return ctx;
}
