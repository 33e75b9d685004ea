// train.ts — `springloop train`: flags (or --config FILE.json, or --default: the main job)
// → a validated config → src/train/node/run.ts, with a progress bar on stderr, the comparison
// table on stdout and results.json / figure.svg / details.json in --out (default
// ./runs/<timestamp>/). Every bad input is reported before any GPU work.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type FlagSpec } from './args';
import { ProgressBar, formatDuration } from './progress';
import { mergeConfig, type TrainConfig } from '../train/config';
import { planRun } from '../train/plan';
import { checkWritableDir, runTraining } from '../train/node/run';
import type { CellOutcome } from '../train/report';
import { formatTable } from '../train/report';

const FLAGS: FlagSpec = {
  default: 'boolean', config: 'string', resume: 'string', out: 'string', adapter: 'string',
  dataset: 'string', noise: 'number', rows: 'number', cells: 'string', hidden: 'number', layers: 'number',
  seq: 'number', batch: 'number', epochs: 'number', lr: 'number', optimizer: 'string', momentum: 'number',
  nesterov: 'boolean', 'weight-decay': 'number', clip: 'number', schedule: 'string', seed: 'number',
  target: 'string', mode: 'string', tbptt: 'number', rollout: 'number', 'log-every': 'number',
  'checkpoint-every': 'number', 'stop-after': 'number',
  reservoir: 'number', 'spectral-radius': 'number', leak: 'number', ridge: 'number', 'input-scaling': 'number',
  density: 'number', washout: 'number',
};

export const TRAIN_USAGE = `usage: springloop train [--default] [options]

  --default            the main job: RK4 oscillator (gamma 0.2, Omega 0.5, F 1, dt 0.002, t in [0, 10]),
                       windows of 50 -> next x, 75/25 chronological split, RNN/LSTM/GRU 2 x 64 and
                       an echo state network of 1000 units; target auto (here: the residual of
                       linear extrapolation), Adam 1e-3, cosine schedule, 2 epochs, batch 32
                       (flags given with it override it)
  --dataset NAME       oscillator | sine | cosine | combined | damped | ensemble | regime
  --noise S            Gaussian noise sigma on the function data sets (seeded)
  --rows N             trajectories of the ensemble / regime data sets (default 8 / 240)
  --cells LIST         comma-separated: rnn,lstm,gru,esn (esn: an echo state network, fitted in one pass;
                       default all four, rnn,lstm,gru for the sequence-to-label regime data set)
  --hidden H --layers L --seq T --batch B --epochs E
  --lr X --optimizer adam|sgd --momentum M --nesterov --weight-decay W
  --clip N             clip gradients to global norm N (clip_grad_norm_)
  --schedule S         constant | step:S:G | cosine[:MIN]
  --target auto|residual|delta|value
                       auto (default): residual for the simulated ODE data sets, delta for the
                       sampled functions (the run says which and why);
                       residual: normalised (x, r) in, the residual of linear extrapolation
                       r = x[t+1] - (2 x[t] - x[t-1]) out: smooth signals sampled finely;
                       delta: normalised (x, dx) in, the next increment out: general series;
                       value: the lecture's plain setup, raw x in, raw next x out
  --mode many-to-one|many-to-many   next value, or the shifted sequence
  --tbptt K            truncated BPTT through the last K steps
  --rollout N          closed-loop steps over the test span (-1: all of it, 0: none)
  --reservoir N --spectral-radius R --leak A --ridge L --input-scaling S --density D --washout W
                       the echo state network (--cells esn): N units (default 1000, at most 4096),
                       W scaled to spectral radius R (0.9) with a fraction D of non-zeros (0.02;
                       1: dense), leak rate A (0.1), W_in and b uniform in [-S, S] (0.2), ridge L
                       of the readout (1; its Gram matrix is float32, so keep L well above 1e-5 x
                       its mean diagonal), W samples of each row ignored at the start (200)
  --seed N --adapter lavapipe|swiftshader|NAME
  --out DIR            output directory (default ./runs/<timestamp>/)
  --config FILE.json   settings as JSON (flags win)
  --resume DIR         continue the run in DIR from its checkpoints (written every --checkpoint-every N epochs)
  --stop-after N       stop after N epochs as if interrupted (to try --resume)

examples:
  springloop train --default --out runs/main
  springloop train --dataset sine --noise 0.05 --cells lstm,gru --epochs 40 --schedule cosine
  springloop train --dataset regime --cells gru --epochs 30
  springloop train --default --cells esn,gru --reservoir 2000
  springloop train --default --target value     # the lecture's plain setup (raw x -> next x)`;

