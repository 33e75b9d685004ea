// dir-lock.ts — one process at a time in a run directory (Node only): a lock file holding the
// owner's pid, created exclusively. A lock whose process is gone (kill -9, a crash) is stale
// and is taken over; the owner removes it when it ends, even through process.exit.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileError, otherProcessAlive } from './atomic-file';

/** The lock's name inside the directory. */
export const LOCK_FILE = '.springloop.lock';

/** True when pid runs node (where /proc says so; elsewhere any live pid counts), so a reused pid is not taken for a run. */
function runsNode(pid: number): boolean {
  try {
    return /node|springloop/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true;
  }
}

/** The pid of the live process holding dir's lock, or null when there is none (or it is stale). */
export async function lockHolder(dir: string): Promise<number | null> {
  const text = await readFile(join(dir, LOCK_FILE), 'utf8').catch(() => null);
  const pid = text === null ? NaN : Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && otherProcessAlive(pid) && runsNode(pid) ? pid : null;
}

/** `--out run is in use by another springloop process (pid 123)…`. */
export function inUseMessage(what: string, pid: number, dir: string): string {
  return `${what} is in use by another springloop process (pid ${pid}); wait for it to end or stop it (Ctrl-C writes a checkpoint). If no such process runs, delete ${join(dir, LOCK_FILE)}`;
}

/** Takes dir's lock (a stale one is taken over); returns its release. Throws when a live process holds it. */
export async function acquireDirLock(dir: string, what: string): Promise<() => void> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw fileError('create the lock file', path, e);
      const holder = await lockHolder(dir);
      if (holder !== null) throw new Error(inUseMessage(what, holder, dir));
      await rm(path, { force: true });
    }
  }
  const release = () => {
    process.off('exit', release);
    rmSync(path, { force: true });
  };
  process.on('exit', release);
  return release;
}
