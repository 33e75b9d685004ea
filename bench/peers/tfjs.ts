// tfjs.ts — peer: TensorFlow.js training the lectures' Keras-style models (SEED_CONFIG:
// 2 stacked recurrent layers of 64, Dense(1) on the last step, MSE, Adam 1e-3, batch 32,
// seq 50, input 1) for SimpleRNN, LSTM and GRU; one timed unit = one `trainOnBatch`, which
// reads the loss back, so every step ends with the device idle.
// Backends: 'webgpu' (@tensorflow/tfjs-backend-webgpu on dawn.node, pinned to the adapter
// springloop uses) and 'wasm' (@tensorflow/tfjs-backend-wasm, .wasm files from node_modules).
// Node only. The packages are devDependencies, loaded at run time; without them → skipped.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Random } from '../../src/util/random';
import { summarize, timeRuns } from '../stats';
import { PEER_CELLS, SEED_CONFIG, seedBatch, type PeerCell, type PeerResult } from './peer';

// The slice of the tfjs API used here, typed locally: tfjs's own declarations pull in an
// old @webgpu/types and DOM typings that clash with the project's.
interface TfTensor {
  dispose(): void;
}
interface TfModel {
  add(layer: unknown): void;
  compile(args: { optimizer: unknown; loss: string }): void;
  trainOnBatch(x: TfTensor, y: TfTensor): Promise<number | number[]>;
  dispose(): unknown;
}
interface Tf {
  version: { tfjs: string };
  sequential(): TfModel;
  layers: Record<'simpleRNN' | 'lstm' | 'gru' | 'dense', (config: object) => unknown>;
  train: { adam(learningRate: number): unknown };
  tensor3d(values: Float32Array, shape: [number, number, number]): TfTensor;
  tensor2d(values: Float32Array, shape: [number, number]): TfTensor;
  dispose(tensors: TfTensor[]): void;
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  findBackendFactory(name: string): unknown;
  env(): { getAsync(flag: string): Promise<unknown> };
  backend(): unknown;
  removeBackend(name: string): void;
}

export type TfjsBackend = 'webgpu' | 'wasm';

/** The adapter springloop runs on: name as GpuContext.adapterName, kind as adapterKind. */
export interface PeerAdapter {
  name: string;
  kind: string;
}

export interface TfjsPeerOptions {
  backends?: readonly TfjsBackend[];
  cells?: readonly PeerCell[];
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

// dawn.node GPU instance handed to tfjs: referenced for the whole process, since a
// collected instance with live devices crashes Node (see src/gpu/device.ts).
let dawnGpuForTfjs: GPU | null = null;

/** Times one training step per (backend, cell); rows `peer/tfjs-<backend>/train_step/<cell>/seed`. */
export async function benchTfjs(opts: TfjsPeerOptions = {}): Promise<PeerResult> {
  const result: PeerResult = { rows: [], notes: [] };
  let tf: Tf;
  try {
    tf = requireHere('@tensorflow/tfjs') as Tf;
  } catch (e) {
    result.notes.push(`tfjs: skipped: @tensorflow/tfjs is not installed (${firstLine(e)}); run \`npm ci\``);
    return result;
  }
  for (const backend of opts.backends ?? ['webgpu', 'wasm']) {
    try {
      const detail = await activate(tf, backend, opts.adapter);
      result.notes.push(`tfjs-${backend}: tfjs ${tf.version.tfjs}, ${detail}`);
    } catch (e) {
      result.notes.push(`tfjs-${backend}: skipped: ${firstLine(e)}`);
      continue;
    }
    for (const cell of opts.cells ?? PEER_CELLS) {
      opts.log?.(`tfjs-${backend}: ${cell} training step…`);
      try {
        result.rows.push(await timeTrainStep(tf, backend, cell, opts));
      } catch (e) {
        result.notes.push(`tfjs-${backend}: ${cell} failed: ${firstLine(e)}`);
      }
    }
    await release(tf, backend);
  }
  return result;
}

/** Registers (if needed) and selects a backend; returns a one-line description of it. */
async function activate(tf: Tf, backend: TfjsBackend, adapter: PeerAdapter | undefined): Promise<string> {
  if (backend === 'webgpu') {
    if (!adapter) throw new Error('the webgpu peer needs the adapter springloop uses (option adapter)');
    const tfjsAdapter = await exposeDawnAsNavigatorGpu(adapter);
    requireHere('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' only if navigator.gpu exists
    if (!tf.findBackendFactory('webgpu')) throw new Error('tfjs-backend-webgpu did not register (was it loaded before navigator.gpu was set?)');
    await selectBackend(tf, backend);
    return `adapter '${tfjsAdapter}'`;
  }
  const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  // In Node the .wasm binaries are read from a path prefix (trailing slash required).
  const wasmDir = path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  await selectBackend(tf, backend);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return `simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off (single-threaded)'}`;
}

async function selectBackend(tf: Tf, backend: TfjsBackend): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
}

/**
 * Gives tfjs-backend-webgpu what it looks for in a browser: `navigator.gpu` and the
 * GPUBufferUsage/GPUMapMode/… constants. The GPU is a dawn.node instance created with the
 * flags that select springloop's adapter; returns its adapter's name after checking it.
 */
async function exposeDawnAsNavigatorGpu(adapter: PeerAdapter): Promise<string> {
  const specifier = 'webgpu'; // a variable, so esbuild leaves dawn.node external
  const dawn = (await import(/* @vite-ignore */ specifier)) as { create(flags: string[]): GPU; globals: Record<string, unknown> };
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in scope)) scope[name] = value;
  dawnGpuForTfjs ??= dawn.create(dawnAdapterFlags(adapter.kind));
  const navigator = scope.navigator as object | undefined;
  if (navigator) Object.defineProperty(navigator, 'gpu', { value: dawnGpuForTfjs, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawnGpuForTfjs }, configurable: true, writable: true });
  // tfjs requests its adapter exactly like this; an adapter is single-use, so probe a twin.
  const probe = await dawnGpuForTfjs.requestAdapter({ powerPreference: 'high-performance' });
  const name = probe?.info.description ?? '';
  if (!name || !adapter.name.includes(name)) {
    throw new Error(`tfjs would get adapter '${name || 'none'}', not springloop's '${adapter.name}'`);
  }
  return name;
}

