// simulate-cli.test.ts — `springloop simulate` end to end through main(): .npy and .csv
// outputs read back and checked against the float64 reference; failing runs leave no file.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { decodeNpy } from '../../src/io/npy';
import { buildEnsemble } from '../../src/physics/ensemble';
import { PARAM_NAMES, toColumns, DEFAULT_OSCILLATOR, type OscillatorParams } from '../../src/physics/oscillator';
import { expectNearReference } from './oscillator-check';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'springloop-simulate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI; returns the exit code and what it wrote to stderr. */
async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await main(['simulate', ...argv]), stderr: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('springloop simulate', () => {
  it('writes float32 [N, S, 2] .npy from a params CSV (missing columns take the lecture values)', async () => {
    // float32-exact values, so the CSV's float64 and the GPU's float32 parameters agree.
    writeFileSync(join(dir, 'p.csv'), 'm,c,omega,x0\n1,0.5,1.5,1\n2,0.25,0,-0.5\n0.5,2,3,0\n');
    const out = join(dir, 'run.npy');
    const { code, stderr } = await cli('--params', join(dir, 'p.csv'), '--dt', '0.0625', '--steps', '203', '--record-every', '4', '--integrator', 'rk4', '--velocity', '--out', out);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/N=3 oscillators, S=51 samples .* oscillator-steps\/s/);
    const npy = decodeNpy(readFileSync(out));
    expect(npy.descr).toBe('<f4');
    expect(npy.shape).toEqual([3, 51, 2]);
    const rows: Partial<OscillatorParams>[] = [{ m: 1, c: 0.5, omega: 1.5, x0: 1 }, { m: 2, c: 0.25, omega: 0, x0: -0.5 }, { m: 0.5, c: 2, omega: 3, x0: 0 }];
    const params = toColumns(rows.map((r) => ({ ...DEFAULT_OSCILLATOR, ...r })));
    expectNearReference(npy.data as Float32Array, { params, dt: 0.0625, steps: 203, recordEvery: 4, integrator: 'rk4', velocity: true });
  });

  it('writes .csv for an ensemble drawn from --count and ranges with --seed', async () => {
    const out = join(dir, 'ens.csv');
    const { code, stderr } = await cli('--count', '6', '--c', '0.1:2', '--k', '2', '--omega', '0.5:1.5', '--seed', '7', '--dt', '0.05', '--steps', '40', '--record-every', '5', '--integrator', 'symplectic', '--out', out);
    expect(code, stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('oscillator,sample,t,x');
    expect(lines.length).toBe(1 + 6 * 9);
    const fields = lines.slice(1).map((l) => l.split(',').map(Number));
    expect(fields.map((f) => [f[0], f[1]])).toEqual(Array.from({ length: 54 }, (_, r) => [Math.floor(r / 9), r % 9]));
    fields.forEach((f) => expect(f[2]).toBeCloseTo(f[1]! * 5 * 0.05, 12));
    const params = buildEnsemble({ count: 6, seed: 7, specs: { c: '0.1:2', k: '2', omega: '0.5:1.5' } });
    for (const name of PARAM_NAMES) params[name].forEach((v, i, a) => (a[i] = Math.fround(v)));
    expectNearReference(Float32Array.from(fields, (f) => f[3]!), { params, dt: 0.05, steps: 40, recordEvery: 5, integrator: 'symplectic' });
  });

  it.each([
    ['an unknown CSV column', ['--params', 'bad.csv'], /bad\.csv line 1: unknown column "mass"/],
    ['a malformed CSV row', ['--params', 'row.csv'], /row\.csv line 3, column c: expected a finite number, got "abc"/],
    ['m = 0', ['--count', '2', '--m', '0'], /oscillator 0 parameter m must be non-zero/],
    ['dt <= 0', ['--dt', '-1'], /dt must be a finite number > 0, got -1/],
    ['steps < 1', ['--steps', '0'], /--steps must be an integer >= 1, got 0/],
    ['recordEvery < 1', ['--record-every', '0'], /--record-every must be an integer >= 1, got 0/],
    ['an unknown integrator', ['--integrator', 'verlet'], /--integrator must be one of rk4, euler, symplectic, got 'verlet'/],
    ['--count with --params', ['--params', 'bad.csv', '--count', '3'], /--count cannot be combined with --params/],
    ['an output larger than the device allows', ['--count', '1', '--steps', '2147483648'], /--count 1 --steps 2147483648 needs 8.6 GB of (host memory for )?the trajectory/],
    ['an output larger than any host holds', ['--count', '100000000000', '--steps', '10'], /--count 100000000000 needs 6.4 TB of host memory for the parameter columns .*; this machine has/],
    ['--record-every above --steps', ['--record-every', '20'], /--record-every 20 is more than --steps 10: only the initial state would be recorded/],
    ['a fractional --count', ['--count', '2.5'], /--count must be an integer >= 1, got 2.5/],
  ])('fails on %s and leaves the old output untouched, with no temporary file', async (_name, flags, message) => {
    writeFileSync(join(dir, 'bad.csv'), 'mass,c\n1,2\n');
    writeFileSync(join(dir, 'row.csv'), 'm,c\n1,2\n1,abc\n');
    const out = join(dir, 'keep.npy');
    writeFileSync(out, 'old contents');
    const before = readdirSync(dir).sort();
    const base = { '--dt': '0.1', '--steps': '10', '--out': out, '--overwrite': '' };
    const merged = { ...base, ...Object.fromEntries(pairs(flags.map((f) => f.replace(/^(bad|row)\.csv$/, (m) => join(dir, m))))) };
    const { code, stderr } = await cli(...Object.entries(merged).flat().filter((a) => a !== ''));
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(readFileSync(out, 'utf8')).toBe('old contents');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses to replace an existing output without --overwrite, and replaces it with', async () => {
    const out = join(dir, 'exists.npy');
    writeFileSync(out, 'old contents');
    const refused = await cli('--dt', '0.1', '--steps', '5', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out .*exists\.npy already exists; add --overwrite to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('old contents');
    const replaced = await cli('--dt', '0.1', '--steps', '5', '--out', out, '--overwrite');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(decodeNpy(readFileSync(out)).shape).toEqual([1, 6]);
  });

  it('rejects an output path in a missing directory before touching the GPU', async () => {
    const { code, stderr } = await cli('--dt', '0.1', '--steps', '5', '--out', join(dir, 'nope', 'x.npy'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/--out: directory .*nope' does not exist/);
  });
});

function pairs(flags: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flags.length; i += 2) out.push([flags[i]!, flags[i + 1]!]);
  return out;
}
