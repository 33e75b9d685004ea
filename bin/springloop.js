#!/usr/bin/env node
// The `springloop` command: runs the bundled CLI (build it first with `npm run build`) in a
// child process whose stderr passes through bin/dawn-noise.js, so Dawn's native start-up lines
// never reach the terminal or a CI log. The child is told whether the real stderr is a
// terminal, so progress bars still redraw in place. SPRINGLOOP_RAW_STDERR=1 runs it directly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dawnNoiseFilter } from './dawn-noise.js';

const cli = fileURLToPath(new URL('../dist/node/cli.js', import.meta.url));
const CHILD = 'SPRINGLOOP_CLI_CHILD';
const TTY_COLUMNS = 'SPRINGLOOP_STDERR_COLUMNS';

async function runCli() {
  if (!existsSync(cli)) {
    console.error('springloop: dist/node/cli.js is missing — run `npm run build` first');
    process.exit(1);
  }
  const columns = process.env[TTY_COLUMNS];
  if (columns) Object.assign(process.stderr, { isTTY: true, columns: Number(columns) });
  const { main } = await import(cli);
  process.exitCode = await main(process.argv.slice(2));
}

// The child runs in a process group of its own (detached), so a signal reaches it exactly once:
// from the wrapper, whether it came from the terminal (Ctrl-C goes to the foreground group) or
// to the wrapper's pid (`kill -INT`, a test harness, CI's timeout). If the wrapper itself is
// killed (kill -9), the IPC channel closes and the child dies at once the same way: the work
// never outlives the command the user sees.
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runFiltered() {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'pipe', 'ipc'],
    detached: true,
    env: { ...process.env, [CHILD]: '1', [TTY_COLUMNS]: process.stderr.isTTY ? String(process.stderr.columns ?? 80) : '' },
  });
  const filter = dawnNoiseFilter((text) => process.stderr.write(text));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => filter.push(chunk));
  const forward = (signal) => () => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward(signal));
  child.on('close', (code, signal) => {
    filter.end();
    if (signal) {
      for (const s of FORWARDED) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
}

/** In the child: die with the wrapper (its IPC channel closes when it is killed). */
function dieWithWrapper() {
  if (!process.channel) return;
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  process.channel.unref();
}

if (process.env[CHILD] === '1') {
  dieWithWrapper();
  await runCli();
} else if (process.env.SPRINGLOOP_RAW_STDERR === '1') await runCli();
else runFiltered();
