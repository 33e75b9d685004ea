// torch-peer.test.ts — the PyTorch peer without PyTorch: which BLAS a process loaded (from
// its mapped libraries), the refusal of Netlib's reference BLAS, and the settings search
// (OPENBLAS_NUM_THREADS 1 / unset × torch threads 1 / 2, best median per workload, every
// median in the notes) driven by a fake runner that answers as torch_step.py would.
import { describe, expect, it } from 'vitest';
import { classifyBlas } from '../../bench/peers/blas';
import { benchTorch, parseTorchOutput, pythonCandidates, settingEnv, torchSettings, type PythonRunner } from '../../bench/peers/torch';
import { workload } from '../../bench/peers/peer';

const OPENBLAS = ['/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'];
const REFERENCE = ['/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', '/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0'];

describe('classifyBlas', () => {
  it('tells OpenBLAS (with version and threading), MKL, BLIS and the reference BLAS apart', () => {
    expect(classifyBlas(OPENBLAS, 'generic')).toMatchObject({ kind: 'openblas', version: '0.3.21', variant: 'pthread', label: 'OpenBLAS 0.3.21 (pthread)', library: OPENBLAS[2] });
    expect(classifyBlas(['/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3'])).toMatchObject({ kind: 'openblas', variant: 'openmp' });
    expect(classifyBlas(['/opt/intel/lib/libmkl_rt.so.2'])).toMatchObject({ kind: 'mkl' });
    expect(classifyBlas(['/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3'])).toMatchObject({ kind: 'blis', variant: 'pthread' });
    expect(classifyBlas(REFERENCE, 'generic')).toMatchObject({ kind: 'reference', library: REFERENCE[0] });
    expect(classifyBlas(['/usr/lib/libblas.so.3'])).toMatchObject({ kind: 'reference' });
  });

  it('says "built in" when torch links its BLAS statically, and unknown when nothing shows', () => {
    expect(classifyBlas([], 'mkl')).toMatchObject({ kind: 'static', label: 'mkl (built into torch)' });
    expect(classifyBlas([], 'generic').kind).toBe('unknown');
    expect(classifyBlas([]).kind).toBe('unknown');
  });
});

describe('torch settings', () => {
  it('varies OPENBLAS_NUM_THREADS only on OpenBLAS', () => {
    expect(torchSettings(classifyBlas(OPENBLAS))).toEqual([
      { openblasThreads: '1', torchThreads: 1 }, { openblasThreads: '1', torchThreads: 2 },
      { openblasThreads: 'unset', torchThreads: 1 }, { openblasThreads: 'unset', torchThreads: 2 },
    ]);
    expect(torchSettings(classifyBlas(['/opt/libmkl_rt.so']), [1, 2])).toEqual([{ openblasThreads: 'unset', torchThreads: 1 }, { openblasThreads: 'unset', torchThreads: 2 }]);
  });

  it('sets or removes OPENBLAS_NUM_THREADS in the child environment', () => {
    expect(settingEnv({ A: 'x', OPENBLAS_NUM_THREADS: '4' }, { openblasThreads: 'unset', torchThreads: 1 })).toEqual({ A: 'x' });
    expect(settingEnv({ A: 'x' }, { openblasThreads: '1', torchThreads: 2 })).toEqual({ A: 'x', OPENBLAS_NUM_THREADS: '1' });
  });

  it('looks for torch in SPRINGLOOP_PYTHON, then python3 on PATH, then Debian\'s /usr/bin/python3', () => {
    expect(pythonCandidates({})).toEqual(['python3', '/usr/bin/python3']);
    expect(pythonCandidates({ SPRINGLOOP_PYTHON: '/opt/py/bin/python' })).toEqual(['/opt/py/bin/python', 'python3', '/usr/bin/python3']);
  });

  it('parses torch_step.py output from its last line and names what is missing', () => {
    const json = JSON.stringify({ torch: '1.13.1', python: '3.11.2', default_threads: 2, threads: 1, blas_libraries: OPENBLAS, blas_info: 'generic', rows: [] });
    expect(parseTorchOutput(`a warning\n${json}\n`)).toMatchObject({ torch: '1.13.1', defaultThreads: 2, blasLibraries: OPENBLAS, blasInfo: 'generic' });
    expect(() => parseTorchOutput('Traceback: boom')).toThrow(/printed no JSON result/);
    expect(() => parseTorchOutput(JSON.stringify({ rows: [] }))).toThrow(/no "blas_libraries"/);
  });
});

