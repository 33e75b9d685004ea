// resume.ts — what `springloop train --resume DIR` continues from (Node only): each cell's
// checkpoint, loaded and checked (checkpoint-check.ts), and the settings it resumes with
// compared with those its checkpoints were trained with and with DIR/config.json. A setting
// that shapes the weights or the data never changes; a hyper-parameter (lr, epochs, …) changes
// only with --allow-change, and the change is recorded in config.json. All before any GPU work.
import { join } from 'node:path';
import { configChanges, flagName, formatChange, RESUME_RULES, type CellName, type ConfigChange } from '../config';
import { loadCheckpoint, type LoadedCheckpoint } from './checkpoint';
import { checkCheckpoint, type ResumePoint } from './checkpoint-check';
import type { RunPlan } from '../plan';
import type { RecordedChange } from './run-dir';
import { describeValue } from '../../util/check';

/** The checked resume points (null: the cell has no checkpoint yet) and the change to record, if any. */
export interface ResumeState {
  points: Partial<Record<CellName, ResumePoint>>;
  loaded: Partial<Record<CellName, LoadedCheckpoint>>;
  change: RecordedChange | null;
}

const show = (v: unknown) => JSON.stringify(v);

/** Refuses a change the run cannot (fixed) or may not (a hyper-parameter without allowChange) make. */
function checkChange(dir: string, c: ConfigChange, source: string, allowChange: boolean): void {
  const rule = RESUME_RULES[c.key];
  if (rule === 'fixed') {
    throw new Error(`--resume ${dir}: ${flagName(c.key)} cannot change when a run resumes (${source} has ${show(c.from)}, this resume asks for ${show(c.to)}); it shapes the weights or the data — start a new run with another --out instead`);
  }
  if (rule === 'hyper' && !allowChange) {
    throw new Error(`--resume ${dir}: ${flagName(c.key)} would change from ${show(c.from)} (${source}) to ${show(c.to)} (from the flags or an edited config.json); add --allow-change to continue with ${show(c.to)} — the change is recorded in ${join(dir, 'config.json')}`);
  }
}

/**
 * Loads and checks every cell's checkpoint in dir for this plan; `saved` is dir/config.json's
 * settings. Throws naming the file and field, or the setting that may not change.
 */
export async function loadResumeState(dir: string, plan: RunPlan, saved: Readonly<Record<string, unknown>>, allowChange: boolean): Promise<ResumeState> {
  const state: ResumeState = { points: {}, loaded: {}, change: null };
  const changed = new Map<string, ConfigChange>();
  for (const c of configChanges(saved, plan.config)) {
    checkChange(dir, c, join(dir, 'config.json'), allowChange);
    changed.set(c.key, c);
  }
  const at: string[] = [];
  for (const cell of plan.config.cells) {
    if (cell === 'esn') continue; // fitted in one pass: no checkpoint, refitted on resume
    const ck = await loadCheckpoint(join(dir, 'checkpoints', cell));
    if (!ck) continue;
    const trained = ck.config;
    if (trained === null || typeof trained !== 'object' || Array.isArray(trained)) throw new Error(`${ck.files.json}: "config" must be an object, got ${describeValue(trained)}`);
    for (const c of configChanges(trained, plan.config)) {
      checkChange(dir, c, `${ck.files.json} was trained with it`, allowChange);
      if (!changed.has(c.key)) changed.set(c.key, c);
    }
    if (typeof ck.epoch === 'number' && ck.epoch > plan.config.epochs && changed.has('epochs')) {
      throw new Error(`--resume ${dir}: --epochs ${plan.config.epochs} is fewer than the ${ck.epoch} epochs ${cell} has already trained`);
    }
    state.points[cell] = checkCheckpoint(ck, plan, cell);
    state.loaded[cell] = ck;
    at.push(`${cell}: epoch ${ck.epoch}${(ck.batch ?? 0) > 0 ? `, step ${ck.batch}` : ''}`);
  }
  const recorded = [...changed.values()].filter((c) => RESUME_RULES[c.key] === 'hyper');
  if (recorded.length > 0) {
    state.change = { time: new Date().toISOString(), at, changed: Object.fromEntries(recorded.map((c) => [c.key, [c.from, c.to]])) };
  }
  return state;
}

/** `--lr 0.001 -> 0.0005, --epochs 3 -> 6`, for the start-of-run message. */
export function describeRecordedChange(change: RecordedChange): string {
  return Object.entries(change.changed).map(([key, [from, to]]) => formatChange({ key: key as ConfigChange['key'], from, to })).join(', ');
}
