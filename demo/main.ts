// main.ts — the demo page's entry: starts WebGPU (or explains what to do without it),
// builds the five panels, and exposes window.springloopDemo, a small hook that lets tests
// drive the page deterministically.

import { missingWebGpuReason, startGpu, type PageGpu } from './parts/gpu';
import { SystemPanel } from './parts/system-panel';
import { ExercisePanel } from './parts/exercise-panel';
import { TrainingPanel } from './parts/training-panel';
import { EnsemblePanel } from './parts/ensemble-panel';
import { VanishingPanel, type VanishingResult } from './parts/vanishing-panel';
import type { CellType } from '../src/model';
import { SLIDER_NAMES, type InputKind, type SliderName } from './parts/settings';
import type { Integrator } from '../src/physics/oscillator';

export interface DemoHook {
  /** Resolves once the first simulation is on screen, or with ok = false and the reason. */
  ready: Promise<{ ok: true; adapter: string } | { ok: false; reason: string }>;
  /** Sets a panel-1 slider (k, c, m, dt, duration, a, F, omega); resolves after the re-simulation. */
  setSlider(name: SliderName, value: number): Promise<void>;
  setInput(kind: InputKind): Promise<void>;
  setIntegrator(name: Integrator): Promise<void>;
  /** Resolves when panels 1 and 2 have caught up with every change (e.g. keyboard input). */
  settled(): Promise<void>;
  /** Panel 1's latest trajectory (every step). */
  trajectory(): { t: number[]; x: number[]; v: number[]; steps: number; integrator: string };
  /** Panel 2: runs the 2-unit RNN on the GPU (with the solution matrices unless told not to). */
  physicsRnnError(opts?: { solution?: boolean }): Promise<{ maxAbsError: number; maxAbsX: number; steps: number }>;
  /** Panel 2: the eigenvalues of W's recurrent part as shown (after the panel settles), and the verdict. */
  exerciseEigenvalues(): Promise<{ eigenvalues: [number, number][]; spectralRadius: number; verdict: string; text: string }>;
  /**
   * Panel 3: n more epochs (each `stepsPerEpoch` optimizer steps) of the current model
   * (built from the panel's settings if needed); per-epoch mean train and test losses.
   */
  trainEpochs(n: number): Promise<{ train: number[]; test: number[]; stepsPerEpoch: number }>;
  /** Panel 3's "Save model": the file it offers for download (the Forecaster's safetensors), as bytes. */
  saveModel(): Promise<{ name: string; bytes: number[] }>;
  /** Panel 5: trains RNN, LSTM and GRU for `rounds` rounds; the last curves, the batch and the weights. */
  vanishing(opts?: { cell?: CellType; scale?: number; rounds?: number }): Promise<VanishingResult>;
  /** Panel 4: n frames of the ensemble. */
  ensembleFrames(n: number): Promise<{ rate: number; t: number; finite: boolean }>;
}

declare global {
  interface Window {
    springloopDemo: DemoHook;
  }
}

const statusLine = document.getElementById('gpu-status')!;

function showMissing(reason: string): void {
  statusLine.textContent = 'WebGPU is not available.';
  statusLine.className = 'status bad';
  document.getElementById('no-webgpu-reason')!.textContent = reason;
  document.getElementById('no-webgpu')!.hidden = false;
  document.querySelectorAll('.panel').forEach((panel) => {
    panel.classList.add('disabled');
    panel.setAttribute('aria-disabled', 'true');
  });
}

