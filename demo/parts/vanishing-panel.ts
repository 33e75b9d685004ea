// vanishing-panel.ts — panel 5, "Why gradients vanish": pick a cell and a recurrent-weight
// scale, press Train, and the page trains an RNN, an LSTM and a GRU briefly on the GPU
// (vanishing-run.ts), redrawing ‖∂L/∂h_t‖ against t for all three after every round — the
// picked cell drawn bold — with ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ in the readout.
import { LineChart } from './chart';
import { fmt, showError } from './system-panel';
import { VANISH, VANISH_CELLS, VanishingRun, type CellCurve } from './vanishing-run';
import type { PageGpu } from './gpu';
import type { CellType } from '../../src/model';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const COLORS: Record<string, string> = { rnn_tanh: '--series-1', lstm: '--series-2', gru: '--series-3' };
const NAMES: Record<string, string> = { rnn_tanh: 'RNN', lstm: 'LSTM', gru: 'GRU' };
const ROUNDS = 6;

/** What a run of the panel ended with (the test hook's answer). */
export interface VanishingResult {
  scale: number;
  steps: number;
  curves: CellCurve[];
  /** The fixed batch and each cell's final weights, to recompute the curves in float64. */
  x: number[];
  y: number[];
  parameters: Record<string, Record<string, number[]>>;
}

/** Panel 5's controls, live chart and readout. */
export class VanishingPanel {
  private readonly chart: LineChart;
  private busy: Promise<VanishingResult> | null = null;

  constructor(private readonly gpu: PageGpu) {
    this.chart = new LineChart($('vanish-chart'), { xLabel: 't', title: '‖∂L/∂hₜ‖ (batch mean)', logY: true, placeholder: 'press Train' });
    $('vanish-scale').addEventListener('input', () => ($('vanish-scale-value').textContent = Number(($('vanish-scale') as HTMLInputElement).value).toFixed(2)));
    $('vanish-train').addEventListener('click', () => void this.train().catch((e) => showError($('vanish-readout'), e)));
  }

  /** Trains `rounds` rounds with the panel's (or the given) settings; resolves with the last curves. */
  train(opts: { cell?: CellType; scale?: number; rounds?: number } = {}): Promise<VanishingResult> {
    if (opts.cell) ($('vanish-cell') as HTMLSelectElement).value = opts.cell;
    if (opts.scale !== undefined) {
      ($('vanish-scale') as HTMLInputElement).value = String(opts.scale);
      $('vanish-scale').dispatchEvent(new Event('input'));
    }
    this.busy ??= this.run(opts.rounds ?? ROUNDS).finally(() => {
      this.busy = null;
      ($('vanish-train') as HTMLButtonElement).disabled = false;
    });
    return this.busy;
  }

  private async run(rounds: number): Promise<VanishingResult> {
    ($('vanish-train') as HTMLButtonElement).disabled = true;
    const scale = Number(($('vanish-scale') as HTMLInputElement).value);
    const run = await this.gpu.run((sched) => VanishingRun.create(sched, scale));
    try {
      let curves = await this.gpu.run(() => run.measure());
      this.draw(curves, run.stepsTaken, scale);
      for (let r = 0; r < rounds; r++) {
        curves = await this.gpu.run(async () => {
          await run.round();
          return run.measure();
        });
        this.draw(curves, run.stepsTaken, scale);
      }
      const parameters: VanishingResult['parameters'] = {};
      for (const cell of VANISH_CELLS) {
        const p = await this.gpu.run(() => run.parameters(cell));
        parameters[cell] = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.from(v)]));
      }
      return { scale, steps: run.stepsTaken, curves, x: Array.from(run.evalData.x), y: Array.from(run.evalData.y), parameters };
    } finally {
      await this.gpu.run(async () => run.destroy());
    }
  }

  private draw(curves: CellCurve[], steps: number, scale: number): void {
    const picked = ($('vanish-cell') as HTMLSelectElement).value;
    const t = Array.from({ length: VANISH.steps }, (_, i) => i + 1);
    this.chart.set(t, curves.map((c) => ({ label: NAMES[c.cell]!, color: COLORS[c.cell]!, y: c.norms, width: c.cell === picked ? 3.5 : 1.5 })));
    const ratio = (c: CellCurve) => c.norms[0]! / c.norms[VANISH.steps - 1]!;
    const pickedCurve = curves.find((c) => c.cell === picked)!;
    $('vanish-readout').textContent = `after ${steps} Adam steps, W_hh × ${scale.toFixed(2)}: ‖∂L/∂h₁‖ / ‖∂L/∂h_${VANISH.steps}‖ = `
      + curves.map((c) => `${NAMES[c.cell]} ${fmt(ratio(c))}`).join(', ')
      + `. ${NAMES[picked]}: ${ratio(pickedCurve) < 1e-3 ? 'the gradient from the loss barely reaches the first steps — it vanishes' : ratio(pickedCurve) > 1e3 ? 'the gradient grows going back in time — it explodes' : 'the gradient reaches the first steps'}.`;
  }
}
