// analyze-experiments.ts — `springloop analyze --experiment NAME`: the two gradient
// experiments of the dynamics analysis, each written as DIR/NAME.json and DIR/NAME.svg with a
// table on stdout. rho-sweep runs a tanh and a linear RNN (src/analysis/rho-sweep.ts);
// long-memory RNN, LSTM and GRU against T (src/analysis/long-memory.ts). --quick: small sizes.
import { join } from 'node:path';
import type { Scheduler } from '../gpu/scheduler';
import { writeFileAtomic } from '../io/atomic-file';
import { rhoSweep } from '../analysis/rho-sweep';
import { longMemoryExperiment } from '../analysis/long-memory';
import { renderLongMemoryFigure, renderRhoSweepFigure } from '../report/dynamics-figure';

/** The names --experiment takes. */
export const EXPERIMENTS = ['rho-sweep', 'long-memory'] as const;

async function rhoExperiment(sched: Scheduler, quick: boolean, outDir: string, adapter: string): Promise<void> {
  const size = quick ? { hidden: 16, steps: 40, batch: 4 } : { hidden: 64, steps: 80, batch: 32 };
  const tanh = await rhoSweep(sched, { cell: 'rnn_tanh', ...size });
  const linear = await rhoSweep(sched, { cell: 'rnn_identity', ...size });
  console.log(`rho   rate tanh  rate linear   (per-step factor of ‖∂L/∂h_t‖ back in time; H ${size.hidden}, T ${size.steps}, B ${size.batch})`);
  tanh.forEach((r, i) => console.log(`${r.rho.toFixed(2).padEnd(5)} ${r.rate.toFixed(4).padStart(9)}  ${linear[i]!.rate.toFixed(4).padStart(11)}`));
  await writeFileAtomic(join(outDir, 'rho-sweep.json'), JSON.stringify({ adapter, settings: size, tanh, linear }, null, 1));
  await writeFileAtomic(join(outDir, 'rho-sweep.svg'), renderRhoSweepFigure(tanh, 'tanh RNN', adapter));
  await writeFileAtomic(join(outDir, 'rho-sweep-linear.svg'), renderRhoSweepFigure(linear, 'linear RNN', adapter));
  console.log(`wrote ${join(outDir, 'rho-sweep.json')}, rho-sweep.svg, rho-sweep-linear.svg`);
}

async function memoryExperiment(sched: Scheduler, quick: boolean, outDir: string, adapter: string): Promise<void> {
  const settings = quick ? { lengths: [10, 25, 50], iterations: 100, train: 128, test: 64 } : {};
  console.log('cell      T   test MSE/Var  ratio init  ratio trained   (ratio = ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖)');
  const rows = await longMemoryExperiment(sched, {
    ...settings,
    onRow: (r) => console.log(`${r.cell.padEnd(8)} ${String(r.steps).padStart(3)}  ${r.testError.toFixed(3).padStart(12)}  ${r.ratioInit.toExponential(2).padStart(10)}  ${r.ratioTrained.toExponential(2).padStart(13)}`),
  });
  await writeFileAtomic(join(outDir, 'long-memory.json'), JSON.stringify({ adapter, settings, rows }, null, 1));
  await writeFileAtomic(join(outDir, 'long-memory.svg'), renderLongMemoryFigure(rows, adapter));
  console.log(`wrote ${join(outDir, 'long-memory.json')}, long-memory.svg`);
}

/** Runs one experiment and writes its files into outDir. */
export async function runExperiment(sched: Scheduler, name: (typeof EXPERIMENTS)[number], quick: boolean, outDir: string, adapter: string): Promise<void> {
  if (name === 'rho-sweep') await rhoExperiment(sched, quick, outDir, adapter);
  else await memoryExperiment(sched, quick, outDir, adapter);
}
