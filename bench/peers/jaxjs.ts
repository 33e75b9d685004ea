// jaxjs.ts — peer: jax-js (@jax-js/jax, a devDependency) in Node training the seed workloads
// (jaxjs-model.ts) on its 'webgpu' device — dawn.node set as navigator.gpu, pinned to
// springloop's adapter — and its 'wasm' device (single-threaded in Node: its worker pool needs
// Web Workers, which Node lacks); rows `peer/jaxjs-<backend>/train_step/<cell>/seed`. Every
// workload is validated (first loss = the float64 reference's, loss falls over the steps)
// before its row counts. jax-js keeps one WebGPU device per process; it is destroyed after the
// webgpu rows so the process can exit, so the webgpu peer runs once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Jax from '@jax-js/jax';
import { exposeDawnAsNavigatorGpu, type PeerAdapter } from './dawn-navigator';
import { SEED_WORKLOADS, type PeerResult, type PeerSettings, type PeerWorkload } from './peer';
import { timeJaxTrainStep } from './jaxjs-model';
import { firstLine } from './tfjs';

/** jax-js devices the Node peer times. */
export type JaxBackend = 'webgpu' | 'wasm';

/** What benchJaxjs runs. */
export interface JaxPeerOptions {
  backends?: readonly JaxBackend[];
  workloads?: readonly PeerWorkload[];
  /** Steps per workload, all validated; the first (compile) and `warmup` more are not timed. Default 50. */
  steps?: number;
  warmup?: number;
  /** Required for 'webgpu': jax-js gets a dawn.node GPU that yields this same adapter. */
  adapter?: PeerAdapter;
  log?: (line: string) => void;
}

let webgpuReleased = false;

/** Times a training step per (backend, workload). */
export async function benchJaxjs(opts: JaxPeerOptions = {}): Promise<PeerResult> {
  const result: PeerResult = { rows: [], notes: [], settings: {} };
  let jax: typeof Jax;
  try {
    const specifier = '@jax-js/jax'; // a variable: loaded at run time, not bundled into dist/
    jax = (await import(/* @vite-ignore */ specifier)) as typeof Jax;
  } catch (e) {
    result.notes.push(`jaxjs: skipped: @jax-js/jax is not installed (${firstLine(e)}); run \`npm ci\``);
    return result;
  }
  for (const backend of opts.backends ?? ['webgpu', 'wasm']) {
    const peer = `jaxjs-${backend}`;
    try {
      result.settings![peer] = await activate(jax, backend, opts.adapter);
      result.notes.push(`${peer}: ${Object.entries(result.settings![peer]!).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    } catch (e) {
      result.notes.push(`${peer}: skipped: ${firstLine(e)}`);
      continue;
    }
    for (const w of opts.workloads ?? SEED_WORKLOADS) {
      opts.log?.(`${peer}: ${w.name} (validating and timing ${opts.steps ?? 50} steps)…`);
      try {
        result.rows.push(await timeJaxTrainStep(jax, peer, w, { steps: opts.steps, warmup: opts.warmup }));
      } catch (e) {
        result.notes.push(`${peer}: ${w.name} failed: ${firstLine(e)}`);
      }
    }
    if (backend === 'webgpu') {
      jax.getWebGPUDevice().destroy(); // else the Node process never exits
      webgpuReleased = true;
    }
  }
  return result;
}

/** Starts a jax-js device and makes it the default; returns its settings. */
async function activate(jax: typeof Jax, backend: JaxBackend, adapter: PeerAdapter | undefined): Promise<PeerSettings> {
  const version = jaxVersion();
  if (backend === 'webgpu') {
    if (webgpuReleased) throw new Error('jax-js WebGPU already ran in this process (its device was released)');
    if (!adapter) throw new Error('the webgpu peer needs the adapter springloop uses (option adapter)');
    const name = await exposeDawnAsNavigatorGpu(adapter);
    if (!(await jax.init('webgpu')).includes('webgpu')) throw new Error('jax-js found no WebGPU device');
    jax.defaultDevice('webgpu');
    return { jaxjs: version, backend: 'webgpu (dawn.node)', adapter: name, jit: 'whole step' };
  }
  if (!(await jax.init('wasm')).includes('wasm')) throw new Error('jax-js could not start its wasm backend');
  jax.defaultDevice('wasm');
  const threads = typeof Worker === 'undefined' ? 'off (single-threaded: Node has no Web Worker)' : 'on';
  return { jaxjs: version, backend: 'wasm', threads, jit: 'whole step' };
}

/** The installed @jax-js/jax version (its package.json is not exported, so read beside its entry). */
function jaxVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@jax-js/jax');
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
