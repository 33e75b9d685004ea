// run-interrupts.test.ts — `springloop train` and `simulate` as child processes, stopped the
// ways a user stops them: Ctrl-C (SIGINT) and SIGTERM stop training at the next step with a
// checkpoint and exit 130 / 143; a second Ctrl-C quits at once; kill -9 at random moments of
// checkpoint writes never damages the last checkpoint, the next start removes the dead
// process's temporaries, and --resume ends with the weights of an uninterrupted run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildCli, runCli, startCli } from './cli-process';
import { loadCheckpoint } from '../../src/train/node/checkpoint';
import { checkCheckpoint } from '../../src/train/node/checkpoint-check';
import { mergeConfig } from '../../src/train/config';
import { planRun } from '../../src/train/plan';
import { Random } from '../../src/util/random';
import { lockHolder } from '../../src/io/dir-lock';

// About 12 steps and 0.1 s an epoch on lavapipe.
const EPOCHS = 30;
const SETTINGS = { dataset: 'sine', cells: 'lstm', hidden: 8, layers: 1, seq: 16, batch: 64, epochs: EPOCHS, rollout: 0, seed: 3 };
const ANY_EPOCH = new RegExp(`epoch \\d+/${EPOCHS}`);
const FLAGS = Object.entries(SETTINGS).flatMap(([k, v]) => [`--${k}`, String(v)]);
const plan = planRun(mergeConfig({ ...SETTINGS, cells: ['lstm'] }));

let runner = '';
let root = '';
let reference = Buffer.alloc(0);

beforeAll(async () => {
  runner = await buildCli();
  root = mkdtempSync(join(tmpdir(), 'springloop-interrupts-'));
  const whole = await runCli(runner, ['train', ...FLAGS, '--out', join(root, 'whole')]);
  expect(whole.code, whole.stderr).toBe(0);
  reference = readFileSync(join(root, 'whole', 'lstm.safetensors'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every temporary file under dir. */
function temporaries(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-\d+$/.test(f));
}

/** The cell's checkpoint loads and passes every check of a resume. */
async function expectIntactCheckpoint(dir: string): Promise<void> {
  const ck = await loadCheckpoint(join(dir, 'checkpoints', 'lstm'));
  if (ck) expect(() => checkCheckpoint(ck, plan, 'lstm')).not.toThrow();
}

describe('interrupting springloop train', () => {
  it('SIGINT and SIGTERM stop at a step with a checkpoint, exit 130 / 143 and print the resume command; resuming gives the uninterrupted weights', async () => {
    const dir = join(root, 'signals');
    let args = ['train', ...FLAGS, '--out', dir];
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const p = startCli(runner, args);
      await p.waitFor(ANY_EPOCH);
      p.child.kill(signal);
      const end = await p.exited;
      expect(end.code, p.stderr).toBe(code);
      expect(p.stderr).toMatch(new RegExp(`stopped by ${signal}; lstm has a checkpoint at epoch \\d+(, step \\d+)? in .*; continue with: springloop train --resume ${dir}`));
      await expectIntactCheckpoint(dir);
      expect(temporaries(dir)).toEqual([]);
      args = ['train', '--resume', dir];
    }
    const last = await runCli(runner, args);
    expect(last.code, last.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'lstm.safetensors')), reference)).toBe(0);
  });

  it('a second Ctrl-C quits at once, leaving no temporary file and a valid last checkpoint', async () => {
    const dir = join(root, 'twice');
    const p = startCli(runner, ['train', ...FLAGS, '--out', dir]);
    await p.waitFor(ANY_EPOCH);
    p.child.kill('SIGINT');
    await p.waitFor(/SIGINT — stopping at the next step boundary/);
    p.child.kill('SIGINT');
    const end = await p.exited;
    expect(end.code, p.stderr).toBe(130);
    expect(p.stderr).toMatch(/SIGINT — quitting at once; the last checkpoint written stays valid/);
    expect(temporaries(dir)).toEqual([]);
    await expectIntactCheckpoint(dir);
  });

  it('kill -9 at random moments of checkpoint writes (12 kills): the checkpoint stays intact, the next start removes the temporaries, --resume ends with the uninterrupted weights', async () => {
    const dir = join(root, 'kills');
    const cellDir = join(dir, 'checkpoints', 'lstm');
    mkdirSync(dir);
    const rng = new Random(20);
    let kills = 0;
    let leftTemporaries = 0;
    // Each run is killed at the n-th temporary file it starts (n in 2..6: config.json is the first,
    // a checkpoint writes three), so it gets at most about two epochs further whatever the
    // machine's speed; every third kill lands up to 30 ms after that write began instead.
    // Small files write in well under a millisecond on a fast disk, so a kill may land after
    // the write: past 12 kills, keep killing (up to 36) until one has landed inside a write.
    while (kills < 12 || (leftTemporaries === 0 && kills < 36)) {
      const args = existsSync(join(dir, 'config.json')) ? ['train', '--resume', dir] : ['train', ...FLAGS, '--out', dir];
      const p = startCli(runner, args);
      const nth = 2 + rng.int(5);
      const delay = kills % 3 === 2 ? rng.int(31) : 0;
      let seen = 0;
      const onEvent = (_event: string, name: string | Buffer | null) => {
        if (/\.tmp-/.test(String(name)) && ++seen === nth) setTimeout(() => p.child.kill('SIGKILL'), delay);
      };
      const watchers = [watch(dir, onEvent)];
      const watchCells = () => existsSync(cellDir) && watchers.length === 1 && watchers.push(watch(cellDir, onEvent));
      watchCells();
      const poll = setInterval(watchCells, 5);
      const end = await p.exited;
      clearInterval(poll);
      for (const w of watchers) w.close();
      expect(end.signal, `run ${kills + 1} ended by itself: ${p.stderr}`).toBe('SIGKILL');
      kills++;
      if (temporaries(dir).length > 0) leftTemporaries++;
      await expectIntactCheckpoint(dir);
    }
    expect(leftTemporaries).toBeGreaterThan(0); // the kills did land inside writes
    const last = await runCli(runner, ['train', '--resume', dir]);
    expect(last.code, last.stderr).toBe(0);
    expect(temporaries(dir)).toEqual([]);
    expect(Buffer.compare(readFileSync(join(dir, 'lstm.safetensors')), reference)).toBe(0);
  });
});

