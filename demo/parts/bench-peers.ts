// bench-peers.ts — the bench page's peers, in the same Chromium as springloop: TensorFlow.js on
// its WebGPU backend and jax-js on its WebGPU device, training the same workloads as
// springloop's train_step rows (bench/peers/tfjs-model.ts, bench/peers/jaxjs-model.ts), each
// on its own GPUDevice from this page's navigator.gpu. Loaded on demand (a separate chunk:
// the libraries are large). Returns rows `peer/<peer>/train_step/<cell>/<shape>` and the settings
// each peer ran with, for the page's ratio table.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import * as jax from '@jax-js/jax';
import type { BenchRow } from '../../bench/stats';
import type { PeerSettings, PeerWorkload } from '../../bench/peers/peer';
import { timeTfjsTrainStep, type Tf } from '../../bench/peers/tfjs-model';
import { timeJaxTrainStep } from '../../bench/peers/jaxjs-model';

/** Peers the page runs. */
export type PagePeer = 'tfjs-webgpu' | 'jaxjs-webgpu';

/** What the page's peers produced. */
export interface PagePeersResult {
  rows: BenchRow[];
  settings: Record<string, PeerSettings>;
  /** One line per peer that could not run. */
  notes: string[];
}

/** Sizes of the peers' runs: TF.js timed steps, jax-js validated steps (all read back). */
export interface PagePeerSizes {
  tfjsRuns: number;
  jaxSteps: number;
}

/** Runs both peers on every workload, one after another; a failing peer becomes a note. */
export async function runPagePeers(workloads: readonly PeerWorkload[], sizes: PagePeerSizes, log: (line: string) => void): Promise<PagePeersResult> {
  const result: PagePeersResult = { rows: [], settings: {}, notes: [] };
  const attempt = async (peer: PagePeer, start: () => Promise<PeerSettings>, time: (w: PeerWorkload) => Promise<BenchRow>) => {
    try {
      result.settings[peer] = await start();
      for (const w of workloads) {
        log(`${peer}: ${w.name}…`);
        result.rows.push(await time(w));
      }
    } catch (e) {
      result.notes.push(`${peer}: ${(e as Error).message}`);
    }
  };
  await attempt('tfjs-webgpu', startTfjs, (w) => timeTfjsTrainStep(tf as unknown as Tf, 'tfjs-webgpu', w, { runs: sizes.tfjsRuns, warmup: 2 }));
  await attempt('jaxjs-webgpu', startJax, (w) => timeJaxTrainStep(jax, 'jaxjs-webgpu', w, { steps: sizes.jaxSteps, warmup: 1 }));
  return result;
}

async function startTfjs(): Promise<PeerSettings> {
  if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
  await tf.ready();
  return { tfjs: tf.version.tfjs, backend: 'webgpu (Chromium)', adapter: await adapterName() };
}

async function startJax(): Promise<PeerSettings> {
  if (!(await jax.init('webgpu')).includes('webgpu')) throw new Error('jax-js found no WebGPU device');
  jax.defaultDevice('webgpu');
  return { jaxjs: JAX_VERSION, backend: 'webgpu (Chromium)', adapter: await adapterName(), jit: 'whole step' };
}

/** The adapter the libraries get (they ask for high-performance, as here). */
async function adapterName(): Promise<string> {
  const info = (await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }))?.info;
  return info?.description || [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown';
}

// jax-js does not export its version; the build pins it from package.json (scripts/build.mjs).
declare const __JAXJS_VERSION__: string | undefined;
const JAX_VERSION = typeof __JAXJS_VERSION__ === 'string' ? __JAXJS_VERSION__ : 'unknown';
