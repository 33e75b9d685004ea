// analyze.ts — `springloop analyze`: the dynamics of a recurrent model (gradient norms through
// time, Jacobian spectra and Lyapunov exponents along a trajectory, fixed points) written as
// --out DIR/analysis.json and analysis.svg; or one of the two gradient experiments
// (--experiment rho-sweep | long-memory) as DIR/<experiment>.json and .svg. Every flag is
// checked before any GPU work; progress goes to stderr.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, type FlagSpec } from './args';
import { init } from '../gpu/device';
import { Scheduler } from '../gpu/scheduler';
import { checkWritableDir, writeFileAtomic } from '../io/atomic-file';
import { analyzeModel } from '../analysis/analyze';
import { analysisJson } from '../analysis/report';
import { renderAnalysisFigure } from '../report/dynamics-figure';
import { physicsSource, savedModelPlan, savedModelSource, type AnalysisSource } from './analyze-sources';
import { runExperiment, EXPERIMENTS } from './analyze-experiments';
import { requireInteger, requireNumber, requireOneOf } from '../util/check';

const FLAGS: FlagSpec = {
  model: 'string', dataset: 'string', 'physics-rnn': 'boolean', k: 'number', c: 'number', dt: 'number', u: 'number',
  steps: 'number', sequences: 'number', starts: 'number', iterations: 'number', noise: 'number', seed: 'number',
  experiment: 'string', quick: 'boolean', out: 'string', adapter: 'string',
};

/** `springloop analyze --help`. */
export const ANALYZE_USAGE = `usage: springloop analyze (--model FILE | --physics-rnn --k K --c C --dt DT | --experiment NAME) [options]

  The recurrent model as a dynamical system: ‖∂L/∂h_t‖ per layer and step (from the backward
  kernels), the Jacobians J_t = ∂s_t/∂s_{t-1} along a trajectory (spectral radius, largest
  singular value, finite-time Lyapunov exponents), and the fixed points for a constant input
  (found from many starts at once on the GPU, classified stable / saddle / unstable by the
  eigenvalues of J). Writes DIR/analysis.json and DIR/analysis.svg.

  --model FILE         weights springloop train wrote (RUN/<cell>.safetensors); RUN/config.json
                       gives its sizes and data
  --dataset NAME       analyse it on another data set than its run's (same names as train)
  --sequences N        test windows fed to it (default 8)
  --physics-rnn        the exercise's 2-unit RNN (Euler for x'' + c x' + k x = u) with
  --k K --c C --dt DT  its spring, damping and step; --u U constant input (default 0),
                       --steps N from h0 = (1, 0) (default 200); the closed form goes in 'theory'
  --starts N           fixed-point starts: visited states plus noise (default 64)
  --noise S            the starts' noise, relative to the visited states' spread (default 0.1)
  --iterations N       Adam iterations of the fixed-point search (default 1500)
  --seed N             seed of the starts (default 0)
  --experiment NAME    rho-sweep: tanh and linear RNNs with W_hh scaled to spectral radius
                       0.5, 0.9, 1, 1.1, 1.5 (gradient norm against t, per-step rate);
                       long-memory: RNN vs LSTM vs GRU reading T = 10..200 samples of a forced
                       oscillator and outputting x0 (test error, ‖∂L/∂h₁‖/‖∂L/∂h_T‖); --quick: small
  --out DIR            output directory (default ./runs/analysis-<timestamp>/)
  --adapter NAME       lavapipe | swiftshader | any substring of the adapter's name

examples:
  springloop analyze --physics-rnn --k 1 --c -0.5 --dt 0.01 --out runs/neg-damping
  springloop analyze --model runs/main/lstm.safetensors --out runs/main/lstm-analysis
  springloop analyze --experiment rho-sweep --out runs/rho`;

interface Resolved {
  args: Record<string, unknown>;
  outDir: string;
}

function timestamp(): string {
  return new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, '');
}

