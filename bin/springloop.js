#!/usr/bin/env node
// The `springloop` command: runs the bundled CLI (build it first with `npm run build`) in a
// child process whose stderr passes through bin/dawn-noise.js, so Dawn's native start-up lines
// never reach the terminal or a CI log. The child is told whether the real stderr is a
// terminal, so progress bars still redraw in place. SPRINGLOOP_RAW_STDERR=1 runs it directly.
// The child runs in its own session, so a terminal's Ctrl-C reaches this process only, and
// every signal sent to this process (SIGINT, SIGTERM, SIGHUP) is passed on exactly once — a
// second Ctrl-C is a second one there too (src/cli/interrupt.ts). If this process dies
// (kill -9), the child sees its IPC channel close and quits at once.
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
  if (process.channel) {
    process.channel.unref(); // the channel only tells us when the parent is gone
    process.on('disconnect', () => process.exit(129)); // its exit hooks remove half-written temporaries
  }
  const { main } = await import(cli);
  process.exitCode = await main(process.argv.slice(2));
}

function runFiltered() {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'pipe', 'ipc'],
    detached: true, // its own session: terminal signals reach it only through forward[]
    env: { ...process.env, [CHILD]: '1', [TTY_COLUMNS]: process.stderr.isTTY ? String(process.stderr.columns ?? 80) : '' },
  });
  const filter = dawnNoiseFilter((text) => process.stderr.write(text));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => filter.push(chunk));
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = Object.fromEntries(signals.map((signal) => [signal, () => child.kill(signal)]));
  for (const signal of signals) process.on(signal, forward[signal]);
  child.on('close', (code, signal) => {
    filter.end();
    for (const s of signals) process.off(s, forward[s]);
    if (signal) process.kill(process.pid, signal); // die of the same signal (the default action now)
    else process.exitCode = code ?? 1;
  });
}

if (process.env[CHILD] === '1' || process.env.SPRINGLOOP_RAW_STDERR === '1') await runCli();
else runFiltered();
