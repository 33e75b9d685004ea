// full-disk.test.ts — full and read-only disks, on small tmpfs mounts (needs root, as on CI;
// skipped with a message otherwise). A disk that fills up during a run stops it with an error
// naming the file, leaves no temporary or orphan file and the last checkpoint intact, and
// --resume finishes it once there is space; a disk too full for the run, or read-only, is
// refused before any GPU work; simulate's output hitting a full disk leaves nothing behind.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { runTraining } from '../../src/train/node/run';
import { mergeConfig } from '../../src/train/config';
import { planRun } from '../../src/train/plan';
import { loadCheckpoint } from '../../src/train/node/checkpoint';
import { checkCheckpoint } from '../../src/train/node/checkpoint-check';

const root = mkdtempSync(join(tmpdir(), 'springloop-disk-'));
const full = join(root, 'full');
const readOnly = join(root, 'ro');

function mount(dir: string, options: string): string | null {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `mount exited ${r.status}`).trim();
}
const cannotMount = mount(full, 'size=512k') ?? mount(readOnly, 'ro,size=64k');
if (cannotMount) console.warn(`full-disk.test.ts: skipped, cannot mount a tmpfs here (${cannotMount}); run as root to test full and read-only disks`);

afterAll(() => {
  for (const dir of [full, readOnly]) spawnSync('umount', [dir]);
  rmSync(root, { recursive: true, force: true });
});

/** Fills the file system of dir with a file, leaving about `leave` bytes free; returns its path. */
function fill(dir: string, leave = 0): string {
  const path = join(dir, `filler-${readdirSync(dir).length}`);
  const fd = openSync(path, 'w');
  const page = Buffer.alloc(4096);
  try {
    for (;;) {
      const s = statfsSync(dir);
      if (s.bavail * s.bsize <= leave) break;
      writeSync(fd, page);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return path;
}

async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const out = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await main(argv), err: lines.join('\n') };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

const temporaries = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-\d+$/.test(f));
const SETTINGS = { dataset: 'sine', cells: ['rnn'], hidden: 4, layers: 1, seq: 8, epochs: 3, rollout: 0 } as const;

describe.skipIf(cannotMount !== null)('full and read-only disks', () => {
  let reference: Buffer;
  beforeAll(async () => {
    const dir = join(root, 'reference');
    await runTraining({ config: mergeConfig({ ...SETTINGS, cells: ['rnn'] }), outDir: dir });
    reference = readFileSync(join(dir, 'rnn.safetensors'));
  });

  it('a disk that fills during a run: the error names the file, nothing is left over, the checkpoint is intact, --resume finishes', async () => {
    const dir = join(full, 'run');
    const config = mergeConfig({ ...SETTINGS, cells: ['rnn'] });
    let filler = '';
    const run = runTraining({ config, outDir: dir, onEpoch: (_cell, r) => void (r.epoch === 2 && (filler = fill(full))) });
    await expect(run).rejects.toThrow(/cannot write .*full\/run\/checkpoints\/rnn\/\S+: no space left on the device \(the disk is full\) \(ENOSPC\)\. The checkpoints written before are intact: free some space and continue with: springloop train --resume/);
    expect(temporaries(dir)).toEqual([]);
    expect(readdirSync(join(dir, 'checkpoints', 'rnn')).sort()).toEqual(['checkpoint.json', 'model-e00001.safetensors', 'optimizer-e00001.safetensors']);
    const ck = (await loadCheckpoint(join(dir, 'checkpoints', 'rnn')))!;
    expect(() => checkCheckpoint(ck, planRun(config), 'rnn')).not.toThrow();
    rmSync(filler);
    const resumed = await cli('train', '--resume', dir);
    expect(resumed.code, resumed.err).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'rnn.safetensors')), reference)).toBe(0);
    rmSync(dir, { recursive: true });
  });

  it('a disk without room for the run is refused before anything is written', async () => {
    const filler = fill(full, 8192);
    const dir = join(full, 'cramped');
    const { code, err } = await cli('train', '--dataset', 'sine', '--cells', 'rnn', '--hidden', '4', '--layers', '1', '--seq', '8', '--epochs', '2', '--out', dir);
    expect(code).toBe(1);
    expect(err).toMatch(/--hidden 4 --layers 1 --cells rnn needs .* of disk space for checkpoints, weights and the report in .*cramped; its file system has .* free/);
    expect(existsSync(dir)).toBe(false);
    rmSync(filler);
  });

  it('simulate output that runs out of space names the file and leaves neither it nor a temporary', async () => {
    const s = statfsSync(full);
    const lines = Math.floor((s.bavail * s.bsize) / 12); // the CSV's lower bound (8 bytes a line) fits, its ~20 bytes a line do not
    const out = join(full, 'x.csv');
    const { code, err } = await cli('simulate', '--count', String(Math.ceil(lines / 10)), '--dt', '0.01', '--steps', '9', '--out', out);
    expect(code).toBe(1);
    expect(err).toMatch(/cannot write .*full\/x\.csv: no space left on the device \(the disk is full\) \(ENOSPC\)/);
    expect(readdirSync(full)).toEqual([]);
  });

  it('a read-only disk is refused before any GPU work, naming the directory', async () => {
    const train = await cli('train', '--dataset', 'sine', '--cells', 'rnn', '--out', join(readOnly, 'run'));
    expect(train.code).toBe(1);
    expect(train.err).toMatch(/--out .*ro\/run is not writable: cannot write in .*ro: the file system is read-only \(EROFS\)/);
    const sim = await cli('simulate', '--count', '2', '--dt', '0.1', '--steps', '5', '--out', join(readOnly, 'x.npy'));
    expect(sim.code).toBe(1);
    expect(sim.err).toMatch(/--out .*x\.npy is not writable: .*read-only \(EROFS\)/);
  });
});