describe('through bin/springloop.js (the CLI in a child whose stderr is filtered)', () => {
  const bin = 'bin/springloop.js';
  beforeAll(() => {
    if (!existsSync('dist/node/cli.js')) spawnSync(process.execPath, ['scripts/build.mjs', '--no-types'], { stdio: 'inherit' });
  });

  it('SIGINT to the command reaches the CLI once (a graceful stop, exit 130); kill -9 of the command ends the CLI too, and the next start takes over', async () => {
    const dir = join(root, 'wrapped');
    const p = startCli(bin, ['train', ...FLAGS, '--out', dir]);
    await p.waitFor(ANY_EPOCH);
    p.child.kill('SIGINT');
    expect((await p.exited).code, p.stderr).toBe(130);
    expect(p.stderr).toMatch(/stopped by SIGINT; lstm has a checkpoint at epoch \d+/);
    expect(p.stderr).not.toMatch(/quitting at once/);
    const q = startCli(bin, ['train', '--resume', dir]);
    await q.waitFor(ANY_EPOCH);
    q.child.kill('SIGKILL');
    await q.exited;
    for (let i = 0; i < 100 && (await lockHolder(dir)) !== null; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await lockHolder(dir)).toBeNull(); // the CLI died with the command
    await expectIntactCheckpoint(dir);
    const last = await runCli(bin, ['train', '--resume', dir]);
    expect(last.code, last.stderr).toBe(0);
    expect(temporaries(dir)).toEqual([]);
    expect(Buffer.compare(readFileSync(join(dir, 'lstm.safetensors')), reference)).toBe(0);
  });
});

describe('interrupting springloop simulate', () => {
  it('Ctrl-C while the CSV is being written exits 130 and leaves neither the file nor a temporary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'springloop-sim-int-'));
    const out = join(dir, 'big.csv');
    const p = startCli(runner, ['simulate', '--count', '100000', '--dt', '0.01', '--steps', '60', '--out', out]);
    while (readdirSync(dir).length === 0 && p.child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    p.child.kill('SIGINT');
    const end = await p.exited;
    expect(end.code, p.stderr).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});