/** Checks the flags' combination and values; throws naming the flag. */
export function resolveAnalyzeArgs(argv: readonly string[]): Resolved {
  const args = parseArgs(argv, FLAGS) as Record<string, unknown> & { _: string[] };
  if (args._.length > 0) throw new Error(`unexpected argument '${args._[0]}' (flags start with --)`);
  const modes = (['model', 'physics-rnn', 'experiment'] as const).filter((k) => args[k] !== undefined);
  if (modes.length !== 1) throw new Error(`give exactly one of --model FILE, --physics-rnn or --experiment NAME${modes.length ? ` (got --${modes.join(', --')})` : ''}`);
  if (args['physics-rnn']) {
    for (const k of ['k', 'c', 'dt'] as const) if (args[k] === undefined) throw new Error(`--physics-rnn needs --${k}`);
    requireNumber('--dt', args.dt, { min: 0, exclusiveMin: true });
  } else {
    for (const k of ['k', 'c', 'dt', 'u', 'steps'] as const) if (args[k] !== undefined) throw new Error(`--${k} applies to --physics-rnn only`);
  }
  if (args.dataset !== undefined && args.model === undefined) throw new Error('--dataset applies to --model only');
  if (args.experiment !== undefined) requireOneOf('--experiment', args.experiment, EXPERIMENTS);
  if (args.quick && args.experiment === undefined) throw new Error('--quick applies to --experiment only');
  for (const k of ['steps', 'sequences', 'starts', 'iterations'] as const) if (args[k] !== undefined) requireInteger(`--${k}`, args[k], { min: 1 });
  if (args.seed !== undefined) requireInteger('--seed', args.seed, { min: 0 });
  if (args.noise !== undefined) requireNumber('--noise', args.noise, { min: 0 });
  return { args, outDir: (args.out as string | undefined) ?? join('runs', `analysis-${timestamp()}`) };
}

function progressLine(phase: string, done: number, total: number): void {
  process.stderr.write(`${phase} ${done}/${total}\n`);
}

async function analyzeSource(sched: Scheduler, src: AnalysisSource, args: Record<string, unknown>, outDir: string, adapter: string): Promise<void> {
  const result = await analyzeModel(sched, src.model, {
    x: src.x, h0: src.h0, target: src.target, input: src.input,
    starts: args.starts as number | undefined, noise: args.noise as number | undefined,
    iterations: args.iterations as number | undefined, seed: args.seed as number | undefined, onProgress: progressLine,
  });
  const json = analysisJson(src.model.config, result, { source: src.source, adapter, loss: src.loss, theory: src.theory });
  await writeFileAtomic(join(outDir, 'analysis.json'), JSON.stringify(json, null, 1));
  await writeFileAtomic(join(outDir, 'analysis.svg'), renderAnalysisFigure(json, result));
  const fp = json.fixed_points;
  console.log(`${src.source}\n  ${fp.length} fixed point(s) for u* = [${json.input.join(', ')}]: ${fp.map((p) => `${p.stability}${p.oscillatory ? ' (oscillatory)' : ''}, q ${p.q.toExponential(1)}, |λ|max ${Math.hypot(...p.eigenvalues[0]!).toFixed(6)}`).join('; ') || 'none below the tolerance'}`);
  const rho = json.spectral_radius;
  console.log(`  spectral radius along the trajectory: ${Math.min(...rho).toFixed(4)} .. ${Math.max(...rho).toFixed(4)}; Lyapunov exponents (per step): ${json.lyapunov.slice(0, 4).map((v) => v.toFixed(5)).join(', ')}`);
  console.log(`  ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ per layer: ${json.gradient_norms.map((n) => (n[0]! / n[n.length - 1]!).toExponential(2)).join(', ')}`);
  console.log(`wrote ${join(outDir, 'analysis.json')}, ${join(outDir, 'analysis.svg')}`);
}

/** Runs `springloop analyze` with argv (after the command name); returns the exit code. */
export async function runAnalyze(argv: string[]): Promise<number> {
  const { args, outDir } = resolveAnalyzeArgs(argv);
  if (args.model !== undefined) await savedModelPlan(args.model as string, args.dataset as string | undefined); // file, config and data errors before the GPU
  await checkWritableDir(outDir, `--out ${outDir}`);
  await mkdir(outDir, { recursive: true });
  const ctx = await init({ adapter: args.adapter as string | undefined });
  const sched = new Scheduler(ctx);
  try {
    if (args.experiment !== undefined) {
      await runExperiment(sched, args.experiment as (typeof EXPERIMENTS)[number], Boolean(args.quick), outDir, ctx.adapterName);
      return 0;
    }
    const src = args.model !== undefined
      ? await savedModelSource(sched, args.model as string, (args.sequences as number | undefined) ?? 8, args.dataset as string | undefined)
      : await physicsSource(sched, { k: args.k as number, c: args.c as number, dt: args.dt as number }, (args.u as number | undefined) ?? 0, (args.steps as number | undefined) ?? 200);
    try {
      await analyzeSource(sched, src, args, outDir, ctx.adapterName);
    } finally {
      src.destroy();
    }
    return 0;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}
