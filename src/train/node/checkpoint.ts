// checkpoint.ts — save and load one cell's training state (Node only): weights as safetensors
// (PyTorch state_dict names, loadable with safetensors.torch.load_file), optimizer state
// (Adam's m and v, or SGD's momentum buffer) as a second safetensors file with names
// '<state>.<param>', and checkpoint.json with the config, epoch, step within the epoch,
// optimizer step, history and timing. Every file goes through writeFileAtomic; the weight files
// carry the position in their names and checkpoint.json (renamed last) points at them, so an
// interrupted or failed save never leaves a checkpoint whose parts disagree — the previous one
// stays valid until the rename, and a failed save removes the files it had already written.
// loadCheckpoint reads what is there and names the file of every read or parse failure; what
// the values must be for a given run is checked by checkpoint-check.ts.
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type DecodedTensor, type Float32Tensor } from '../../io/safetensors';
import { FileError, fileError, writeFileAtomic } from '../../io/atomic-file';
import { describeValue } from '../../util/check';

/** The file in a cell's checkpoint directory that points at its weights and optimizer files (renamed last). */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'springloop-checkpoint-1';

/** Everything needed to continue a run exactly where it stopped. */
export interface CheckpointState {
  /** The run's configuration (resume checks that it matches). */
  config: Record<string, unknown>;
  cell: string;
  /** Epochs completed. */
  epoch: number;
  /** Steps of the next epoch already taken (0 at an epoch boundary; > 0 after a stop request). */
  batch?: number;
  /** That partial epoch's loss sums (the trainer's accumulator), when batch > 0. */
  lossSums?: number[];
  /** Optimizer steps taken (Adam's bias-correction step count). */
  step: number;
  /** Parameters by state_dict name. */
  params: Record<string, Float32Tensor>;
  /** Optimizer state by state name, then parameter name (same shapes as params). */
  optimizer: Record<string, Record<string, Float32Tensor>>;
  /** Loss curves etc., JSON-serialisable. */
  history: Record<string, unknown>;
  /** Training seconds spent so far. */
  trainSeconds: number;
  /** Whether training finished (all epochs done, evaluation may still be pending). */
  complete: boolean;
}

/** A loaded checkpoint, with the files it came from (for messages) and dtypes as stored. */
export interface LoadedCheckpoint extends CheckpointState {
  params: Record<string, DecodedTensor>;
  optimizer: Record<string, Record<string, DecodedTensor>>;
  files: { json: string; weights: string; optimizer: string };
  /** The optimizer file's own step count (its metadata), as text; null when absent. */
  optimizerFileStep: string | null;
}

interface CheckpointJson extends Omit<CheckpointState, 'params' | 'optimizer'> {
  format: string;
  weights: string;
  optimizerFile: string;
  optimizerStates: string[];
}

const WEIGHT_FILE = /^(model|optimizer)-e\d+(-b\d+)?\.safetensors$/;

/** Saves a checkpoint into dir (created if needed); older weight files are removed afterwards. */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw fileError('create the directory', dir, e);
  }
  const batch = state.batch ?? 0;
  const tag = `e${String(state.epoch).padStart(5, '0')}${batch > 0 ? `-b${String(batch).padStart(5, '0')}` : ''}`;
  const weights = `model-${tag}.safetensors`;
  const optimizerFile = `optimizer-${tag}.safetensors`;
  const flat: Record<string, Float32Tensor> = {};
  for (const [stateName, tensors] of Object.entries(state.optimizer)) {
    for (const [name, t] of Object.entries(tensors)) flat[`${stateName}.${name}`] = t;
  }
  const { params: _p, optimizer: _o, ...rest } = state;
  const json: CheckpointJson = { format: FORMAT, ...rest, batch, weights, optimizerFile, optimizerStates: Object.keys(state.optimizer) };
  if (batch === 0) delete json.lossSums;
  const previous = await referencedFiles(dir);
  const written: string[] = [];
  try {
    await writeFileAtomic(join(dir, weights), encodeSafetensors(state.params, { format: 'pt' }));
    written.push(weights);
    await writeFileAtomic(join(dir, optimizerFile), encodeSafetensors(flat, { step: String(state.step) }));
    written.push(optimizerFile);
    await writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(json, null, 1));
  } catch (e) {
    // The new files are not referenced: remove them, unless the old checkpoint uses the same names.
    for (const f of written) if (!previous.includes(f)) await rm(join(dir, f), { force: true }).catch(() => {});
    throw e;
  }
  await removeUnreferencedWeights(dir, [weights, optimizerFile]);
}

