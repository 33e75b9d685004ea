// tfjs-model.ts — peer: TensorFlow.js training a PeerWorkload as its users would, with
// tf.layers: Keras-style [recurrent(H, all steps)…, recurrent(H, last step)], dense(1), MSE,
// Adam(lr), for SimpleRNN, LSTM and GRU. One timed unit = one `trainOnBatch`, which reads the
// loss back, so every step ends with the device idle. Browser-safe: the caller passes the
// loaded tfjs module with its backend selected (Node: tfjs.ts; the bench page).
import { Random } from '../../src/util/random';
import { summarize, timeRuns, type BenchRow } from '../stats';
import { peerBatch, type PeerCell, type PeerWorkload } from './peer';

// The slice of the tfjs API used here, typed locally: tfjs's own declarations pull in an
// old @webgpu/types and DOM typings that clash with the project's.
/** The slice of a tf.Tensor used here. */
export interface TfTensor {
  dispose(): void;
}
/** The slice of a tf.Sequential model used here. */
export interface TfModel {
  add(layer: unknown): void;
  compile(args: { optimizer: unknown; loss: string }): void;
  trainOnBatch(x: TfTensor, y: TfTensor): Promise<number | number[]>;
  dispose(): unknown;
}
/** What tfjs-model.ts and tfjs.ts call on the `@tensorflow/tfjs` module. */
export interface Tf {
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

/** How many steps timeTfjsTrainStep warms up and times. */
export interface TfjsTrainOptions {
  /** Untimed steps first (the first one compiles shaders / kernels). Default 2. */
  warmup?: number;
  /** Timed steps. Default 5. */
  runs?: number;
  seed?: number;
}

const LAYER_OF: Record<PeerCell, 'simpleRNN' | 'lstm' | 'gru'> = { rnn: 'simpleRNN', lstm: 'lstm', gru: 'gru' };

/** Builds the workload's model on tfjs's active backend, warms up, times `runs` trainOnBatch calls. */
export async function timeTfjsTrainStep(tf: Tf, peer: string, w: PeerWorkload, opts: TfjsTrainOptions = {}): Promise<BenchRow> {
  const data = peerBatch(w, new Random(opts.seed ?? 1234));
  const x = tf.tensor3d(data.x, [w.batch, w.steps, w.inputSize]);
  const y = tf.tensor2d(data.y, [w.batch, 1]);
  const model = withoutInitializerWarnings(() => buildModel(tf, w));
  try {
    const step = async () => {
      const loss = await model.trainOnBatch(x, y);
      const value = Array.isArray(loss) ? loss[0]! : loss;
      if (!Number.isFinite(value)) throw new Error(`${peer} ${w.name}: training loss is ${value}`);
    };
    const t0 = performance.now();
    await step(); // first step: shader compilation / kernel setup
    const firstStepMs = performance.now() - t0;
    const runs = opts.runs ?? 5;
    const times = await timeRuns(step, { warmup: Math.max(0, (opts.warmup ?? 2) - 1), minRuns: runs, maxRuns: runs, minMs: 0 });
    return summarize(`peer/${peer}/${w.name}`, times, 'steps/s', 1, {
      first_step_ms: Math.round(firstStepMs),
      model: `tf.layers ${LAYER_OF[w.cell]}×${w.layers}(${w.hidden}) + dense(1), adam ${w.learningRate}, B${w.batch} T${w.steps}`,
    });
  } finally {
    model.dispose();
    tf.dispose([x, y]);
  }
}

/** Keras-style: [recurrent(H, all steps)…, recurrent(H, last step)], dense(1); MSE, Adam. */
function buildModel(tf: Tf, w: PeerWorkload): TfModel {
  const model = tf.sequential();
  for (let l = 0; l < w.layers; l++) {
    const config = { units: w.hidden, returnSequences: l < w.layers - 1, ...(l === 0 ? { inputShape: [w.steps, w.inputSize] } : {}) };
    model.add(tf.layers[LAYER_OF[w.cell]](config));
  }
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(w.learningRate), loss: 'meanSquaredError' });
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
