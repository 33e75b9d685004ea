// run-dir.ts — one run per directory (Node only). Before anything is written, a run's --out
// is inspected: absent or empty is fine; a directory holding a run is refused (naming what
// it holds and the choices: --resume, a new directory, or --overwrite, which moves the old
// run aside); anything else is refused. The decision is read-only; commit() does the writing
// — after all validation and device creation have succeeded — and starts by removing the
// temporaries that killed processes left in the directory.
import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { checkWritableDir, fileError, removeStaleTemporaries, temporaryOwner, writeFileAtomic } from '../../io/atomic-file';
import { acquireDirLock, inUseMessage, lockHolder, LOCK_FILE } from '../../io/dir-lock';
import { CHECKPOINT_FILE, parseJsonFile } from './checkpoint';
import { describeValue } from '../../util/check';

/** How a run starts in its directory. */
export type RunDirMode = 'new' | 'overwrite' | 'resume';

/** Files and directories that mark a springloop run. */
const RUN_MARKERS = ['config.json', 'results.json', 'details.json', 'figure.svg', 'checkpoints'];
const isRunEntry = (name: string) => RUN_MARKERS.includes(name) || /^(rnn|lstm|gru)\.safetensors$/.test(name);

/** What a directory holds: nothing, a run (finished or not, with a one-line summary), or other things. */
export type RunDirContents =
  | { kind: 'absent' }
  | { kind: 'file' }
  | { kind: 'empty' }
  | { kind: 'run'; finished: boolean; summary: string }
  | { kind: 'other'; entries: string[] };

/** Looks at dir without changing anything. */
export async function inspectRunDir(dir: string): Promise<RunDirContents> {
  let info;
  try {
    info = await stat(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'absent' }; // a file above it: requireWritable says so
    throw fileError('read', dir, e);
  }
  if (!info.isDirectory()) return { kind: 'file' };
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((n) => temporaryOwner(n) === null && n !== LOCK_FILE);
  } catch (e) {
    throw fileError('read', dir, e);
  }
  if (entries.length === 0) return { kind: 'empty' };
  if (!entries.some(isRunEntry)) return { kind: 'other', entries };
  const finished = entries.includes('results.json');
  return { kind: 'run', finished, summary: await summarise(dir, finished) };
}

/** `a finished run (rnn, lstm; 6 epochs)` or `a stopped run (rnn: epoch 1 of 2; lstm: not started)`. */
async function summarise(dir: string, finished: boolean): Promise<string> {
  let config: { cells?: unknown; epochs?: unknown } = {};
  try {
    config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as typeof config;
  } catch {
    return `${finished ? 'a finished' : 'a'} run (its config.json is missing or unreadable)`;
  }
  const cells = Array.isArray(config.cells) ? config.cells.map(String) : [];
  if (finished) return `a finished run (${cells.join(', ')}; ${String(config.epochs)} epoch${config.epochs === 1 ? '' : 's'}; results.json)`;
  const parts: string[] = [];
  for (const cell of cells) {
    try {
      const ck = JSON.parse(await readFile(join(dir, 'checkpoints', cell, CHECKPOINT_FILE), 'utf8')) as { epoch?: unknown; batch?: unknown };
      const step = typeof ck.batch === 'number' && ck.batch > 0 ? `, step ${ck.batch}` : '';
      parts.push(`${cell}: epoch ${String(ck.epoch)}${step} of ${String(config.epochs)}`);
    } catch {
      parts.push(`${cell}: no checkpoint`);
    }
  }
  return `a stopped run (${parts.join('; ')})`;
}

/** What prepareRunDir decided; commit() performs it. */
export interface PreparedRunDir {
  dir: string;
  contents: RunDirContents;
  /**
   * Moves an old run aside (--overwrite), creates dir, takes its lock (one process at a time),
   * removes stale temporaries, writes config.json. `release` frees the lock.
   */
  commit(configJson: string): Promise<{ movedTo: string | null; removedTemporaries: string[]; release: () => void }>;
}

/** Refusals that name what dir holds and what to do instead. */
function refuse(dir: string, mode: RunDirMode, contents: RunDirContents): string | null {
  if (contents.kind === 'file') return `--out ${dir} is a file, not a directory`;
  if (mode === 'resume') {
    if (contents.kind !== 'run') return `--resume ${dir}: there is no run to continue there (${contents.kind === 'other' ? `it holds ${listEntries(contents.entries)}` : 'the directory is empty or missing'})`;
    if (contents.finished) return `--resume ${dir}: ${contents.summary} — there is nothing left to train; start a new run with another --out, or --overwrite ${dir} to train it again from the start`;
    return null;
  }
  if (contents.kind === 'other') return `--out ${dir} is not empty and holds no springloop run (${listEntries(contents.entries)}); choose a new or empty directory`;
  if (contents.kind === 'run' && mode === 'new') {
    const resume = contents.finished ? '' : `continue it with \`springloop train --resume ${dir}\`, `;
    return `--out ${dir} already holds ${contents.summary}; ${resume}choose a new --out directory, or add --overwrite to move the old run aside and start again`;
  }
  return null;
}

