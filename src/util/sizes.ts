// sizes.ts — memory a command will need, estimated from its flags before anything is
// allocated, and the check against a limit that names the flag responsible:
//   --hidden 100000 needs 40 GB of parameters (rnn); this device allows 4.3 GB per buffer (maxBufferSize)
// Pure arithmetic (the device's limits are passed in; host and disk limits come from
// src/io/host-limits.ts). Imports nothing.

/** One allocation (or a sum of them) a command will make. */
export interface MemoryNeed {
  /** What it holds, e.g. 'parameters (lstm)'. */
  what: string;
  bytes: number;
  /** The flags that set its size, with their values: '--hidden 100000 --layers 2'. */
  cause: string;
  /** Device needs: one buffer bound as storage (checked against the binding limit too). */
  binding?: boolean;
  /** Host needs held in one typed array: its element count (checked against MAX_TYPED_ARRAY_ELEMENTS). */
  elements?: number;
}

/** The device limits the checks use (a GPUSupportedLimits satisfies this). */
export interface DeviceSizeLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
}

/** 40002000640 → '40 GB', 4294967295 → '4.3 GB', 512 → '512 bytes' (decimal units). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  if (bytes < 1000) return `${bytes} bytes`;
  let value = bytes;
  let unit = '';
  for (const u of units) {
    value /= 1000;
    unit = u;
    if (value < 1000) break;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${unit}`;
}

/** `<cause> needs <size> of <what>` (or `of <resource> for <what>`): the start of every size message. */
export function describeNeed(n: MemoryNeed, resource?: string): string {
  return `${n.cause} needs ${formatBytes(n.bytes)} of ${resource ? `${resource} for ` : ''}${n.what}`;
}

/** Throws naming the flag when a device need exceeds the device's buffer or storage-binding limit. */
export function checkDeviceNeeds(needs: readonly MemoryNeed[], limits: DeviceSizeLimits): void {
  for (const n of needs) {
    if (!(n.bytes <= limits.maxBufferSize)) {
      throw new Error(`${describeNeed(n)}; this device allows ${formatBytes(limits.maxBufferSize)} per buffer (maxBufferSize)`);
    }
    if (n.binding && !(n.bytes <= limits.maxStorageBufferBindingSize)) {
      throw new Error(`${describeNeed(n)}; this device binds at most ${formatBytes(limits.maxStorageBufferBindingSize)} per buffer (maxStorageBufferBindingSize)`);
    }
  }
}

/** What the host offers: total and currently available memory, in bytes. */
export interface HostMemory {
  total: number;
  free: number;
}

/** Elements a JavaScript typed array holds at most (V8: 2^32). */
export const MAX_TYPED_ARRAY_ELEMENTS = 2 ** 32;

/**
 * Throws naming the flag when the needs together exceed the host's free memory (the largest
 * one is named), or one of them exceeds what a typed array can hold.
 */
export function checkHostNeeds(needs: readonly MemoryNeed[], host: HostMemory): void {
  const total = needs.reduce((a, n) => a + n.bytes, 0);
  const largest = needs.reduce((a, n) => (n.bytes > a.bytes ? n : a), { what: '', bytes: 0, cause: '' });
  const others = total - largest.bytes;
  const rest = others > 0 ? ` (${formatBytes(total)} with the rest)` : '';
  if (total > host.free) {
    throw new Error(`${describeNeed(largest, 'host memory')}${rest}; this machine has ${formatBytes(host.total)} of memory, ${formatBytes(host.free)} of it free`);
  }
  for (const n of needs) {
    if (n.elements !== undefined && n.elements > MAX_TYPED_ARRAY_ELEMENTS) {
      throw new Error(`${describeNeed(n, 'host memory')}: more than one JavaScript typed array holds (${MAX_TYPED_ARRAY_ELEMENTS} elements)`);
    }
  }
}
