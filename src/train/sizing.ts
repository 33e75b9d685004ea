// sizing.ts — the memory and disk a `springloop train` run needs, estimated from its settings
// before anything is allocated, each need naming the flags that set it (src/util/sizes.ts
// formats and checks them). Two stages: the data set, from the config alone (planRun builds
// per-row tables, so it is checked first), then, from the plan, the parameters, optimizer
// state, workspaces, loss history and checkpoints. Pure arithmetic apart from
// checkTrainDevice, which reads the device's limits.
import type { Scheduler } from '../gpu/scheduler';
import { datasetShape } from '../data/datasets';
import { modelParamShapes } from '../model/params';
import { checkWorkspaceLimits } from '../model/workspace';
import { planWorkspace, plannedTensors } from '../model/workspace-plan';
import { numel } from '../gpu/tensor';
import { stateNames } from '../kernels/optim';
import { checkDeviceNeeds, type MemoryNeed } from '../util/sizes';
import type { TrainConfig, TrainedCellName } from './config';
import { esnDeviceNeeds, esnFileBytes, esnHostNeeds } from '../esn/sizing';
import { modelConfigFor, type RunPlan } from './plan';
import { EVAL_BATCH } from './session';


/** Host bytes per sample of the data set beyond its channels: a window start (u32), its shuffle slot (f64). */
const HOST_BYTES_PER_SAMPLE = 4 + 8;

function dataCause(c: TrainConfig): string {
  if (c.dataset === 'ensemble' || c.dataset === 'regime') return `--rows ${datasetShape({ name: c.dataset, rows: c.rows, seq: c.seq }).rows}${c.dataset === 'regime' ? ` --seq ${c.seq}` : ''}`;
  return `--dataset ${c.dataset}`;
}

/** Host memory for the data set and its windows: checked before planRun builds them. */
export function datasetHostNeeds(c: TrainConfig): MemoryNeed[] {
  const { rows, samples, channels } = datasetShape({ name: c.dataset, rows: c.rows, seq: c.seq });
  return [{ what: `the data set (${rows} × ${samples} samples)`, bytes: rows * samples * (4 * channels + HOST_BYTES_PER_SAMPLE), cause: dataCause(c) }];
}

/** Floats of one cell's parameters. */
function parameterCount(plan: RunPlan, cell: TrainedCellName): number {
  return Object.values(modelParamShapes(modelConfigFor(plan, cell))).reduce((a, s) => a + numel(s), 0);
}

const modelCause = (c: TrainConfig) => `--hidden ${c.hidden} --layers ${c.layers}`;

/** The batch sizes a cell runs forwards of: training, and evaluation. */
function batchSizes(plan: RunPlan): number[] {
  const train = plan.windows.trainStarts.length;
  const evalRows = Math.min(EVAL_BATCH, Math.max(plan.windows.testStarts.length, train));
  return [...new Set([Math.min(plan.config.batch, train), evalRows])];
}

/** Device buffers: per cell the parameters and the largest workspace tensors, the loss history, the data. */
export function trainDeviceNeeds(plan: RunPlan): MemoryNeed[] {
  const c = plan.config;
  const needs: MemoryNeed[] = [];
  for (const cell of c.cells) {
    if (cell === 'esn') {
      needs.push(...esnDeviceNeeds(c, plan.spec.rows * plan.spec.samples));
      continue;
    }
    const floats = parameterCount(plan, cell);
    needs.push({ what: `parameters (${cell}: ${floats} floats)`, bytes: 4 * floats, cause: modelCause(c), binding: true });
    for (const batch of batchSizes(plan)) {
      for (const t of plannedTensors(planWorkspace(modelConfigFor(plan, cell), batch, c.seq))) {
        needs.push({ what: `${t.label} (${cell}, batch ${batch})`, bytes: 4 * numel(t.shape), cause: `--batch ${c.batch} --seq ${c.seq} --hidden ${c.hidden}`, binding: true });
      }
    }
  }
  needs.push({ what: 'loss history (32 bytes per epoch)', bytes: 32 * c.epochs, cause: `--epochs ${c.epochs}` }); // copied into, never bound
  const channels = plan.spec.channels ?? 2;
  needs.push({ what: `data set (${plan.spec.rows} × ${plan.spec.samples} samples of ${channels === 2 ? 'x, v' : `${channels} values`})`, bytes: 4 * channels * plan.spec.rows * plan.spec.samples, cause: dataCause(c), binding: true });
  return needs;
}