const toKey = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function timestamp(): string {
  return new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

/** Resolves flags into (config, out dir, resume); throws naming the flag on bad input. */
export async function resolveTrainArgs(argv: readonly string[]): Promise<{ config: TrainConfig; outDir: string; resume: boolean; stopAfter?: number }> {
  const args = parseArgs(argv, FLAGS);
  if (args._.length > 0) throw new Error(`unexpected argument '${args._[0]}' (flags start with --)`);
  const flags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (k !== '_' && !['default', 'config', 'resume', 'stop-after'].includes(k)) flags[toKey(k)] = v;
  const stopAfter = args['stop-after'] as number | undefined;
  if (args.resume !== undefined) {
    const extra = Object.keys(flags).filter((k) => k !== 'adapter');
    if (extra.length > 0 || args.config !== undefined) throw new Error(`--resume continues a run with its saved settings; it takes no other flags than --adapter (got --${extra[0] ?? 'config'})`);
    const dir = args.resume as string;
    let saved: Record<string, unknown>;
    try {
      saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`--resume ${dir}: cannot read its config.json (${(e as Error).message})`);
    }
    return { config: mergeConfig(saved, flags), outDir: dir, resume: true, stopAfter };
  }
  let fileLayer: Record<string, unknown> = {};
  if (args.config !== undefined) {
    const path = args.config as string;
    try {
      const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      fileLayer = Object.fromEntries(Object.entries(raw).map(([k, v]) => [toKey(k), v]));
    } catch (e) {
      throw new Error(`--config ${path}: ${(e as Error).message}`);
    }
  }
  const config = mergeConfig(fileLayer, flags);
  const outDir = config.out ?? join('runs', timestamp());
  return { config, outDir, resume: false, stopAfter };
}

/** Where the wall time went: "train 136.0 s, checkpoints 1.2 s, evaluation 20.1 s, other 3.0 s". */
export function phaseSummary(cells: readonly CellOutcome[], wallSeconds: number): string {
  const sum = (f: (c: CellOutcome) => number | undefined) => cells.reduce((a, c) => a + (f(c) ?? 0), 0);
  const phases: [string, number][] = [['train', sum((c) => c.trainSeconds)], ['checkpoints', sum((c) => c.checkpointSeconds)], ['evaluation', sum((c) => c.evalSeconds)]];
  phases.push(['other', Math.max(0, wallSeconds - phases.reduce((a, [, s]) => a + s, 0))]);
  return phases.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ');
}

export async function runTrain(argv: string[]): Promise<number> {
  const { config, outDir, resume, stopAfter } = await resolveTrainArgs(argv);
  const plan = planRun(config); // every config / data error, before any GPU work
  const trainCount = plan.windows.trainStarts.length;
  await checkWritableDir(outDir);
  const bar = new ProgressBar();
  const cellsLeft = (cell: string) => config.cells.length - 1 - config.cells.indexOf(cell as never);
  const outcome = await runTraining({
    config, outDir, resume, stopAfterEpochs: stopAfter,
    onEpoch: (cell, r, secondsPerEpoch) => bar.update({
      label: cell, epoch: r.epoch, epochs: config.epochs, loss: r.trainLoss, testLoss: r.testLoss,
      samplesPerSecond: trainCount / secondsPerEpoch, etaSeconds: secondsPerEpoch * (config.epochs - r.epoch + cellsLeft(cell) * config.epochs),
    }),
    onCellDone: (c) => {
      bar.done();
      if (c.interrupted) return;
      if (c.cell === 'esn') console.error(`esn: fitted in ${c.trainSeconds.toFixed(1)} s (${Math.round(c.samplesPerSecond)} samples driven per s)`);
      else console.error(`${c.cell}: ${c.epochs} epochs in ${c.trainSeconds.toFixed(1)} s (${Math.round(c.samplesPerSecond)} samples/s)`);
    },
  });
  bar.done();
  if (outcome.interrupted) {
    console.error(`stopped after --stop-after ${stopAfter} epoch(s); continue with: springloop train --resume ${outDir}`);
    return 0;
  }
  console.log(formatTable(outcome.results!, outcome.plan.spec.description));
  console.log(`\nwrote ${join(outDir, 'results.json')}, ${join(outDir, 'figure.svg')} (wall ${formatDuration(outcome.wallSeconds)}: ${phaseSummary(outcome.cells, outcome.wallSeconds)})`);
  return 0;
}
