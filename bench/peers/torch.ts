// torch.ts — peer: PyTorch on the CPU, when `python3 -c 'import torch'` works (Debian:
// apt-get install python3-torch). Runs bench/peers/torch_step.py, which trains the same
// seed models and returns rows `peer/torch-cpu/train_step/<cell>/seed` at its best threading.
// The interpreter is env SPRINGLOOP_PYTHON, else `python3` on PATH, else Debian's
// /usr/bin/python3 (where python3-torch installs, when PATH leads to another Python first).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from '../stats';
import type { PeerCell, PeerResult } from './peer';

export interface TorchPeerOptions {
  cells?: readonly PeerCell[];
  runs?: number;
  warmup?: number;
  /** Thread counts to try (torch.set_num_threads); the fastest is reported. Default [1, 2]. */
  threads?: readonly number[];
  /** The interpreter to use; default: the first of pythonCandidates() that imports torch. */
  python?: string;
}

/** Interpreters to try, in order: env SPRINGLOOP_PYTHON, `python3` on PATH, Debian's own. */
export function pythonCandidates(env: Record<string, string | undefined> = process.env): string[] {
  return [...new Set([env.SPRINGLOOP_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
}

const SCRIPT = 'bench/peers/torch_step.py';

export async function benchTorch(opts: TorchPeerOptions = {}): Promise<PeerResult> {
  const tried = opts.python ? [opts.python] : pythonCandidates();
  const python = await firstWithTorch(tried);
  if (!python) {
    return { rows: [], notes: [`torch-cpu: skipped: no torch (\`python3 -c 'import torch'\` failed for ${tried.join(', ')}; Debian has python3-torch)`] };
  }
  const script = findScript();
  if (!script) return { rows: [], notes: [`torch-cpu: skipped: ${SCRIPT} not found above ${here()}`] };
  const args = [
    script,
    '--runs', String(opts.runs ?? 5),
    '--warmup', String(opts.warmup ?? 2),
    '--threads', (opts.threads ?? [1, 2]).join(','),
    '--cells', (opts.cells ?? ['rnn', 'lstm', 'gru']).join(','),
  ];
  const parsed = parseTorchOutput(await run(python, args, 600_000));
  const threading = parsed.rows.map((r) => `${r.name.split('/')[3]}: ${r.notes?.threads} thread(s)`).join(', ');
  return {
    rows: parsed.rows,
    notes: [`torch-cpu: torch ${parsed.torch} (${python}), default ${parsed.defaultThreads} thread(s); best of threads [${(opts.threads ?? [1, 2]).join(', ')}]: ${threading}`],
  };
}

/** Parses torch_step.py's stdout: its last line is {"torch", "default_threads", "rows"}. */
export function parseTorchOutput(stdout: string): { torch: string; defaultThreads: number; rows: BenchRow[] } {
  const last = stdout.trim().split('\n').pop() ?? '';
  let parsed: { torch?: unknown; default_threads?: unknown; rows?: unknown };
  try {
    parsed = JSON.parse(last) as typeof parsed;
  } catch {
    throw new Error(`torch_step.py printed no JSON result; its last line was '${last.slice(0, 200)}'`);
  }
  if (!Array.isArray(parsed.rows)) throw new Error('torch_step.py output has no "rows" array');
  return { torch: String(parsed.torch), defaultThreads: Number(parsed.default_threads), rows: parsed.rows as BenchRow[] };
}

async function firstWithTorch(pythons: readonly string[]): Promise<string | null> {
  for (const python of pythons) {
    try {
      await run(python, ['-c', 'import torch'], 60_000);
      return python;
    } catch {
      // no interpreter there, or no torch in it: try the next
    }
  }
  return null;
}

/** Runs a command, resolving its stdout; rejects with its stderr (shared by the Python peers). */
export function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args[0]}: ${err.message}${stderr ? `\n${stderr}` : ''}`));
      else resolve(stdout);
    });
  });
}

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
