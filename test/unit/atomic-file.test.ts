// atomic-file.test.ts — the one file writer: whole files or nothing, no temporary left on an
// error, errors naming the target; stale temporaries of dead processes removed, live ones
// kept; and the size checks and flag parser that run before any allocation.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileError, removeStaleTemporaries, temporaryOwner, writeFileAtomic } from '../../src/io/atomic-file';
import { checkDeviceNeeds, checkHostNeeds, formatBytes } from '../../src/util/sizes';
import { parseArgs } from '../../src/cli/args';

describe('writeFileAtomic', () => {
  it('writes bytes, text and streamed chunks, replacing the old file whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'f.txt');
    await writeFileAtomic(path, 'old');
    await writeFileAtomic(path, (function* () {
      yield 'a,';
      yield new TextEncoder().encode('b\n');
    })());
    expect(await readFile(path, 'utf8')).toBe('a,b\n');
    expect(await readdir(dir)).toEqual(['f.txt']);
  });

  it('on an error removes its temporary, keeps the old file and names the target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const path = join(dir, 'f.txt');
    await writeFileAtomic(path, 'old');
    const failing = (async function* () {
      yield 'half';
      throw new Error('the producer failed');
    })();
    await expect(writeFileAtomic(path, failing)).rejects.toThrow(`cannot write ${path}: the producer failed`);
    await mkdir(join(dir, 'sub.txt'));
    await expect(writeFileAtomic(join(dir, 'sub.txt'), 'x')).rejects.toThrow(/cannot write .*sub\.txt: it is a directory \(EISDIR\)/);
    await expect(writeFileAtomic(join(dir, 'nope', 'g.txt'), 'x')).rejects.toThrow(/cannot write .*nope\/g\.txt: no such file or directory \(ENOENT\)/);
    expect((await readdir(dir)).sort()).toEqual(['f.txt', 'sub.txt']);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('explains the errno codes of full, read-only and forbidden disks', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    expect(fileError('write', 'run/x', err('ENOSPC')).message).toBe('cannot write run/x: no space left on the device (the disk is full) (ENOSPC)');
    expect(fileError('write', 'run/x', err('EROFS')).message).toBe('cannot write run/x: the file system is read-only (EROFS)');
    expect(fileError('write', 'run/x', err('EACCES')).message).toBe('cannot write run/x: permission denied (EACCES)');
  });
});

describe('removeStaleTemporaries', () => {
  it('removes the temporaries of dead processes (and of this pid, at a start), keeps live ones and other files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stale-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const live = process.ppid; // the test runner's parent: alive
    await mkdir(join(dir, 'sub'));
    for (const name of [`a.json.tmp-${dead}-0`, `sub/b.bin.tmp-${dead}-3`, `c.json.tmp-${live}-0`, `d.json.tmp-${process.pid}-1`, 'keep.tmp', 'notes.tmp-12']) {
      await writeFile(join(dir, name), 'x');
    }
    expect(temporaryOwner(`a.json.tmp-${dead}-0`)).toBe(Number(dead));
    expect(await removeStaleTemporaries(dir, 0, (target) => target === 'x.csv')).toEqual([]);
    const removed = (await removeStaleTemporaries(dir, 1)).map((p) => p.slice(dir.length + 1)).sort();
    expect(removed).toEqual([`a.json.tmp-${dead}-0`, `d.json.tmp-${process.pid}-1`, `sub/b.bin.tmp-${dead}-3`]);
    expect((await readdir(dir)).sort()).toEqual([`c.json.tmp-${live}-0`, 'keep.tmp', 'notes.tmp-12', 'sub']);
  });
});

describe('sizes before allocation', () => {
  it('formats decimal units', () => {
    expect([512, 4294967295, 40002000640, 6.4e12].map(formatBytes)).toEqual(['512 bytes', '4.3 GB', '40 GB', '6.4 TB']);
  });

  it('names the flag, the size and the limit', () => {
    const limits = { maxBufferSize: 2 ** 32 - 1, maxStorageBufferBindingSize: 2 ** 27 };
    expect(() => checkDeviceNeeds([{ what: 'parameters', bytes: 4e10, cause: '--hidden 100000' }], limits)).toThrow('--hidden 100000 needs 40 GB of parameters; this device allows 4.3 GB per buffer (maxBufferSize)');
    expect(() => checkDeviceNeeds([{ what: 'gates', bytes: 2e8, cause: '--batch 9', binding: true }], limits)).toThrow('--batch 9 needs 200 MB of gates; this device binds at most 134 MB per buffer (maxStorageBufferBindingSize)');
    const host = { total: 25e9, free: 20e9 };
    expect(() => checkHostNeeds([{ what: 'the columns', bytes: 64e9, cause: '--count 1000000000' }, { what: 'the output', bytes: 4e9, cause: '--count 1000000000' }], host))
      .toThrow('--count 1000000000 needs 64 GB of host memory for the columns (68 GB with the rest); this machine has 25 GB of memory, 20 GB of it free');
    expect(() => checkHostNeeds([{ what: 'one array', bytes: 1e10, cause: '--count 5', elements: 5e9 }], { total: 1e12, free: 1e12 })).toThrow(/more than one JavaScript typed array holds/);
    expect(() => checkHostNeeds([{ what: 'x', bytes: 1e9, cause: '--count 5' }], host)).not.toThrow();
  });
});

describe('flags', () => {
  const spec = { epochs: 'number', out: 'string', overwrite: 'boolean' } as const;
  it('refuse a repeat, a non-decimal number and a value on a switch', () => {
    expect(parseArgs(['--epochs', '1e1', '--out=x'], spec)).toEqual({ _: [], epochs: 10, out: 'x' });
    expect(() => parseArgs(['--epochs', '2', '--epochs', '3'], spec)).toThrow('flag --epochs is given twice');
    expect(() => parseArgs(['--epochs', '0x10'], spec)).toThrow("flag --epochs must be a finite number, got '0x10'");
    expect(() => parseArgs(['--epochs', 'Infinity'], spec)).toThrow(/must be a finite number/);
    expect(() => parseArgs(['--overwrite=yes'], spec)).toThrow('flag --overwrite takes no value');
  });
});
