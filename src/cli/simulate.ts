// simulate.ts — `springloop simulate`: integrate oscillators on the GPU and write the
// trajectory as .npy (float32 [N, S] or [N, S, 2]) or .csv (oscillator,sample,t,x[,v]).
// Oscillators come from --params FILE.csv, or from --count N with per-parameter flags
// (a number, or lo:hi drawn uniformly with --seed). Every argument is checked before the GPU
// is touched; the output is written to a temporary file and renamed, so a failed run never
// leaves a half-written file. A summary (and, for long runs, progress) goes to stderr.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { init } from '../gpu/device';
import { Scheduler } from '../gpu/scheduler';
import { simulate, type SimulateOptions } from '../physics/simulate';
import { validateSimulation } from '../physics/validate';
import { buildEnsemble, type ParamSpec } from '../physics/ensemble';
import { parseParamsCsv } from '../io/params-csv';
import { encodeNpyFloat32 } from '../io/npy';
import { trajectoryCsvLines } from '../io/csv-out';
import { INTEGRATORS, PARAM_NAMES, type Integrator, type OscillatorColumns, type ParamName } from '../physics/oscillator';
import { parseArgs, type FlagSpec, type ParsedArgs } from './args';

export const SIMULATE_USAGE = `usage: springloop simulate (--params FILE.csv | --count N [--m X --c X ... --seed S])
         --dt D --steps N [--record-every R] [--integrator rk4|euler|symplectic]
         [--velocity] [--t0 T] --out FILE.npy|FILE.csv [--adapter NAME]
  parameter flags: ${PARAM_NAMES.map((n) => `--${n}`).join(' ')} take a number or a range lo:hi`;

const SPEC: FlagSpec = {
  params: 'string', count: 'number', seed: 'number',
  dt: 'number', steps: 'number', 'record-every': 'number', integrator: 'string', velocity: 'boolean', t0: 'number',
  out: 'string', adapter: 'string',
  ...Object.fromEntries(PARAM_NAMES.map((n) => [n, 'string'])),
};

/** Progress lines start once a run has taken this long, then repeat at this interval. */
const PROGRESS_MS = 2000;

interface SimulateCommand {
  options: SimulateOptions;
  out: string;
  format: 'npy' | 'csv';
  adapter?: string;
}

