// esn.bench.ts — echo state networks on the main job's task (the lecture's oscillator, the
// residual target, 5000 samples): springloop's fit — the reservoir driven over the whole series
// in one submit, then the readout (centred Gram on the GPU, Cholesky in float64 on the host) — for
// N = 500, 1000, 2000, 4000 units with a sparse W (the default density) and a dense one, beside
// the textbook NumPy ESN fed the very same reservoir and series (bench/peers/numpy-esn.ts).
// Validate, then time: the peer's readout must reproduce springloop's predictions of the test
// windows (relative PRED_TOLERANCE) or the run stops; the readout weights' difference is a note.
// Rows (unit: samples driven per second of drive + readout):
//   esn/fit/<sparse|dense>/N                 springloop, build time (draw + spectral radius) in the notes
//   peer/numpy-esn/esn/fit/<sparse|dense>/N  NumPy float64 (W stored dense, as the textbook does)
import type { Scheduler } from '../src/gpu/scheduler';
import { materializeDataset, type GpuWindows } from '../src/data/gpu-data';
import { createWindows } from '../src/train/session';
import { mergeConfig } from '../src/train/config';
import { planRun } from '../src/train/plan';
import { esnSettingsOf } from '../src/esn/config';
import { EsnForecast } from '../src/esn/esn-forecast';
import { summarize, type BenchRow } from './stats';
import { numpyPython, runNumpyEsn } from './peers/numpy-esn';
import { isReferenceBlas } from './peers/blas';
import { relativeDifference } from '../src/reference/esn';

const PRED_TOLERANCE = 1e-4;

export interface EsnBenchOptions {
  quick?: boolean;
  log?: (line: string) => void;
  notes?: string[];
  /** Reservoir sizes (default 500, 1000, 2000, 4000; quick: 500, 1000). */
  sizes?: readonly number[];
  /** Time the peer even on Netlib's reference BLAS (refused by default: NumPy's users run OpenBLAS or MKL). */
  allowReferenceBlas?: boolean;
}

export async function benchEsn(sched: Scheduler, opts: EsnBenchOptions = {}): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const plan = planRun(mergeConfig({ cells: ['esn'] }));
  const traj = await materializeDataset(sched, plan.spec);
  const data = await createWindows(sched, traj, plan.windows, plan.features);
  try {
    const [inputs, targets] = (await sched.readMany([data.feat, data.tgt])) as Float32Array[];
    let python = await numpyPython();
    if (!python) opts.notes?.push('numpy-esn: skipped: no Python with numpy (Debian: python3-numpy)');
    const rows: BenchRow[] = [];
    const samples = plan.windows.rows * plan.windows.samples;
    for (const units of opts.sizes ?? (opts.quick ? [500, 1000] : [500, 1000, 2000, 4000])) {
      for (const kind of ['sparse', 'dense'] as const) {
        const settings = { ...esnSettingsOf(plan.config), reservoir: units, density: kind === 'dense' ? 1 : plan.config.density };
        const name = `esn/fit/${kind}/${units}`;
        const own = await timeSpringloop(sched, data, settings, plan.config.seed, opts.quick || units >= 2000 ? 1 : 3);
        rows.push(summarize(name, own.times, 'samples/s', samples, own.notes));
        log(`${name}: ${own.times[0]!.toFixed(0)} ms (test MSE ÷ linear ${own.notes.test_mse_vs_linear})`);
        if (!python) continue;
        const peer = await runNumpyEsn(python, {
          reservoir: own.reservoir, ridge: settings.ridge, rows: plan.windows.rows, samples: plan.windows.samples, fitEnd: plan.windows.statEnd,
          predOffset: plan.windows.seq - 1, inputs, targets, starts: plan.windows.testStarts, runs: opts.quick || units >= 2000 ? 1 : 2,
        });
        if (isReferenceBlas(peer.blas) && !opts.allowReferenceBlas) {
          opts.notes?.push(`numpy-esn: refused: NumPy ${peer.numpy} loaded ${peer.blas.label} (${peer.blas.library}), which is not how NumPy's users run it; \`bash scripts/setup-peers.sh\` installs libopenblas0-pthread (or pass --allow-reference-blas to time it anyway)`);
          python = null;
          continue;
        }
        const predDiff = relativeDifference(own.pred, peer.pred);
        const readoutDiff = relativeDifference(own.readout, peer.readout);
        if (!(predDiff <= PRED_TOLERANCE)) throw new Error(`${name}: the NumPy peer's predictions differ from springloop's by ${predDiff.toExponential(2)} (relative), more than ${PRED_TOLERANCE}`);
        const peerTimes = peer.runs.map((r) => r.drive_ms + r.fit_ms);
        rows.push(summarize(`peer/numpy-esn/${name}`, peerTimes, 'samples/s', samples, {
          drive_ms: Math.round(peer.runs[0]!.drive_ms), fit_ms: Math.round(peer.runs[0]!.fit_ms), numpy: peer.numpy, blas: peer.blas.label, threads: peer.threads,
          pred_rel_diff: Number(predDiff.toExponential(2)), readout_rel_diff: Number(readoutDiff.toExponential(2)),
        }));
        log(`peer/numpy-esn/${name}: ${peerTimes[0]!.toFixed(0)} ms; predictions within ${predDiff.toExponential(1)}, readout within ${readoutDiff.toExponential(1)}`);
      }
    }
    if (python) opts.notes?.push(`numpy-esn: ${python}; the peer is fed springloop's reservoir and series and checked on its test predictions (relative ${PRED_TOLERANCE}) before its times count`);
    return rows;
  } finally {
    data.destroy();
    traj.destroy();
  }
}

// `runs` fits from scratch (build, drive, readout; one more as a warm-up when runs > 1); the
// times are drive + readout. The last fit's reservoir, readout and raw test predictions come back.
async function timeSpringloop(sched: Scheduler, data: GpuWindows, settings: ReturnType<typeof esnSettingsOf>, seed: number, runs: number) {
  const times: number[] = [];
  const total = runs + (runs > 1 ? 1 : 0);
  for (let k = 0; ; k++) {
    const esn = await EsnForecast.create(sched, data, settings, seed);
    try {
      const t = await esn.fit();
      if (k >= total - runs) times.push(1000 * (t.driveSeconds + t.solveSeconds));
      if (k < total - 1) continue;
      const test = await esn.evaluate('test');
      const notes = {
        build_ms: Math.round(1000 * t.buildSeconds), drive_ms: Math.round(1000 * t.driveSeconds), readout_ms: Math.round(1000 * t.solveSeconds),
        power_products: esn.esn.powerIterations, test_mse_vs_linear: Number((test.evaluation.model.mse / test.evaluation.linear.mse).toExponential(2)),
      };
      const pred = Float64Array.from(await esn.readoutAt(data.plan.testStarts));
      return { times, notes, reservoir: await esn.esn.exportReservoir(), readout: esn.esn.readout!, pred };
    } finally {
      esn.destroy();
    }
  }
}
