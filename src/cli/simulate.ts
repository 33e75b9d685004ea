// simulate.ts — `springloop simulate`: integrate oscillators on the GPU and write the
// trajectory as .npy (float32 [N, S] or [N, S, 2]) or .csv (oscillator,sample,t,x[,v]).
// Oscillators come from --params FILE.csv, or from --count N with per-parameter flags
// (a number, or lo:hi drawn uniformly with --seed). Every argument is checked before the GPU
// is touched, and the memory and disk the run needs are estimated from the flags before
// anything is allocated (an impossible request names the flag and the limit). An existing
// --out is replaced only with --overwrite. The output goes through writeFileAtomic, so a
// failed or interrupted run (Ctrl-C quits at once: there is nothing to save) leaves no file
// and no temporary. A summary (and, for long runs, progress) goes to stderr.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { init } from '../gpu/device';
import { Scheduler } from '../gpu/scheduler';
import { simulate, type SimulateOptions } from '../physics/simulate';
import { validateRunOptions, validateSimulation } from '../physics/validate';
import { planSimulation } from '../physics/simulate-plan';
import { buildEnsemble, parseParamSpec, type ParamSpec } from '../physics/ensemble';
import { parseParamsCsv } from '../io/params-csv';
import { encodeNpyFloat32 } from '../io/npy';
import { trajectoryCsvLines, type TrajectoryCsvOptions } from '../io/csv-out';
import { checkWritableDir, removeStaleTemporaries, writeFileAtomic } from '../io/atomic-file';
import { checkDiskSpace, checkHostMemory, hostMemory } from '../io/host-limits';
import { checkDeviceNeeds, formatBytes, type MemoryNeed } from '../util/sizes';
import { INTEGRATORS, PARAM_NAMES, oscillatorCount, sampleCount, type Integrator, type OscillatorColumns, type ParamName } from '../physics/oscillator';
import { rk4Layout } from '../kernels/rk4';
import { parseArgs, type FlagSpec, type ParsedArgs } from './args';
import { watchInterrupts } from './interrupt';
import { requireInteger } from '../util/check';

/** `springloop simulate --help`. */
export const SIMULATE_USAGE = `usage: springloop simulate (--params FILE.csv | --count N [--m X --c X ... --seed S])
         --dt D --steps N [--record-every R] [--integrator rk4|euler|symplectic]
         [--velocity] [--t0 T] --out FILE.npy|FILE.csv [--overwrite] [--adapter NAME]
  parameter flags: ${PARAM_NAMES.map((n) => `--${n}`).join(' ')} take a number or a range lo:hi
  an existing --out file is replaced only with --overwrite; Ctrl-C leaves no partial file`;

const SPEC: FlagSpec = {
  params: 'string', count: 'number', seed: 'number',
  dt: 'number', steps: 'number', 'record-every': 'number', integrator: 'string', velocity: 'boolean', t0: 'number',
  out: 'string', overwrite: 'boolean', adapter: 'string',
  ...Object.fromEntries(PARAM_NAMES.map((n) => [n, 'string'])),
};

/** Progress lines start once a run has taken this long, then repeat at this interval. */
const PROGRESS_MS = 2000;

/** What to simulate: the oscillators are built only after the size checks. */
interface SimulateCommand {
  options: Omit<SimulateOptions, 'params'>;
  /** From --params (already parsed), or --count with the per-parameter specs. */
  params: OscillatorColumns | null;
  ensemble: { count: number; seed: number; specs: Partial<Record<ParamName, ParamSpec>> } | null;
  count: number;
  samples: number;
  out: string;
  format: 'npy' | 'csv';
  adapter?: string;
}

/** `springloop simulate`: checks, sizes, simulates, writes; returns the exit code (130 / 143 when interrupted). */
export async function runSimulate(argv: string[]): Promise<number> {
  const command = parseSimulateArgs(argv);
  checkHostMemory(hostNeeds(command));
  await checkWritableDir(dirname(resolve(command.out)), `--out ${command.out}`);
  await checkDiskSpace(command.out, [diskNeed(command)]);
  await removeStaleTemporaries(dirname(resolve(command.out)), 0, (target) => target === basename(command.out));
  const params = command.params ?? buildEnsemble(command.ensemble!);
  validateSimulation({ ...command.options, params });
  const watch = watchInterrupts('simulate', 'quitting', false); // nothing to save: quit at once, leaving no file
  try {
    return await simulateAndWrite(command, params);
  } finally {
    watch.dispose();
  }
}