/** The weight files the checkpoint.json in dir points at ([] when it is missing or unreadable). */
async function referencedFiles(dir: string): Promise<string[]> {
  try {
    const json = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), 'utf8')) as Partial<CheckpointJson>;
    return [json.weights, json.optimizerFile].filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}

/** Removes model-/optimizer- files in dir other than `keep` (left by an interrupted save). */
export async function removeUnreferencedWeights(dir: string, keep: readonly string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    if (WEIGHT_FILE.test(f) && !keep.includes(f)) {
      await rm(join(dir, f), { force: true });
      removed.push(f);
    }
  }
  return removed;
}

/** Reads a whole file; a FileError names it when it cannot be read. */
async function readNamed(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw fileError('read', path, e);
  }
}

/** Parses a JSON file; the error names the file and says whether it is empty or truncated. */
export function parseJsonFile(path: string, text: string): unknown {
  if (text.trim() === '') throw new FileError(`${path} is empty (an interrupted write?)`, path, undefined);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FileError(`${path} is not valid JSON (${(e as Error).message})`, path, undefined);
  }
}

function decodeNamed(path: string, bytes: Uint8Array) {
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** A file name inside the checkpoint directory (no path separators, no '..'). */
function plainFileName(jsonPath: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || !/^[\w.-]+\.safetensors$/.test(v) || v.startsWith('.')) {
    throw new Error(`${jsonPath}: "${field}" must name a .safetensors file in its directory, got ${describeValue(v)}`);
  }
  return v;
}

/** Loads the checkpoint in dir, or null when there is none. Throws naming the file on a damaged one. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint | null> {
  const jsonPath = join(dir, CHECKPOINT_FILE);
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError('read', jsonPath, e);
  }
  const raw = parseJsonFile(jsonPath, text);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${jsonPath} must hold a JSON object, got ${describeValue(raw)}`);
  const json = raw as CheckpointJson;
  if (json.format !== FORMAT) throw new Error(`${jsonPath}: not a springloop checkpoint (format ${describeValue(json.format)})`);
  const files = {
    json: jsonPath,
    weights: join(dir, plainFileName(jsonPath, 'weights', json.weights)),
    optimizer: join(dir, plainFileName(jsonPath, 'optimizerFile', json.optimizerFile)),
  };
  if (!Array.isArray(json.optimizerStates) || !json.optimizerStates.every((s) => typeof s === 'string' && /^\w+$/.test(s))) {
    throw new Error(`${jsonPath}: "optimizerStates" must be a list of state names, got ${describeValue(json.optimizerStates)}`);
  }
  const weights = decodeNamed(files.weights, new Uint8Array(await readNamed(files.weights)));
  const opt = decodeNamed(files.optimizer, new Uint8Array(await readNamed(files.optimizer)));
  const optimizer: Record<string, Record<string, DecodedTensor>> = Object.fromEntries(json.optimizerStates.map((s) => [s, {}]));
  for (const [key, t] of Object.entries(opt.tensors)) {
    const dot = key.indexOf('.');
    const group = dot < 0 ? undefined : optimizer[key.slice(0, dot)];
    if (!group) throw new Error(`${files.optimizer}: unexpected tensor '${key}' (expected '<state>.<parameter>' with a state among ${json.optimizerStates.join(', ')})`);
    group[key.slice(dot + 1)] = t;
  }
  const { format: _f, weights: _w, optimizerFile: _of, optimizerStates: _os, ...rest } = json;
  return { ...rest, params: weights.tensors, optimizer, files, optimizerFileStep: opt.metadata?.step ?? null };
}
