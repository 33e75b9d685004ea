// host-limits.ts — the host's side of the size checks (Node only): memory from
// os.totalmem() / os.freemem(), and the free space of the file system a path is on.
import { freemem, totalmem } from 'node:os';
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkHostNeeds, describeNeed, formatBytes, type HostMemory, type MemoryNeed } from '../util/sizes';

/** This machine's memory: total, and available now (MemAvailable on Linux). */
export function hostMemory(): HostMemory {
  return { total: totalmem(), free: freemem() };
}

/** Throws naming the flag when the needs do not fit this machine's free memory (see checkHostNeeds). */
export function checkHostMemory(needs: readonly MemoryNeed[]): void {
  checkHostNeeds(needs, hostMemory());
}

/** Bytes free for an unprivileged writer on the file system holding `path` (or its nearest existing parent). */
export async function freeDiskBytes(path: string): Promise<number | null> {
  let at = resolve(path);
  for (;;) {
    try {
      const s = await statfs(at);
      return s.bavail * s.bsize;
    } catch {
      const up = dirname(at);
      if (up === at) return null;
      at = up;
    }
  }
}

/** Throws naming the flag when the needs together exceed the free space where `path` will be written. */
export async function checkDiskSpace(path: string, needs: readonly MemoryNeed[]): Promise<void> {
  const free = await freeDiskBytes(path);
  const total = needs.reduce((a, n) => a + n.bytes, 0);
  if (free === null || total <= free) return;
  const largest = needs.reduce((a, n) => (n.bytes > a.bytes ? n : a));
  throw new Error(`${describeNeed(largest, 'disk space')}${needs.length > 1 ? ` (${formatBytes(total)} in all)` : ''} in ${path}; its file system has ${formatBytes(free)} free`);
}
