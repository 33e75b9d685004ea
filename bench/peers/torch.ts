// torch.ts — peer: PyTorch on the CPU as its users run it, when `python3 -c 'import torch'`
// works (Debian: `bash scripts/setup-peers.sh` installs python3-torch and OpenBLAS). Runs
// bench/peers/torch_step.py once per setting — OPENBLAS_NUM_THREADS=1 and unset × torch threads
// 1 and 2 (the variable must be set before the library loads, so one process each) — and
// reports per workload the fastest, with every setting's median in the row's notes. First a
// probe says which BLAS torch loaded (bench/peers/blas.ts): Netlib's reference BLAS is refused
// (the peer is skipped with a note saying how to fix it) unless allowReferenceBlas is set.
// The interpreter is env SPRINGLOOP_PYTHON, else `python3` on PATH, else Debian's /usr/bin/python3.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, type BenchRow } from '../stats';
import { classifyBlas, isReferenceBlas, type BlasInfo } from './blas';
import { TORCH_WORKLOADS, describeWorkload, type PeerResult, type PeerWorkload } from './peer';

/** Runs the interpreter with args and an environment; resolves with stdout. Injected by tests. */
export type PythonRunner = (python: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<string>;

/** One process's threading: OPENBLAS_NUM_THREADS ('unset' = not in its environment) and torch threads. */
export interface TorchSetting {
  openblasThreads: '1' | 'unset';
  torchThreads: number;
}

/** What benchTorch runs, and with which interpreter and runner. */
export interface TorchPeerOptions {
  workloads?: readonly PeerWorkload[];
  /** Timed steps per workload and setting (at least 20: the median of fewer moves with the load). Default 20. */
  runs?: number;
  /** Untimed steps first. Default 3. */
  warmup?: number;
  /** Torch thread counts to try. Default [1, 2]. */
  threads?: readonly number[];
  /** Time on Netlib's reference BLAS instead of refusing (env SPRINGLOOP_ALLOW_REFERENCE_BLAS=1). */
  allowReferenceBlas?: boolean;
  /** The interpreter; default: the first of pythonCandidates() that imports torch. */
  python?: string;
  runner?: PythonRunner;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** What torch_step.py prints on its last line. */
export interface TorchOutput {
  torch: string;
  python: string;
  defaultThreads: number;
  threads: number;
  blasLibraries: string[];
  blasInfo: string;
  rows: { name: string; times_ms: number[]; first_step_ms: number }[];
}

/** Interpreters to try, in order: env SPRINGLOOP_PYTHON, `python3` on PATH, Debian's own. */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [...new Set([env.SPRINGLOOP_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

/** Every setting tried: OpenBLAS threads 1 and unset (OpenBLAS only) × the torch thread counts. */
export function torchSettings(blas: BlasInfo, threads: readonly number[] = [1, 2]): TorchSetting[] {
  const openblas: TorchSetting['openblasThreads'][] = blas.kind === 'openblas' ? ['1', 'unset'] : ['unset'];
  return openblas.flatMap((o) => threads.map((t) => ({ openblasThreads: o, torchThreads: t })));
}

/** 'openblas1_torch2': a setting as a row-note key suffix. */
export function settingKey(s: TorchSetting): string {
  return `openblas${s.openblasThreads}_torch${s.torchThreads}`;
}

const SCRIPT = 'bench/peers/torch_step.py';

/** Probes, refuses reference BLAS, then times every workload at every setting; rows at the best. */
export async function benchTorch(opts: TorchPeerOptions = {}): Promise<PeerResult> {
  const runner = opts.runner ?? runPython;
  const env = opts.env ?? process.env;
  const tried = opts.python ? [opts.python] : pythonCandidates(env);
  const python = await firstWithModule(runner, tried, env, 'torch');
  if (!python) {
    return { rows: [], notes: [`torch-cpu: skipped: no torch (\`python3 -c 'import torch'\` failed for ${tried.join(', ')}; \`bash scripts/setup-peers.sh\` installs Debian's python3-torch)`] };
  }
  const script = opts.runner ? SCRIPT : findScript();
  if (!script) return { rows: [], notes: [`torch-cpu: skipped: ${SCRIPT} not found above ${here()}`] };
  const probe = parseTorchOutput(await runner(python, [script, '--probe'], env));
  const blas = classifyBlas(probe.blasLibraries, probe.blasInfo);
  const allow = opts.allowReferenceBlas ?? env.SPRINGLOOP_ALLOW_REFERENCE_BLAS === '1';
  if (isReferenceBlas(blas) && !allow) {
    return { rows: [], notes: [`torch-cpu: refused: torch ${probe.torch} loaded ${blas.label} (${blas.library}), which is not how PyTorch's users run it; \`bash scripts/setup-peers.sh\` installs libopenblas0-pthread (or pass --allow-reference-blas to time it anyway)`] };
  }
  const workloads = opts.workloads ?? TORCH_WORKLOADS;
  const args = ['--workloads', JSON.stringify(workloads), '--runs', String(Math.max(20, opts.runs ?? 20)), '--warmup', String(opts.warmup ?? 3)];
  const bySetting: { setting: TorchSetting; out: TorchOutput }[] = [];
  for (const setting of torchSettings(blas, opts.threads)) {
    opts.log?.(`torch-cpu: OPENBLAS_NUM_THREADS=${setting.openblasThreads}, torch threads ${setting.torchThreads}…`);
    const out = parseTorchOutput(await runner(python, [script, ...args, '--threads', String(setting.torchThreads)], settingEnv(env, setting)));
    const loaded = classifyBlas(out.blasLibraries, out.blasInfo);
    if (loaded.kind !== blas.kind) throw new Error(`torch-cpu: the probe loaded ${blas.label} but the ${settingKey(setting)} run ${loaded.label}`);
    bySetting.push({ setting, out });
  }
  const rows = workloads.map((w) => bestRow(w, bySetting, blas));
  const settings = { torch: probe.torch, python: `${python} (${probe.python})`, blas: blas.label, blas_library: blas.library ?? '', default_threads: probe.defaultThreads };
  const best = rows.map((r) => `${r.name.split('/').slice(3).join('/')}: ${r.notes?.setting}`).join(', ');
  return {
    rows,
    notes: [`torch-cpu: torch ${probe.torch} (${python}), ${blas.label}${blas.library ? ` from ${blas.library}` : ''}${isReferenceBlas(blas) ? ' (allowed by request)' : ''}; default ${probe.defaultThreads} thread(s); best of ${bySetting.map((b) => settingKey(b.setting)).join(', ')}: ${best}`],
    settings: { 'torch-cpu': settings },
  };
}

/** The row of one workload at its fastest setting; every setting's median in the notes. */
function bestRow(w: PeerWorkload, bySetting: readonly { setting: TorchSetting; out: TorchOutput }[], blas: BlasInfo): BenchRow {
  const candidates = bySetting.map(({ setting, out }) => {
    const row = out.rows.find((r) => r.name === w.name);
    if (!row) throw new Error(`torch_step.py printed no row '${w.name}' for ${settingKey(setting)}`);
    return { setting, row, summary: summarize(`peer/torch-cpu/${w.name}`, row.times_ms, 'steps/s', 1) };
  });
  const best = candidates.reduce((a, b) => (b.summary.median_ms < a.summary.median_ms ? b : a));
  const medians = Object.fromEntries(candidates.map((c) => [`ms_${settingKey(c.setting)}`, +c.summary.median_ms.toFixed(3)]));
  return {
    ...best.summary,
    notes: {
      setting: settingKey(best.setting), openblas_threads: best.setting.openblasThreads, torch_threads: best.setting.torchThreads,
      blas: blas.label, runs: best.row.times_ms.length, first_step_ms: +best.row.first_step_ms.toFixed(1), ...medians, model: describeWorkload(w),
    },
  };
}

/** The environment of one setting's process: OPENBLAS_NUM_THREADS set to 1 or removed. */
export function settingEnv(env: NodeJS.ProcessEnv, s: TorchSetting): NodeJS.ProcessEnv {
  const out = { ...env };
  if (s.openblasThreads === 'unset') delete out.OPENBLAS_NUM_THREADS;
  else out.OPENBLAS_NUM_THREADS = s.openblasThreads;
  return out;
}

/** Parses torch_step.py's stdout: its last line is the JSON result. */
export function parseTorchOutput(stdout: string): TorchOutput {
  const last = stdout.trim().split('\n').pop() ?? '';
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`torch_step.py printed no JSON result; its last line was '${last.slice(0, 200)}'`);
  }
  if (!Array.isArray(p.rows)) throw new Error('torch_step.py output has no "rows" array');
  if (!Array.isArray(p.blas_libraries)) throw new Error('torch_step.py output has no "blas_libraries" array');
  return {
    torch: String(p.torch), python: String(p.python ?? ''), defaultThreads: Number(p.default_threads), threads: Number(p.threads),
    blasLibraries: p.blas_libraries.map(String), blasInfo: String(p.blas_info ?? ''), rows: p.rows as TorchOutput['rows'],
  };
}

/** The first of `pythons` that imports `module` (torch, numpy), or null. */
export async function firstWithModule(runner: PythonRunner, pythons: readonly string[], env: NodeJS.ProcessEnv, module: string): Promise<string | null> {
  for (const python of pythons) {
    try {
      await runner(python, ['-c', `import ${module}`], env);
      return python;
    } catch {
      // no interpreter there, or no such module in it: try the next
    }
  }
  return null;
}

/** The real runner: execFile with a 10-minute limit (shared by the Python peers). */
export const runPython: PythonRunner = (cmd, args, env) =>
  new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 600_000, maxBuffer: 16 << 20, env }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args[0]}: ${err.message}${stderr ? `\n${stderr}` : ''}`));
      else resolve(stdout);
    });
  });

function here(): string {
  return path.dirname(fileURLToPath(import.meta.url));
}

/** A peer script sits in the repository, not in dist/: walk up from this module to find it. */
export function findScript(script = SCRIPT): string | null {
  for (let dir = here(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, script);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  const fromCwd = path.resolve(script);
  return existsSync(fromCwd) ? fromCwd : null;
}
