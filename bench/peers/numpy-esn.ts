// numpy-esn.ts — peer: the textbook echo state network in NumPy with its BLAS (Debian:
// python3-numpy + libopenblas0-pthread), bench/peers/numpy_esn.py. springloop exports its own
// reservoir (W after spectral scaling, W_in, b, leak, washout) and the series' inputs and targets
// as .npy files in a temporary directory; the peer drives, fits and predicts in float64 and
// writes its readout and predictions back, which must match springloop's (float32) before its
// times count. The interpreter is found as for the PyTorch peer (env SPRINGLOOP_PYTHON, python3,
// /usr/bin/python3), the first that imports numpy.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeNpy, encodeNpyFloat32 } from '../../src/io/npy';
import type { ReservoirExport } from '../../src/esn/esn';
import { findScript, firstWithModule, pythonCandidates, runPython } from './torch';
import { classifyBlas, type BlasInfo } from './blas';

const SCRIPT = 'bench/peers/numpy_esn.py';

/** What the peer is fed besides the reservoir. */
export interface NumpyEsnTask {
  reservoir: ReservoirExport;
  ridge: number;
  rows: number;
  samples: number;
  /** Design rows s ∈ [washout, fitEnd − 1) of each row fit the readout; windows are predicted from row start + predOffset. */
  fitEnd: number;
  predOffset: number;
  /** inputs [rows·samples, F], targets [rows·samples], window starts [n] (springloop's, float32). */
  inputs: Float32Array;
  targets: Float32Array;
  starts: Uint32Array;
  runs: number;
}

/** The peer's answer: its readout, predictions and per-run times. */
export interface NumpyEsnResult {
  readout: Float64Array;
  pred: Float64Array;
  runs: { drive_ms: number; fit_ms: number; predict_ms: number }[];
  numpy: string;
  /** The BLAS the peer's process loaded (from its mapped libraries). */
  blas: BlasInfo;
  threads: string;
  python: string;
}

/** The first interpreter that imports numpy, or null (then the peer is skipped with a note). */
export function numpyPython(): Promise<string | null> {
  return firstWithModule(runPython, pythonCandidates(), process.env, 'numpy');
}

/** Runs the peer on a task (files in a temporary directory, removed afterwards). */
export async function runNumpyEsn(python: string, task: NumpyEsnTask): Promise<NumpyEsnResult> {
  const script = findScript(SCRIPT);
  if (!script) throw new Error(`numpy-esn: ${SCRIPT} not found`);
  const dir = await mkdtemp(path.join(tmpdir(), 'springloop-numpy-esn-'));
  try {
    const r = task.reservoir;
    const file = (name: string, data: ArrayLike<number>, shape: number[]) => writeFile(path.join(dir, name), encodeNpyFloat32(data, shape));
    await file('w.npy', r.w, [r.units, r.units]);
    await file('win.npy', r.win, [r.units, r.features]);
    await file('bias.npy', r.bias, [r.units]);
    await file('inputs.npy', task.inputs, [task.rows * task.samples, r.features]);
    await file('targets.npy', task.targets, [task.rows * task.samples]);
    await file('starts.npy', task.starts, [task.starts.length]);
    const manifest = {
      units: r.units, features: r.features, leak: r.leak, washout: r.washout, ridge: task.ridge,
      rows: task.rows, samples: task.samples, fit_end: task.fitEnd, pred_offset: task.predOffset, runs: task.runs,
    };
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const stdout = await runPython(python, [script, dir], process.env);
    const { blas_libraries: libraries, ...last } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Omit<NumpyEsnResult, 'readout' | 'pred' | 'python' | 'blas'> & { blas_libraries: string[] };
    const load = async (name: string) => Float64Array.from(decodeNpy(new Uint8Array(await readFile(path.join(dir, name)))).data);
    return { ...last, blas: classifyBlas(libraries ?? []), readout: await load('peer_readout.npy'), pred: await load('peer_pred.npy'), python };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
