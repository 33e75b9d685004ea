// schedule.ts — learning-rate schedules evaluated on the host per epoch (as torch's
// schedulers step once per epoch), passed to the optimizer kernels as a uniform.
//   constant           lr(e) = base
//   step:S:G           lr(e) = base · G^floor(e / S)                      (torch StepLR)
//   cosine[:MIN]       lr(e) = MIN + (base − MIN)·(1 + cos(π e / E)) / 2   (torch CosineAnnealingLR, T_max = E epochs)
// e counts epochs from 0.

/** A learning-rate schedule evaluated once per epoch: constant, step (lr · gamma^floor(epoch / stepSize), torch StepLR) or cosine annealing to minLr over the run (torch CosineAnnealingLR). */
export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'cosine'; minLr: number };

/** Parses 'constant', 'step:S:G' (S epochs, factor G) or 'cosine' / 'cosine:MIN'. */
export function parseSchedule(spec: string): Schedule {
  const parts = spec.trim().split(':');
  const num = (i: number, what: string): number => {
    const raw = parts[i];
    const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) throw new Error(`--schedule '${spec}': ${what} must be a finite number, got '${raw ?? ''}'`);
    return v;
  };
  if (parts[0] === 'constant' && parts.length === 1) return { kind: 'constant' };
  if (parts[0] === 'step' && parts.length === 3) {
    const stepSize = num(1, 'the step size S (epochs)');
    const gamma = num(2, 'the factor G');
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new Error(`--schedule '${spec}': step size must be an integer >= 1, got ${stepSize}`);
    if (gamma <= 0) throw new Error(`--schedule '${spec}': factor must be > 0, got ${gamma}`);
    return { kind: 'step', stepSize, gamma };
  }
  if (parts[0] === 'cosine' && parts.length <= 2) {
    const minLr = parts.length === 2 ? num(1, 'the minimum lr') : 0;
    if (minLr < 0) throw new Error(`--schedule '${spec}': minimum lr must be >= 0, got ${minLr}`);
    return { kind: 'cosine', minLr };
  }
  throw new Error(`--schedule must be 'constant', 'step:S:G' or 'cosine[:MIN]', got '${spec}'`);
}

/** The schedule as its spec string (round-trips through parseSchedule). */
export function formatSchedule(s: Schedule): string {
  if (s.kind === 'step') return `step:${s.stepSize}:${s.gamma}`;
  if (s.kind === 'cosine') return s.minLr === 0 ? 'cosine' : `cosine:${s.minLr}`;
  return 'constant';
}

/** Learning rate for epoch `epoch` (0-based) of `totalEpochs`. */
export function learningRate(s: Schedule, baseLr: number, epoch: number, totalEpochs: number): number {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`learningRate: epoch must be an integer >= 0, got ${epoch}`);
  if (s.kind === 'constant') return baseLr;
  if (s.kind === 'step') return baseLr * s.gamma ** Math.floor(epoch / s.stepSize);
  if (!Number.isInteger(totalEpochs) || totalEpochs < 1) throw new Error(`learningRate: totalEpochs must be an integer >= 1, got ${totalEpochs}`);
  return s.minLr + ((baseLr - s.minLr) * (1 + Math.cos((Math.PI * epoch) / totalEpochs))) / 2;
}