/** A runner that answers like torch_step.py: step time = base[workload] × factor(setting, workload). */
function fakeRunner(libraries: string[], factor: (openblas: string | undefined, threads: number, name: string) => number, calls: string[] = []): PythonRunner {
  const base: Record<string, number> = { 'train_step/lstm/seed': 20, 'train_step/lstm/large': 200 };
  return async (python, args, env) => {
    if (args[0] === '-c') return '';
    const threads = Number(args[args.indexOf('--threads') + 1] ?? 1);
    const runs = Number(args[args.indexOf('--runs') + 1] ?? 0);
    calls.push(`${args.includes('--probe') ? 'probe' : `OPENBLAS_NUM_THREADS=${env.OPENBLAS_NUM_THREADS ?? 'unset'} threads=${threads} runs=${runs}`}`);
    const workloads = args.includes('--probe') ? [] : (JSON.parse(args[args.indexOf('--workloads') + 1]!) as { name: string }[]);
    const rows = workloads.map((w) => ({ name: w.name, first_step_ms: 99, times_ms: Array.from({ length: runs }, (_, i) => base[w.name]! * factor(env.OPENBLAS_NUM_THREADS, threads, w.name) + (i % 3)) }));
    return `${JSON.stringify({ torch: '1.13.0a0', python: '3.11.2', default_threads: 2, threads, blas_libraries: libraries, blas_info: 'generic', rows })}\n`;
  };
}

describe('benchTorch with a fake runner', () => {
  const workloads = [workload('lstm', 'seed'), workload('lstm', 'large')];

  it('tries every setting with >= 20 timed steps and reports each workload at its fastest, all medians in the notes', async () => {
    const calls: string[] = [];
    // Small step: one OpenBLAS thread and one torch thread win; large: everything threaded wins.
    const factor = (ob: string | undefined, t: number, name: string) =>
      name.endsWith('large') ? (ob === '1' ? 2 : 1) * (t === 2 ? 0.5 : 1) : (ob === '1' ? 1 : 1.2) * (t === 1 ? 1 : 1.1);
    const r = await benchTorch({ workloads, runs: 5, runner: fakeRunner(OPENBLAS, factor, calls), python: 'fake-python', env: {} });
    expect(calls).toEqual([
      'probe',
      'OPENBLAS_NUM_THREADS=1 threads=1 runs=20', 'OPENBLAS_NUM_THREADS=1 threads=2 runs=20',
      'OPENBLAS_NUM_THREADS=unset threads=1 runs=20', 'OPENBLAS_NUM_THREADS=unset threads=2 runs=20',
    ]);
    const [seed, large] = r.rows;
    expect(seed!.name).toBe('peer/torch-cpu/train_step/lstm/seed');
    expect(seed!.notes).toMatchObject({ setting: 'openblas1_torch1', openblas_threads: '1', torch_threads: 1, blas: 'OpenBLAS 0.3.21 (pthread)', runs: 20 });
    expect(seed!.median_ms).toBeCloseTo(21, 6);
    expect(Object.keys(seed!.notes!).filter((k) => k.startsWith('ms_'))).toEqual(['ms_openblas1_torch1', 'ms_openblas1_torch2', 'ms_openblasunset_torch1', 'ms_openblasunset_torch2']);
    expect(large!.notes).toMatchObject({ setting: 'openblasunset_torch2', torch_threads: 2 });
    expect(r.settings?.['torch-cpu']).toMatchObject({ torch: '1.13.0a0', blas: 'OpenBLAS 0.3.21 (pthread)' });
    expect(r.notes[0]).toMatch(/best of openblas1_torch1, .*: lstm\/seed: openblas1_torch1, lstm\/large: openblasunset_torch2/);
  });

  it('refuses the reference BLAS unless told to allow it', async () => {
    const calls: string[] = [];
    const refused = await benchTorch({ workloads, runner: fakeRunner(REFERENCE, () => 1, calls), python: 'p', env: {} });
    expect(refused.rows).toEqual([]);
    expect(refused.notes[0]).toMatch(/torch-cpu: refused: .*reference BLAS \(Netlib\) \(\/usr\/lib\/x86_64-linux-gnu\/blas\/libblas\.so\.3\.11\.0\).*setup-peers\.sh.*--allow-reference-blas/);
    expect(calls).toEqual(['probe']); // nothing timed
    const allowed = await benchTorch({ workloads, runner: fakeRunner(REFERENCE, () => 1), python: 'p', env: { SPRINGLOOP_ALLOW_REFERENCE_BLAS: '1' } });
    expect(allowed.rows).toHaveLength(2);
    expect(allowed.rows[0]!.notes?.blas).toBe('reference BLAS (Netlib)');
    expect(allowed.notes[0]).toContain('(allowed by request)');
  });

  it('skips with a note when no interpreter has torch', async () => {
    const r = await benchTorch({ runner: async () => { throw new Error('ENOENT'); }, env: {} });
    expect(r.rows).toEqual([]);
    expect(r.notes[0]).toMatch(/torch-cpu: skipped: no torch .*python3, \/usr\/bin\/python3/);
  });
});