export async function runSimulate(argv: string[]): Promise<number> {
  const command = parseSimulateArgs(argv);
  const ctx = await init({ adapter: command.adapter });
  const sched = new Scheduler(ctx);
  try {
    const started = performance.now();
    let lastReport = started;
    const trajectory = await simulate(sched, {
      ...command.options,
      onProgress: (done, total) => {
        const now = performance.now();
        if (done === total || now - lastReport < PROGRESS_MS) return;
        lastReport = now;
        console.error(`simulate: ${((100 * done) / total).toFixed(1)}% (${done.toExponential(2)} of ${total.toExponential(2)} oscillator-steps, ${((now - started) / 1000).toFixed(1)} s)`);
      },
    });
    const data = await trajectory.read();
    const seconds = (performance.now() - started) / 1000;
    trajectory.destroy();
    writeAtomically(command, data, trajectory.samples);
    const { count, samples } = trajectory;
    const work = count * (samples - 1) * command.options.recordEvery;
    console.error(
      `simulate: N=${count} oscillators, S=${samples} samples (${command.options.integrator}, dt=${command.options.dt}, ${work / count} steps) ` +
        `on ${ctx.adapterName} in ${seconds.toFixed(3)} s: ${(work / seconds).toExponential(3)} oscillator-steps/s -> ${command.out}`,
    );
    return 0;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}

/** Parses and checks every argument (no GPU work); throws an Error naming the flag. */
export function parseSimulateArgs(argv: string[]): SimulateCommand {
  const args = parseArgs(argv, SPEC);
  if (args._.length > 0) throw new Error(`unexpected argument '${args._[0]}'\n${SIMULATE_USAGE}`);
  const out = required(args, 'out', 'string') as string;
  const format = outputFormat(out);
  const integrator = (args.integrator ?? 'rk4') as string;
  if (!(INTEGRATORS as readonly string[]).includes(integrator)) {
    throw new Error(`--integrator must be one of ${INTEGRATORS.join(', ')}, got '${integrator}'`);
  }
  const options: SimulateOptions = {
    params: oscillators(args),
    dt: required(args, 'dt', 'number') as number,
    steps: integerFlag(args, 'steps', required(args, 'steps', 'number') as number),
    recordEvery: integerFlag(args, 'record-every', (args['record-every'] as number | undefined) ?? 1),
    integrator: integrator as Integrator,
    velocity: args.velocity === true,
    t0: (args.t0 as number | undefined) ?? 0,
  };
  validateSimulation(options);
  return { options, out, format, adapter: args.adapter as string | undefined };
}

function required(args: ParsedArgs, name: string, type: 'string' | 'number'): string | number {
  const value = args[name];
  if (value === undefined) throw new Error(`--${name} is required\n${SIMULATE_USAGE}`);
  if (typeof value !== type) throw new Error(`--${name} must be a ${type}`);
  return value as string | number;
}

function integerFlag(args: ParsedArgs, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be an integer >= 1, got ${value}`);
  return value;
}

/** The output format from --out's extension; the directory must exist. */
function outputFormat(out: string): 'npy' | 'csv' {
  const ext = extname(out).toLowerCase();
  if (ext !== '.npy' && ext !== '.csv') throw new Error(`--out must end in .npy or .csv, got '${out}'`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--out: directory '${dir}' does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new Error(`--out: '${out}' is a directory`);
  return ext === '.npy' ? 'npy' : 'csv';
}

/** Oscillators from --params FILE.csv, or an ensemble from --count and per-parameter flags. */
function oscillators(args: ParsedArgs): OscillatorColumns {
  const specs: Partial<Record<ParamName, ParamSpec>> = {};
  for (const name of PARAM_NAMES) if (args[name] !== undefined) specs[name] = args[name] as string;
  const file = args.params as string | undefined;
  if (file !== undefined) {
    const extra = ['count', 'seed', ...Object.keys(specs)].filter((n) => args[n] !== undefined);
    if (extra.length > 0) throw new Error(`--${extra[0]} cannot be combined with --params (the CSV gives every oscillator)`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`--params: cannot read '${file}': ${(e as Error).message}`);
    }
    return parseParamsCsv(text, file);
  }
  const count = integerFlag(args, 'count', (args.count as number | undefined) ?? 1);
  return buildEnsemble({ count, seed: (args.seed as number | undefined) ?? 0, specs });
}

/** Writes to a temporary file beside the output, then renames it into place. */
function writeAtomically(command: SimulateCommand, data: Float32Array, samples: number): void {
  const { out, options } = command;
  const count = data.length / (samples * (options.velocity ? 2 : 1));
  const tmp = join(dirname(resolve(out)), `.${basename(out)}.${process.pid}.${Date.now()}.tmp`);
  try {
    if (command.format === 'npy') {
      writeFileSync(tmp, encodeNpyFloat32(data, options.velocity ? [count, samples, 2] : [count, samples]));
    } else {
      writeCsv(tmp, { data, count, samples, velocity: options.velocity, dt: options.dt, recordEvery: options.recordEvery, t0: options.t0 });
    }
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function writeCsv(path: string, opts: Parameters<typeof trajectoryCsvLines>[0]): void {
  const fd = openSync(path, 'w');
  try {
    let block: string[] = [];
    for (const line of trajectoryCsvLines(opts)) {
      block.push(line);
      if (block.length === 65536) {
        writeSync(fd, block.join('\n') + '\n');
        block = [];
      }
    }
    if (block.length > 0) writeSync(fd, block.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}
