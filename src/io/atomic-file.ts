// atomic-file.ts — the one way springloop writes a file (Node only): the bytes go to a
// temporary file beside the target, `<name>.tmp-<pid>-<n>`, which is flushed to disk and then
// renamed over the target, so a reader (or a crash, a kill -9, a full disk) sees either the
// old file or the whole new one, never half of one. On any error the temporary is removed
// and the error names the target and says what happened (disk full, read-only, no
// permission). Temporaries still open when the process exits (process.exit after a second
// Ctrl-C) are removed by an exit hook; those of a process that was killed outright are
// removed by the next start (removeStaleTemporaries).
import { access, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { constants, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** What writeFileAtomic writes: bytes, text, or chunks of either (streamed; a generator is fine). */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** A failed file operation: the path it was about, the errno code, and a message naming both. */
export class FileError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'FileError';
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device (the disk is full)',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
};

/**
 * `cannot write run/config.json: no space left on the device (the disk is full) (ENOSPC)`:
 * `action` and `path` say what was attempted on which file; the errno code is explained.
 */
export function fileError(action: string, path: string, e: unknown): FileError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason = code && REASONS[code] ? `${REASONS[code]} (${code})` : ((e as Error)?.message ?? String(e));
  return new FileError(`cannot ${action} ${path}: ${reason}`, path, code);
}

/** Temporaries this process has open, removed on exit. */
const live = new Set<string>();
let exitHookInstalled = false;
let counter = 0;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', removeLiveTemporaries);
}

/** Removes every temporary this process is still writing (synchronously: safe in exit paths). */
export function removeLiveTemporaries(): void {
  for (const tmp of live) rmSync(tmp, { force: true });
  live.clear();
}

const TEMP_SUFFIX = /\.tmp-(\d+)-\d+$/;

/** True when `name` is a temporary of writeFileAtomic; returns the writer's pid, else null. */
export function temporaryOwner(name: string): number | null {
  const m = TEMP_SUFFIX.exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Writes `content` to `path` atomically (see the file comment). Throws a FileError naming
 * `path` (never the temporary) on failure; the temporary is gone by then, and `path` is as
 * it was.
 */
export async function writeFileAtomic(path: string, content: FileContent): Promise<void> {
  installExitHook();
  const tmp = `${path}.tmp-${process.pid}-${counter++}`;
  live.add(tmp);
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(tmp, 'w');
    if (typeof content === 'string' || content instanceof Uint8Array) await handle.writeFile(content);
    else for await (const chunk of content) await handle.writeFile(chunk);
    await handle.sync();
    await handle.close();
    handle = null;
    await rename(tmp, path);
    live.delete(tmp);
  } catch (e) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    live.delete(tmp);
    throw e instanceof FileError ? e : fileError('write', path, e);
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename durable (best effort: some file systems cannot fsync a directory). */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // not supported here; the rename is still atomic
  }
}

/** True when another process with this pid is running (this process's own pid counts as not: at a start, nothing of ours is live yet). */
export function otherProcessAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
  return !isZombie(pid);
}

/** A killed process that nobody has reaped yet still answers kill(pid, 0); /proc (where there is one) tells. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Removes the temporaries of processes that are no longer running in `dir` (and, with
 * `depth` > 0, in its subdirectories that deep), e.g. left by a kill -9 during a write.
 * `only(name)` restricts it to the temporaries of some targets. Returns the removed paths.
 */
export async function removeStaleTemporaries(dir: string, depth = 0, only?: (target: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0) removed.push(...(await removeStaleTemporaries(path, depth - 1, only)));
      continue;
    }
    const pid = temporaryOwner(entry.name);
    if (pid === null || otherProcessAlive(pid) || (only && !only(entry.name.replace(TEMP_SUFFIX, '')))) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Throws a FileError when files could not be created in dir (or, when it does not exist yet,
 * in the nearest existing directory above it): a file in the way, no permission, a read-only
 * file system. Reads only; `what` starts the message (e.g. '--out run').
 */
export async function checkWritableDir(dir: string, what: string): Promise<void> {
  let at = resolve(dir);
  for (;;) {
    const info = await stat(at).catch(() => null);
    if (info) {
      if (!info.isDirectory()) throw new FileError(`${what} cannot be created: ${at} is a file, not a directory`, at, 'ENOTDIR');
      break;
    }
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  try {
    await access(at, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new FileError(`${what} is not writable: ${fileError('write in', at, e).message}`, at, (e as NodeJS.ErrnoException).code);
  }
}