/** On the GPU: the device's limits, the run, its readback, the output file. */
async function simulateAndWrite(command: SimulateCommand, params: OscillatorColumns): Promise<number> {
  const { count, samples, options } = command;
  const ctx = await init({ adapter: command.adapter });
  const sched = new Scheduler(ctx);
  try {
    checkDeviceNeeds(deviceNeeds(command), sched.device.limits);
    planSimulation({ count, samples, recordEvery: options.recordEvery, velocity: options.velocity ?? false, ...rk4Layout() }, sched.device.limits);
    const started = performance.now();
    let lastReport = started;
    const trajectory = await simulate(sched, {
      ...options, params,
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
    await writeOutput(command, data);
    const work = count * (samples - 1) * options.recordEvery;
    console.error(
      `simulate: N=${count} oscillators, S=${samples} samples (${options.integrator}, dt=${options.dt}, ${work / count} steps) ` +
        `on ${ctx.adapterName} in ${seconds.toFixed(3)} s: ${(work / seconds).toExponential(3)} oscillator-steps/s -> ${command.out}`,
    );
    return 0;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}

/** Parses and checks every argument (no GPU work, no allocation by --count); throws an Error naming the flag. */
export function parseSimulateArgs(argv: string[]): SimulateCommand {
  const args = parseArgs(argv, SPEC);
  if (args._.length > 0) throw new Error(`unexpected argument '${args._[0]}'\n${SIMULATE_USAGE}`);
  const out = required(args, 'out', 'string') as string;
  const format = outputFormat(out, args.overwrite === true);
  const integrator = (args.integrator ?? 'rk4') as string;
  if (!(INTEGRATORS as readonly string[]).includes(integrator)) {
    throw new Error(`--integrator must be one of ${INTEGRATORS.join(', ')}, got '${integrator}'`);
  }
  const options: SimulateCommand['options'] = {
    dt: required(args, 'dt', 'number') as number,
    steps: integerFlag(args, 'steps', required(args, 'steps', 'number') as number),
    recordEvery: integerFlag(args, 'record-every', (args['record-every'] as number | undefined) ?? 1),
    integrator: integrator as Integrator,
    velocity: args.velocity === true,
    t0: (args.t0 as number | undefined) ?? 0,
  };
  if (options.recordEvery > options.steps) {
    throw new Error(`--record-every ${options.recordEvery} is more than --steps ${options.steps}: only the initial state would be recorded`);
  }
  validateRunOptions(options);
  const { params, ensemble } = oscillators(args);
  const count = params ? oscillatorCount(params) : ensemble!.count;
  if (params) validateSimulation({ ...options, params });
  return { options, params, ensemble, count, samples: sampleCount(options.steps, options.recordEvery), out, format, adapter: args.adapter as string | undefined };
}

/** The flags that set the trajectory's size, as a message names them. */
function sizeCause(c: SimulateCommand): string {
  const n = c.params ? `${c.count} oscillators of --params` : `--count ${c.count}`;
  return `${n} --steps ${c.options.steps}${c.options.recordEvery > 1 ? ` --record-every ${c.options.recordEvery}` : ''}${c.options.velocity ? ' --velocity' : ''}`;
}

function trajectoryFloats(c: SimulateCommand): number {
  return c.count * c.samples * (c.options.velocity ? 2 : 1);
}

/** Host memory: the parameter columns (--count), the trajectory read back, and the .npy bytes. */
function hostNeeds(c: SimulateCommand): MemoryNeed[] {
  const shape = `[${c.count}, ${c.samples}${c.options.velocity ? ', 2' : ''}]`;
  const needs: MemoryNeed[] = [
    { what: `the trajectory ${shape} read back (float32)`, bytes: 4 * trajectoryFloats(c), cause: sizeCause(c), elements: trajectoryFloats(c) },
    { what: 'the packed parameter rows', bytes: rk4Layout().paramBytes * c.count, cause: `--count ${c.count}`, elements: (rk4Layout().paramBytes / 4) * c.count },
  ];
  if (c.ensemble) needs.push({ what: 'the parameter columns (8 float64 per oscillator)', bytes: 64 * c.count, cause: `--count ${c.count}`, elements: c.count });
  if (c.format === 'npy') needs.push({ what: 'the .npy file\'s bytes', bytes: 4 * trajectoryFloats(c), cause: sizeCause(c) });
  return needs;
}

/** Disk: the .npy file exactly; a lower bound for the CSV (8 characters a line, 10 with v). */
function diskNeed(c: SimulateCommand): MemoryNeed {
  const bytes = c.format === 'npy' ? 128 + 4 * trajectoryFloats(c) : c.count * c.samples * (c.options.velocity ? 10 : 8);
  return { what: `the ${c.format === 'npy' ? '.npy' : '.csv (at least)'} output`, bytes, cause: sizeCause(c) };
}

/** Device buffers: the trajectory and the packed parameters. */
function deviceNeeds(c: SimulateCommand): MemoryNeed[] {
  return [
    { what: 'the trajectory on the GPU', bytes: 4 * trajectoryFloats(c), cause: sizeCause(c) },
    { what: 'the oscillator parameters on the GPU', bytes: rk4Layout().paramBytes * c.count, cause: `--count ${c.count}` },
  ];
}

function required(args: ParsedArgs, name: string, type: 'string' | 'number'): string | number {
  const value = args[name];
  if (value === undefined) throw new Error(`--${name} is required\n${SIMULATE_USAGE}`);
  if (typeof value !== type) throw new Error(`--${name} must be a ${type}`);
  return value as string | number;
}

function integerFlag(args: ParsedArgs, name: string, value: number, min = 1): number {
  return requireInteger(`--${name}`, value, { min });
}

/** The output format from --out's extension; the directory must exist, an existing file needs --overwrite. */
function outputFormat(out: string, overwrite: boolean): 'npy' | 'csv' {
  const ext = extname(out).toLowerCase();
  if (ext !== '.npy' && ext !== '.csv') throw new Error(`--out must end in .npy or .csv, got '${out}'`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--out: directory '${dir}' does not exist`);
  if (existsSync(out)) {
    if (statSync(out).isDirectory()) throw new Error(`--out: '${out}' is a directory`);
    if (!overwrite) throw new Error(`--out ${out} already exists; add --overwrite to replace it, or choose another file`);
  }
  return ext === '.npy' ? 'npy' : 'csv';
}

/** Oscillators from --params FILE.csv (parsed now: its size is the file's), or the specs of an ensemble. */
function oscillators(args: ParsedArgs): Pick<SimulateCommand, 'params' | 'ensemble'> {
  const specs: Partial<Record<ParamName, ParamSpec>> = {};
  for (const name of PARAM_NAMES) if (args[name] !== undefined) specs[name] = args[name] as string;
  const file = args.params as string | undefined;
  if (file !== undefined) {
    const extra = ['count', 'seed', ...Object.keys(specs)].filter((n) => args[n] !== undefined);
    if (extra.length > 0) throw new Error(`--${extra[0]} cannot be combined with --params (the CSV gives every oscillator)`);
    return { params: readParamsFile(file), ensemble: null };
  }
  for (const [name, spec] of Object.entries(specs)) parseParamSpec(`--${name}`, spec);
  const count = integerFlag(args, 'count', (args.count as number | undefined) ?? 1);
  const seed = args.seed === undefined ? 0 : integerFlag(args, 'seed', args.seed as number, 0);
  return { params: null, ensemble: { count, seed, specs } };
}

/** Reads and parses a params CSV whose text (and parse) fits in memory. */
function readParamsFile(file: string): OscillatorColumns {
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch (e) {
    throw new Error(`--params: cannot read '${file}': ${(e as Error).message}`);
  }
  const { free } = hostMemory();
  if (16 * bytes > free) throw new Error(`--params ${file} is ${formatBytes(bytes)}; parsing it needs about ${formatBytes(16 * bytes)} of host memory, and ${formatBytes(free)} is free`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`--params: cannot read '${file}': ${(e as Error).message}`);
  }
  return parseParamsCsv(text, file);
}

/** Writes the trajectory through writeFileAtomic: .npy bytes, or CSV in blocks of lines. */
async function writeOutput(command: SimulateCommand, data: Float32Array): Promise<void> {
  const { out, options, count, samples } = command;
  if (command.format === 'npy') {
    await writeFileAtomic(out, encodeNpyFloat32(data, options.velocity ? [count, samples, 2] : [count, samples]));
    return;
  }
  const csv: TrajectoryCsvOptions = { data, count, samples, velocity: options.velocity, dt: options.dt, recordEvery: options.recordEvery, t0: options.t0 };
  await writeFileAtomic(out, csvBlocks(csv));
}

/** The CSV text in blocks of 65536 lines. */
function* csvBlocks(opts: TrajectoryCsvOptions): Generator<string> {
  let block: string[] = [];
  for (const line of trajectoryCsvLines(opts)) {
    block.push(line);
    if (block.length === 65536) {
      yield block.join('\n') + '\n';
      block = [];
    }
  }
  if (block.length > 0) yield block.join('\n') + '\n';
}
