// interrupt.ts — SIGINT (Ctrl-C) and SIGTERM for the CLI's long commands. The first signal
// asks the command to stop at its next safe point (train: the next step boundary, after a
// checkpoint); the second one quits at once, removing any half-written temporary file
// first. Exit codes follow the shell's convention: 128 + the signal number (130, 143).
import { removeLiveTemporaries } from '../io/atomic-file';

/** The signals that stop a command gracefully. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** 128 + signal number: what a shell reports for a process stopped by that signal. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** What a command can ask of an installed handler. */
export interface InterruptWatch {
  /** The first signal received, or null. */
  readonly signal: StopSignal | null;
  /** Removes the handlers (the default behaviour returns). */
  dispose(): void;
}

/**
 * Installs the handlers. `onFirst` says what will happen (it is printed on stderr);
 * `graceful: false` makes even the first signal quit at once (after removing temporaries),
 * for commands with nothing to save.
 */
export function watchInterrupts(command: string, onFirst: string, graceful = true): InterruptWatch {
  let first: StopSignal | null = null;
  const handler = (signal: StopSignal) => {
    if (first !== null || !graceful) {
      removeLiveTemporaries();
      process.stderr.write(`\nspringloop ${command}: ${signal} — quitting at once${first ? '; the last checkpoint written stays valid' : ''}\n`);
      process.exit(SIGNAL_EXIT_CODES[signal]);
    }
    first = signal;
    process.stderr.write(`\nspringloop ${command}: ${signal} — ${onFirst} (press Ctrl-C again to quit at once)\n`);
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    get signal() {
      return first;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