/** Throws naming the flags when a buffer the run needs exceeds this device's limits (before any allocation). */
export function checkTrainDevice(plan: RunPlan, sched: Scheduler): void {
  checkDeviceNeeds(trainDeviceNeeds(plan), sched.device.limits);
  for (const cell of plan.config.cells) {
    if (cell === 'esn') continue; // no workspace: its buffers are in trainDeviceNeeds
    for (const batch of batchSizes(plan)) {
      try {
        checkWorkspaceLimits(sched, planWorkspace(modelConfigFor(plan, cell), batch, plan.config.seq));
      } catch (e) {
        throw new Error(`--batch ${plan.config.batch} --seq ${plan.config.seq}: ${(e as Error).message}`);
      }
    }
  }
}

/** Disk bytes a file takes: whole 4 KiB blocks (tmpfs pages, ext4 blocks). */
const blocks = (bytes: number) => Math.ceil(bytes / 4096) * 4096;

/** Header and metadata allowance per file, and the report files (figure.svg is ~50 kB). */
const FILE_OVERHEAD = 1024;
const REPORT_BYTES = 64_000;

/** Disk bytes of one checkpoint of a cell (weights, optimizer state, checkpoint.json) and of its final weights file. */
function cellFileBytes(plan: RunPlan, cell: TrainedCellName | 'esn'): { checkpoint: number; weights: number } {
  if (cell === 'esn') return { checkpoint: 0, weights: blocks(esnFileBytes(plan.config)) }; // no checkpoints
  const weights = 4 * parameterCount(plan, cell) + FILE_OVERHEAD;
  const optimizer = (weights - FILE_OVERHEAD) * stateNames(plan.optimizer).length + FILE_OVERHEAD;
  const json = 200 * plan.config.epochs + FILE_OVERHEAD;
  return { checkpoint: blocks(weights) + blocks(optimizer) + blocks(json), weights: blocks(weights) };
}

/** Host memory beyond the data set: a checkpoint's arrays and their encoding, for the largest cell. */
export function trainHostNeeds(plan: RunPlan): MemoryNeed[] {
  const largest = Math.max(...plan.config.cells.map((cell) => cellFileBytes(plan, cell).checkpoint));
  const esn = plan.config.cells.includes('esn') ? esnHostNeeds(plan.config) : [];
  return [{ what: 'a checkpoint (weights and optimizer state, read back and encoded)', bytes: 2 * largest, cause: modelCause(plan.config) }, ...esn];
}

/**
 * Disk space: every cell's last checkpoint and final weights, one more checkpoint while a save
 * replaces the previous one, and the report. A resumed run already holds its checkpoints.
 */
export function trainDiskNeeds(plan: RunPlan, resume: boolean): MemoryNeed[] {
  const files = plan.config.cells.map((cell) => cellFileBytes(plan, cell));
  const rotation = Math.max(...files.map((f) => f.checkpoint));
  const kept = files.reduce((a, f) => a + f.weights + (resume ? 0 : f.checkpoint), 0);
  const report = blocks(REPORT_BYTES) + 3 * blocks(200 * plan.config.epochs * plan.config.cells.length + FILE_OVERHEAD);
  return [{ what: 'checkpoints, weights and the report', bytes: rotation + kept + report, cause: `${modelCause(plan.config)} --cells ${plan.config.cells.join(',')}` }];
}