/** dawn.node `create()` flags selecting an adapter of this kind (as src/gpu/device.ts does). */
export function dawnAdapterFlags(kind: string): string[] {
  if (kind === 'lavapipe') return ['adapter=llvmpipe'];
  if (kind === 'swiftshader') return ['adapter=SwiftShader']; // device.ts has added its ICD
  return [];
}

/** Builds the seed model on the active backend, warms up, times `runs` trainOnBatch calls. */
async function timeTrainStep(tf: Tf, backend: TfjsBackend, cell: PeerCell, opts: TfjsPeerOptions) {
  const { batch, steps, inputSize } = SEED_CONFIG;
  const data = seedBatch(new Random(opts.seed ?? 1234));
  const x = tf.tensor3d(data.x, [batch, steps, inputSize]);
  const y = tf.tensor2d(data.y, [batch, 1]);
  const model = withoutInitializerWarnings(() => buildSeedModel(tf, cell));
  try {
    const step = async () => {
      const loss = await model.trainOnBatch(x, y);
      const value = Array.isArray(loss) ? loss[0]! : loss;
      if (!Number.isFinite(value)) throw new Error(`tfjs-${backend} ${cell}: training loss is ${value}`);
    };
    const t0 = performance.now();
    await step(); // first step: shader compilation / kernel setup
    const firstStepMs = performance.now() - t0;
    const runs = opts.runs ?? 5;
    const times = await timeRuns(step, { warmup: Math.max(0, (opts.warmup ?? 2) - 1), minRuns: runs, maxRuns: runs, minMs: 0 });
    return summarize(`peer/tfjs-${backend}/train_step/${cell}/seed`, times, 'steps/s', 1, {
      first_step_ms: Math.round(firstStepMs),
      model: `tf.layers ${LAYER_OF[cell]}×${SEED_CONFIG.layers}(${SEED_CONFIG.hidden}) + dense(1), adam ${SEED_CONFIG.learningRate}, B${batch} T${steps}`,
    });
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

const LAYER_OF = { rnn: 'simpleRNN', lstm: 'lstm', gru: 'gru' } as const;

/** Keras-style: [recurrent(64, all steps), recurrent(64, last step)], dense(1); MSE, Adam. */
function buildSeedModel(tf: Tf, cell: PeerCell): TfModel {
  const { steps, inputSize, hidden, layers, learningRate } = SEED_CONFIG;
  const model = tf.sequential();
  for (let l = 0; l < layers; l++) {
    const config = { units: hidden, returnSequences: l < layers - 1, ...(l === 0 ? { inputShape: [steps, inputSize] } : {}) };
    model.add(tf.layers[LAYER_OF[cell]](config));
  }
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' });
  return model;
}

/** tfjs warns on every orthogonal (Keras default recurrent) init of > 2000 elements. */
function withoutInitializerWarnings<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('Orthogonal initializer')) warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** Frees the backend; for webgpu also destroys its device so the Node process can exit. */
async function release(tf: Tf, backend: TfjsBackend): Promise<void> {
  const device = backend === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  tf.removeBackend(backend);
  device?.destroy();
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