async function start(): Promise<{ ok: true; adapter: string } | { ok: false; reason: string }> {
  const missing = missingWebGpuReason();
  if (missing) {
    showMissing(missing);
    return { ok: false, reason: missing };
  }
  let gpu: PageGpu;
  try {
    gpu = await startGpu();
  } catch (e) {
    const reason = `The browser has WebGPU but no usable GPU adapter: ${(e as Error).message}`;
    showMissing(reason);
    return { ok: false, reason };
  }
  statusLine.textContent = `Running on ${gpu.ctx.adapterName}${gpu.ctx.adapterKind === 'hardware' ? '' : ` (a ${gpu.ctx.adapterKind} adapter: correct, but slow)`}.`;
  statusLine.className = 'status ok';
  document.getElementById('adapter-name')!.textContent = gpu.ctx.adapterName;

  const system = new SystemPanel(gpu);
  const exercise = new ExercisePanel(gpu, system);
  const training = new TrainingPanel(gpu, system);
  const ensemble = new EnsemblePanel(gpu, system);
  const vanishing = new VanishingPanel(gpu);
  installHook(system, exercise, training, ensemble, vanishing);
  await system.changed();
  return { ok: true, adapter: gpu.ctx.adapterName };
}

function installHook(system: SystemPanel, exercise: ExercisePanel, training: TrainingPanel, ensemble: EnsemblePanel, vanishing: VanishingPanel): void {
  const hook = window.springloopDemo;
  hook.setSlider = async (name, value) => {
    if (!(SLIDER_NAMES as readonly string[]).includes(name)) throw new Error(`setSlider: unknown slider name=${String(name)}`);
    const el = document.getElementById(name) as HTMLInputElement;
    el.value = String(value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    await system.settled();
    await exercise.settled();
  };
  hook.setInput = async (kind) => {
    const radio = document.querySelector<HTMLInputElement>(`input[name="input"][value="${kind}"]`);
    if (!radio) throw new Error(`setInput: unknown input kind=${String(kind)}`);
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
    await system.settled();
    await exercise.settled();
  };
  hook.setIntegrator = async (name) => {
    const select = document.getElementById('integrator') as HTMLSelectElement;
    select.value = name;
    if (select.value !== name) throw new Error(`setIntegrator: unknown integrator name=${String(name)}`);
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await system.settled();
    await exercise.settled();
  };
  hook.settled = async () => {
    await system.settled();
    await exercise.settled();
  };
  hook.trajectory = () => {
    const run = system.run;
    if (!run) throw new Error('trajectory: no simulation has finished yet');
    return { t: Array.from(run.t), x: Array.from(run.x), v: Array.from(run.v), steps: run.steps, integrator: run.settings.integrator };
  };
  hook.physicsRnnError = (opts) => exercise.measure(opts?.solution ?? true);
  hook.exerciseEigenvalues = async () => {
    await exercise.settled();
    return { ...exercise.eigenvalues(), text: document.getElementById('rnn-eigen-readout')!.textContent ?? '' };
  };
  hook.trainEpochs = (n) => training.epochs(n);
  hook.saveModel = async () => {
    const file = await training.saveModel();
    return { name: file.name, bytes: Array.from(file.bytes) };
  };
  hook.ensembleFrames = (n) => ensemble.frames(n);
  hook.vanishing = (opts) => vanishing.train(opts);
}

const notStarted = () => Promise.reject(new Error('springloopDemo: the page has not started (see ready)'));
window.springloopDemo = {
  ready: Promise.resolve({ ok: false, reason: 'starting' }),
  setSlider: notStarted,
  setInput: notStarted,
  setIntegrator: notStarted,
  settled: notStarted,
  trajectory: () => {
    throw new Error('springloopDemo: the page has not started (see ready)');
  },
  physicsRnnError: notStarted,
  exerciseEigenvalues: notStarted,
  trainEpochs: notStarted,
  saveModel: notStarted,
  ensembleFrames: notStarted,
  vanishing: notStarted,
};
window.springloopDemo.ready = start().catch((e: Error) => {
  // A bug, not a missing feature: say so on the page and in the console.
  console.error(e);
  statusLine.textContent = `The demo failed to start: ${e.message}`;
  statusLine.className = 'status bad';
  return { ok: false as const, reason: e.message };
});