function listEntries(entries: string[]): string {
  return `${entries.slice(0, 4).join(', ')}${entries.length > 4 ? `, … (${entries.length} entries)` : ''}`;
}

/** Decides how a run uses dir (read-only); throws with the choices when it may not. */
export async function prepareRunDir(dir: string, mode: RunDirMode): Promise<PreparedRunDir> {
  const contents = await inspectRunDir(dir);
  const flag = `${mode === 'resume' ? '--resume' : '--out'} ${dir}`;
  const holder = contents.kind === 'absent' || contents.kind === 'file' ? null : await lockHolder(dir);
  if (holder !== null) throw new Error(inUseMessage(flag, holder, dir));
  const refusal = refuse(dir, mode, contents);
  if (refusal) throw new Error(refusal);
  const moveAside = mode === 'overwrite' && contents.kind === 'run';
  if (moveAside && isSameOrInside(process.cwd(), dir)) throw new Error(`--overwrite cannot move ${dir} aside: it is (or holds) the current directory; run from elsewhere`);
  await checkWritableDir(moveAside ? dirname(resolve(dir)) : dir, `${mode === 'resume' ? '--resume' : '--out'} ${dir}`);
  if (moveAside) await checkWritableDir(dir, `--out ${dir}`);
  return {
    dir,
    contents,
    async commit(configJson) {
      const movedTo = moveAside ? await moveAsideRun(dir) : null;
      const note = (e: unknown) => (movedTo && e instanceof Error ? Object.assign(e, { message: `${e.message} (the old run is safe in ${movedTo})` }) : e);
      try {
        await mkdir(dir, { recursive: true });
      } catch (e) {
        throw note(fileError('create the directory', dir, e));
      }
      const release = await acquireDirLock(dir, flag).catch((e) => Promise.reject(note(e)));
      try {
        const removedTemporaries = await removeStaleTemporaries(dir, 2);
        await writeFileAtomic(join(dir, 'config.json'), configJson);
        return { movedTo, removedTemporaries, release };
      } catch (e) {
        release();
        throw note(e);
      }
    },
  };
}

/** True when path is dir or lies inside it. */
function isSameOrInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Renames dir to dir.old-<timestamp> (a free name beside it); returns the new name. */
async function moveAsideRun(dir: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
  const base = join(dirname(resolve(dir)), `${basename(resolve(dir))}.old-${stamp}`);
  for (let n = 0; ; n++) {
    const target = n === 0 ? base : `${base}-${n}`;
    try {
      await stat(target);
      continue; // taken
    } catch {
      // free
    }
    try {
      await rename(dir, target);
    } catch (e) {
      throw fileError('move the old run aside from', dir, e);
    }
    return target;
  }
}

/** Settings changed when a run was resumed with --allow-change, as config.json records them. */
export interface RecordedChange {
  /** ISO time of the resume. */
  time: string;
  /** Where each cell stood when the change took effect: 'rnn: epoch 3'. */
  at: string[];
  /** Setting → [old value, new value]. */
  changed: Record<string, [unknown, unknown]>;
}

/** A run's config.json: its settings, and the changes made on resumes. */
export interface RunConfigFile {
  settings: Record<string, unknown>;
  changes: RecordedChange[];
}

/** Reads dir/config.json; throws naming the file when it is missing, empty, not JSON or not an object. */
export async function readRunConfig(dir: string): Promise<RunConfigFile> {
  const path = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw fileError('read', path, e);
  }
  const raw = parseJsonFile(path, text);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${path} must hold a JSON object of settings, got ${describeValue(raw)}`);
  const { changes = [], ...settings } = raw as Record<string, unknown>;
  if (!Array.isArray(changes)) throw new Error(`${path}: "changes" must be a list, got ${describeValue(changes)}`);
  return { settings, changes: changes as RecordedChange[] };
}

/** The text of config.json for these settings and recorded changes. */
export function runConfigJson(settings: object, changes: readonly RecordedChange[]): string {
  return JSON.stringify(changes.length > 0 ? { ...settings, changes } : settings, null, 2);
}
