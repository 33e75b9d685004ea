// cli-process.ts — the CLI as a child process, for tests that signal or kill it: the
// current sources are bundled once per test file (esbuild with the WGSL plugin, as
// scripts/build.mjs does) into test-artifacts/, so a stale dist/ never answers for them.
import { build } from 'esbuild';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { esbuildWgslPlugin } from '../../scripts/wgsl-plugin';

const OUT = resolve('test-artifacts/cli-process');

function bundle(entry: string, outfile: string) {
  return build({
    entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'node', target: 'es2022',
    plugins: [esbuildWgslPlugin({ kernelModule: resolve('src/gpu/kernel.ts') })], external: ['webgpu', 'esbuild'], logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

/** Bundles src/cli.ts; returns the path of a script that runs it with process.argv. */
export async function buildCli(): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  await bundle('src/cli.ts', `${OUT}/cli.mjs`);
  const runner = `${OUT}/springloop.mjs`;
  writeFileSync(runner, "import { main } from './cli.mjs';\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return runner;
}

/** Bundles a script that runs on import (scripts/conformance.ts); returns its path. */
export async function buildScript(entry: string): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const out = `${OUT}/${entry.replace(/^.*\//, '').replace(/\.ts$/, '')}.mjs`;
  await bundle(entry, out);
  return out;
}

/** A running CLI: its output so far, and its end. */
export interface CliProcess {
  child: ChildProcess;
  readonly stderr: string;
  readonly stdout: string;
  /** Resolves on exit: the code, or the signal that killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once stderr matches (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
}

/** Starts `springloop ...args` from the bundle (cwd: the repository). */
export function startCli(runner: string, args: string[]): CliProcess {
  const child = spawn(process.execPath, [runner, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const waiters: { pattern: RegExp; done: () => void }[] = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(stderr)) w.done();
      else waiters.push(w);
    }
  });
  child.stdout!.on('data', (d: Buffer) => void (stdout += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  return {
    child,
    get stderr() {
      return stderr;
    },
    get stdout() {
      return stdout;
    },
    exited,
    waitFor: (pattern) =>
      new Promise<void>((done, fail) => {
        if (pattern.test(stderr)) return done();
        waiters.push({ pattern, done });
        void exited.then(() => fail(new Error(`the CLI exited before printing ${pattern}; stderr:\n${stderr}`)));
      }),
  };
}

/** Runs the CLI to its end. */
export async function runCli(runner: string, args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const p = startCli(runner, args);
  const { code } = await p.exited;
  return { code, stderr: p.stderr, stdout: p.stdout };
}
