// analyze-sources.ts — what `springloop analyze` analyses: a saved model with its run's data
// (or --dataset), or the exercise's physics RNN — each as a model on the GPU, a batch of input
// sequences with the loss of its gradient norms, and a description for analysis.json.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Scheduler } from '../gpu/scheduler';
import type { GpuTensor } from '../gpu/tensor';
import { RecurrentModel } from '../model/recurrent-model';
import type { LossTarget } from '../model/options';
import { physicsRnn, physicsRnnTheory, type PhysicsRnnOptions } from '../physics-rnn';
import { decodeSafetensors } from '../io/safetensors';
import { TRAINED_CELLS, mergeConfig, type TrainConfig, type TrainedCellName } from '../train/config';
import { modelConfigFor, planRun, type RunPlan } from '../train/plan';
import { GpuWindows, materializeDataset } from '../data/gpu-data';
import { requireInteger } from '../util/check';

/** A model ready to analyse and what to feed it. */
export interface AnalysisSource {
  model: RecurrentModel;
  x: GpuTensor;
  h0: GpuTensor | null;
  target: LossTarget;
  /** Default constant input of the fixed points. */
  input: number[];
  source: string;
  loss: string;
  theory?: unknown;
  destroy(): void;
}

/** The saved model's run settings: DIR/config.json beside the weights, --dataset overriding. */
export async function savedModelPlan(file: string, dataset?: string): Promise<{ plan: RunPlan; cell: TrainedCellName; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new Error(`--model ${file}: cannot read it (${(e as Error).message})`);
  }
  const meta = decodeSafetensors(bytes).metadata ?? {};
  const cell = (meta.cell ?? basename(file).replace(/\.safetensors$/, '')) as TrainedCellName;
  if (!(TRAINED_CELLS as readonly string[]).includes(cell)) {
    const why = (cell as string) === 'esn' ? ': an echo state network is not trained through time, so it has no gradients to analyse' : '';
    throw new Error(`--model ${file}: cannot tell its cell (metadata 'cell' or a file name rnn|lstm|gru.safetensors), got '${cell}'${why}`);
  }
  const configPath = join(dirname(file), 'config.json');
  let saved: Partial<TrainConfig>;
  try {
    saved = JSON.parse(await readFile(configPath, 'utf8')) as Partial<TrainConfig>;
  } catch (e) {
    throw new Error(`--model ${file}: needs the run's ${configPath} for its sizes and data (${(e as Error).message})`);
  }
  const config = mergeConfig({ ...saved, out: null, adapter: null, cells: [cell] }, dataset === undefined ? {} : { dataset });
  return { plan: planRun(config), cell, bytes };
}

/** A saved model on the first `sequences` test windows of its data. */
export async function savedModelSource(sched: Scheduler, file: string, sequences: number, dataset?: string): Promise<AnalysisSource> {
  const { plan, cell, bytes } = await savedModelPlan(file, dataset);
  const traj = await materializeDataset(sched, plan.spec);
  const data = new GpuWindows(sched, traj, plan.windows, plan.features);
  await data.prepare();
  data.recordSetup();
  const B = Math.min(requireInteger('--sequences', sequences, { min: 1 }), data.testCount);
  const batch = data.createBatch(B, 'analysis');
  data.recordBatch('test', 0, B, batch);
  const config = modelConfigFor(plan, cell);
  const model = await RecurrentModel.create(sched, config);
  model.loadSafetensors(bytes);
  const target: LossTarget = plan.loss === 'cross_entropy'
    ? { kind: 'cross_entropy', labels: batch.labels! }
    : { kind: 'mse', target: { ...batch.y, shape: [...batch.y.shape, config.outputSize] } };
  return {
    model, x: batch.x, h0: null, target, input: new Array<number>(config.inputSize).fill(0),
    source: `${file} on ${B} test windows of ${plan.spec.description}`, loss: `${plan.loss} of the run's targets`,
    destroy: () => { model.destroy(); data.destroy(); traj.destroy(); },
  };
}

/** The exercise's physics RNN from h0 = (1, 0) under constant u for `steps` steps. */
export async function physicsSource(sched: Scheduler, o: PhysicsRnnOptions, u: number, steps: number): Promise<AnalysisSource> {
  const theory = physicsRnnTheory(o, u); // checks k, c, dt, u
  const T = requireInteger('--steps', steps, { min: 1 });
  const model = await physicsRnn(sched, o);
  const x = sched.createTensor([1, T, 1], 'f32', 'u', new Float32Array(T).fill(u));
  const h0 = sched.createTensor([1, 1, 2], 'f32', 'h0', [1, 0]);
  const zero = sched.createTensor([1, T, 1], 'f32', 'zero target', new Float32Array(T));
  return {
    model, x, h0, target: { kind: 'mse', target: zero }, input: [u],
    source: `physics RNN k ${o.k}, c ${o.c}, dt ${o.dt}, u ${u}, h0 (1, 0), ${T} steps`, loss: 'mean over t of x_t² (every step)', theory,
    destroy: () => { model.destroy(); for (const t of [x, h0, zero]) sched.destroyBuffer(t.buffer); },
  };
}
