// progress.ts — the training progress bar on stderr: cell, epoch, loss, samples/s, ETA.
// On a TTY one line is redrawn in place; otherwise (CI logs, pipes) one plain line per update.

export interface ProgressUpdate {
  label: string;
  epoch: number;
  epochs: number;
  loss: number;
  testLoss?: number;
  /** Test accuracy in [0, 1] (sequence-to-label): shown, and the line is kept (one per epoch). */
  accuracy?: number;
  samplesPerSecond: number;
  /** Seconds left for this label's run. */
  etaSeconds: number;
}

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** One status line (without the bar), e.g. "lstm  epoch 3/12  loss 1.23e-3  4,520 samples/s  ETA 0:42". */
export function formatProgress(u: ProgressUpdate): string {
  const test = (u.testLoss !== undefined ? `  test ${u.testLoss.toExponential(2)}` : '') + (u.accuracy !== undefined ? `  accuracy ${(100 * u.accuracy).toFixed(2)}%` : '');
  const rate = Math.round(u.samplesPerSecond).toLocaleString('en-US');
  return `${u.label.padEnd(5)} epoch ${u.epoch}/${u.epochs}  loss ${u.loss.toExponential(2)}${test}  ${rate} samples/s  ETA ${formatDuration(u.etaSeconds)}`;
}

export class ProgressBar {
  private drawn = false;

  constructor(private readonly stream: ProgressStream = process.stderr) {}

  update(u: ProgressUpdate): void {
    const text = formatProgress(u);
    if (!this.stream.isTTY) {
      this.stream.write(`${text}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((width * u.epoch) / Math.max(u.epochs, 1));
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    const line = `${bar} ${text}`.slice(0, Math.max((this.stream.columns ?? 120) - 1, 20));
    this.stream.write(`\r\x1b[2K${line}${u.accuracy !== undefined ? '\n' : ''}`);
    this.drawn = u.accuracy === undefined;
  }

  /** Ends the in-place line (call before printing anything else). */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
