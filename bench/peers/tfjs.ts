// tfjs.ts — peer: TensorFlow.js in Node training the seed workloads (tfjs-model.ts) on its
// 'webgpu' backend (@tensorflow/tfjs-backend-webgpu on dawn.node, pinned to the adapter
// springloop uses) and its 'wasm' backend (@tensorflow/tfjs-backend-wasm, .wasm files from
// node_modules); rows `peer/tfjs-<backend>/train_step/<cell>/seed`. The packages are
// devDependencies, loaded at run time; without them → skipped.
import { createRequire } from 'node:module';
import path from 'node:path';
import { exposeDawnAsNavigatorGpu, type PeerAdapter } from './dawn-navigator';
import { SEED_WORKLOADS, type PeerResult, type PeerSettings, type PeerWorkload } from './peer';
import { timeTfjsTrainStep, type Tf } from './tfjs-model';

export type { PeerAdapter } from './dawn-navigator';
export { dawnAdapterFlags } from './dawn-navigator';

/** TF.js backends the Node peer times. */
export type TfjsBackend = 'webgpu' | 'wasm';

/** What benchTfjs runs. */
export interface TfjsPeerOptions {
  backends?: readonly TfjsBackend[];
  workloads?: readonly PeerWorkload[];
  /** Untimed steps first (the first one compiles shaders / kernels). Default 2. */
  warmup?: number;
  /** Timed steps per model. Default 5. */
  runs?: number;
  /** Required for 'webgpu': tfjs gets a dawn.node GPU that yields this same adapter. */
  adapter?: PeerAdapter;
  seed?: number;
  log?: (line: string) => void;
}

const requireHere = createRequire(import.meta.url);

/** Times one training step per (backend, workload). */
export async function benchTfjs(opts: TfjsPeerOptions = {}): Promise<PeerResult> {
  const result: PeerResult = { rows: [], notes: [], settings: {} };
  let tf: Tf;
  try {
    tf = requireHere('@tensorflow/tfjs') as Tf;
  } catch (e) {
    result.notes.push(`tfjs: skipped: @tensorflow/tfjs is not installed (${firstLine(e)}); run \`npm ci\``);
    return result;
  }
  for (const backend of opts.backends ?? ['webgpu', 'wasm']) {
    const peer = `tfjs-${backend}`;
    try {
      const settings = await activate(tf, backend, opts.adapter);
      result.settings![peer] = settings;
      result.notes.push(`${peer}: ${Object.entries(settings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    } catch (e) {
      result.notes.push(`${peer}: skipped: ${firstLine(e)}`);
      continue;
    }
    for (const w of opts.workloads ?? SEED_WORKLOADS) {
      opts.log?.(`${peer}: ${w.name}…`);
      try {
        result.rows.push(await timeTfjsTrainStep(tf, peer, w, opts));
      } catch (e) {
        result.notes.push(`${peer}: ${w.name} failed: ${firstLine(e)}`);
      }
    }
    await release(tf, backend);
  }
  return result;
}

/** Registers (if needed) and selects a backend; returns its settings. */
async function activate(tf: Tf, backend: TfjsBackend, adapter: PeerAdapter | undefined): Promise<PeerSettings> {
  if (backend === 'webgpu') {
    if (!adapter) throw new Error('the webgpu peer needs the adapter springloop uses (option adapter)');
    const tfjsAdapter = await exposeDawnAsNavigatorGpu(adapter);
    requireHere('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' only if navigator.gpu exists
    if (!tf.findBackendFactory('webgpu')) throw new Error('tfjs-backend-webgpu did not register (was it loaded before navigator.gpu was set?)');
    await selectBackend(tf, backend);
    return { tfjs: tf.version.tfjs, backend: 'webgpu (dawn.node)', adapter: tfjsAdapter };
  }
  const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  // In Node the .wasm binaries are read from a path prefix (trailing slash required).
  const wasmDir = path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  await selectBackend(tf, backend);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { tfjs: tf.version.tfjs, backend: 'wasm', simd: simd ? 'on' : 'off', threads: threads ? 'on' : 'off (single-threaded)' };
}

async function selectBackend(tf: Tf, backend: TfjsBackend): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
}

/** Frees the backend; for webgpu also destroys its device so the Node process can exit. */
async function release(tf: Tf, backend: TfjsBackend): Promise<void> {
  const device = backend === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  tf.removeBackend(backend);
  device?.destroy();
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
