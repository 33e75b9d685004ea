// checkpoint.ts — save and resume one cell's training: weights as safetensors (PyTorch
// state_dict names, loadable with safetensors.torch.load_file), optimizer state (Adam's m and
// v, or SGD's momentum buffer) as a second safetensors file with names '<state>.<param>', and
// checkpoint.json with the config, epoch, optimizer step, history and data statistics.
// Every file is written to a temporary name and renamed; the weight files carry the epoch in
// their names and checkpoint.json (renamed last) points at them, so an interrupted save never
// leaves a checkpoint whose parts disagree — the previous one stays valid until the rename.
import { mkdir, readFile, rename, rm, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type Float32Tensor } from '../../io/safetensors';

export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'springloop-checkpoint-1';

/** Everything needed to continue a run exactly where it stopped (at an epoch boundary). */
export interface CheckpointState {
  /** The run's configuration (resume checks that it matches). */
  config: Record<string, unknown>;
  cell: string;
  /** Epochs completed. */
  epoch: number;
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

interface CheckpointJson extends Omit<CheckpointState, 'params' | 'optimizer'> {
  format: string;
  weights: string;
  optimizerFile: string;
  optimizerStates: string[];
}

/** Writes bytes to path via a temporary file and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Saves a checkpoint into dir (created if needed); older weight files are removed afterwards. */
export async function saveCheckpoint(dir: string, state: CheckpointState): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tag = `e${String(state.epoch).padStart(5, '0')}`;
  const weights = `model-${tag}.safetensors`;
  const optimizerFile = `optimizer-${tag}.safetensors`;
  const flat: Record<string, Float32Tensor> = {};
  for (const [stateName, tensors] of Object.entries(state.optimizer)) {
    for (const [name, t] of Object.entries(tensors)) flat[`${stateName}.${name}`] = t;
  }
  await writeFileAtomic(join(dir, weights), encodeSafetensors(state.params, { format: 'pt' }));
  await writeFileAtomic(join(dir, optimizerFile), encodeSafetensors(flat, { step: String(state.step) }));
  const { params: _p, optimizer: _o, ...rest } = state;
  const json: CheckpointJson = { format: FORMAT, ...rest, weights, optimizerFile, optimizerStates: Object.keys(state.optimizer) };
  await writeFileAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify(json, null, 1));
  for (const f of await readdir(dir)) {
    if (/^(model|optimizer)-e\d+\.safetensors$/.test(f) && f !== weights && f !== optimizerFile) await rm(join(dir, f), { force: true });
  }
}

/** Loads the checkpoint in dir, or null when there is none. Throws on a damaged one. */
export async function loadCheckpoint(dir: string): Promise<CheckpointState | null> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const json = JSON.parse(text) as CheckpointJson;
  if (json.format !== FORMAT) throw new Error(`${join(dir, CHECKPOINT_FILE)}: not a springloop checkpoint (format '${String(json.format)}')`);
  const weights = decodeSafetensors(new Uint8Array(await readFile(join(dir, json.weights))));
  const opt = decodeSafetensors(new Uint8Array(await readFile(join(dir, json.optimizerFile))));
  const params: Record<string, Float32Tensor> = {};
  for (const [name, t] of Object.entries(weights.tensors)) params[name] = { shape: t.shape, data: t.data };
  const optimizer: Record<string, Record<string, Float32Tensor>> = Object.fromEntries(json.optimizerStates.map((s) => [s, {}]));
  for (const [key, t] of Object.entries(opt.tensors)) {
    const dot = key.indexOf('.');
    const group = optimizer[key.slice(0, dot)];
    if (dot < 0 || !group) throw new Error(`${json.optimizerFile}: unexpected tensor '${key}'`);
    group[key.slice(dot + 1)] = { shape: t.shape, data: t.data };
  }
  const { format: _f, weights: _w, optimizerFile: _of, optimizerStates: _os, ...rest } = json;
  return { ...rest, params, optimizer };
}
