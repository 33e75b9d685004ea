// exercise-panel.ts — panel 2: the exercise's 2-unit linear RNN. W (2 × 3) and R (1 × 2)
// are editable ("design it yourself") or filled with Euler's update ("show the solution");
// the RNN runs on the GPU over panel 1's input u and is plotted over panel 1's trajectory.
// Alignment: the RNN's output n is y(n+1) = R·h(n+1), compared with sample n+1 of the run.

import { LineChart } from './chart';
import { EigenView, type EigenReading } from './eigen-view';
import { MatrixEditor } from './matrix-editor';
import { runPhysicsRnn, solutionMatrices, type RnnTrace } from './physics-rnn-runner';
import { V0, X0 } from './settings';
import { fmt, maxAbs, showError, type SimulatedRun } from './system-panel';
import type { PageGpu } from './gpu';
import type { SystemPanel } from './system-panel';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface ExerciseResult {
  /** max over n of |y(n) − x(n)| (n = 1 … steps). */
  maxAbsError: number;
  /** max |x| of the simulated trajectory, for scale. */
  maxAbsX: number;
  steps: number;
}

export class ExercisePanel {
  private readonly W: MatrixEditor;
  private readonly R: MatrixEditor;
  private readonly outputChart: LineChart;
  private readonly hiddenChart: LineChart;
  private readonly errorChart: LineChart;
  private readonly eigen: EigenView;
  /** The student's own matrices, kept while the solution is shown. */
  private design = { W: [[1, 0, 0], [0, 1, 0]], R: [[1, 0]] };
  private pending = false;
  private inFlight: Promise<void> | null = null;
  private last: ExerciseResult | null = null;

  constructor(private readonly gpu: PageGpu, private readonly system: SystemPanel) {
    this.W = new MatrixEditor($('w-matrix'), 'W', 2, 3, () => this.edited());
    this.R = new MatrixEditor($('r-matrix'), 'R', 1, 2, () => this.edited());
    this.W.set(this.design.W);
    this.R.set(this.design.R);
    this.outputChart = new LineChart($('rnn-output-chart'), { xLabel: 't', title: 'output' });
    this.hiddenChart = new LineChart($('rnn-hidden-chart'), { xLabel: 't', title: 'hidden state' });
    this.errorChart = new LineChart($('rnn-error-chart'), { xLabel: 't', title: 'error' });
    this.eigen = new EigenView($('rnn-eigen-chart'), $('rnn-eigen-readout'));
    document.querySelectorAll<HTMLInputElement>('input[name="rnn-mode"]').forEach((radio) => {
      radio.addEventListener('change', () => this.modeChanged());
    });
    system.onRun(() => void this.changed());
  }

  /** Switches to the solution (or back to the design), runs, and reports the error. */
  async measure(solution: boolean): Promise<ExerciseResult> {
    const radio = document.querySelector<HTMLInputElement>(`input[name="rnn-mode"][value="${solution ? 'solution' : 'design'}"]`)!;
    if (!radio.checked) {
      radio.checked = true;
      this.modeChanged();
    }
    await this.changed();
    if (!this.last) throw new Error('physicsRnnError: the RNN did not run (see the exercise panel)');
    return this.last;
  }

  /** The eigenvalues of the W_hh the panel last ran (after settled()). */
  eigenvalues(): EigenReading {
    if (!this.eigen.last) throw new Error('exerciseEigenvalues: the exercise has not run yet');
    return this.eigen.last;
  }

  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private solutionShown(): boolean {
    return document.querySelector<HTMLInputElement>('input[name="rnn-mode"]:checked')!.value === 'solution';
  }

  private modeChanged(): void {
    const solution = this.solutionShown();
    if (solution) this.design = { W: this.W.get(), R: this.R.get() };
    else {
      this.W.set(this.design.W);
      this.R.set(this.design.R);
    }
    this.W.setReadOnly(solution);
    this.R.setReadOnly(solution);
    $('exercise-hint').hidden = solution;
    void this.changed();
  }

  private edited(): void {
    if (!this.solutionShown()) void this.changed();
  }

  private changed(): Promise<void> {
    this.pending = true;
    if (!this.inFlight) {
      this.inFlight = this.drain().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      const run = this.system.run;
      if (!run) return;
      let W = this.W.get();
      let R = this.R.get()[0]!;
      if (this.solutionShown()) {
        // Run the exact values: the inputs show them rounded to 6 digits.
        ({ W, R } = solutionMatrices(run.settings));
        this.W.set(W);
        this.R.set([R]);
      }
      try {
        this.eigen.show(W.map((row) => row.slice(0, 2)));
      } catch (e) {
        showError($('rnn-eigen-readout'), e);
      }
      try {
        const trace = await this.gpu.run((sched) => runPhysicsRnn(sched, { W, R, h0: [X0, V0], u: run.u.subarray(0, run.steps) }));
        this.plot(run, trace);
      } catch (e) {
        this.last = null;
        showError($('exercise-readout'), e);
      }
    }
  }

  private plot(run: SimulatedRun, trace: RnnTrace): void {
    const T = run.steps;
    const t = run.t.subarray(1, T + 1);
    const x = run.x.subarray(1, T + 1);
    const v = run.v.subarray(1, T + 1);
    const h1 = new Float32Array(T);
    const h2 = new Float32Array(T);
    const err = new Float32Array(T);
    let maxErr = 0;
    let overflowAt = -1; // first step where the RNN or the simulation is no longer finite
    for (let n = 0; n < T; n++) {
      h1[n] = trace.h[2 * n]!;
      h2[n] = trace.h[2 * n + 1]!;
      err[n] = trace.y[n]! - x[n]!;
      const e = Math.abs(err[n]!);
      if (Number.isFinite(e)) maxErr = Math.max(maxErr, e);
      else if (overflowAt < 0) overflowAt = n;
    }
    const xMax = maxAbs(x);
    // A diverging design would squash the truth into a line: clamp the view to 3 × its range.
    const yMax = maxAbs(trace.y);
    this.outputChart.opts.yRange = yMax > 3 * Math.max(xMax, 1e-6) ? [-3 * xMax, 3 * xMax] : undefined;
    this.outputChart.set(t, [
      { label: 'x (simulation)', color: '--series-1', y: x, width: 3.5 },
      { label: 'y (RNN)', color: '--series-2', y: trace.y, dash: [6, 4], width: 2 },
    ]);
    const hMax = Math.max(maxAbs(h1), maxAbs(h2));
    const vxMax = Math.max(xMax, maxAbs(v));
    this.hiddenChart.opts.yRange = hMax > 3 * Math.max(vxMax, 1e-6) ? [-3 * vxMax, 3 * vxMax] : undefined;
    this.hiddenChart.set(t, [
      { label: 'h₁', color: '--series-4', y: h1, width: 2 },
      { label: 'h₂', color: '--series-5', y: h2, width: 2 },
      { label: 'x', color: '--series-1', y: x, dash: [3, 3], width: 1 },
      { label: 'v', color: '--series-2', y: v, dash: [3, 3], width: 1 },
    ]);
    this.errorChart.set(t, [{ label: 'y − x', color: '--series-3', y: err, width: 1.5 }]);
    this.last = { maxAbsError: overflowAt < 0 ? maxErr : Infinity, maxAbsX: xMax, steps: T };
    this.describe(run, maxErr, xMax, trace.device, overflowAt < 0 ? null : t[overflowAt]!);
  }

  private describe(run: SimulatedRun, maxErr: number, xMax: number, device: string, overflowT: number | null): void {
    const el = $('exercise-readout');
    const rel = maxErr / Math.max(xMax, 1e-30);
    const where = overflowT === null
      ? `${run.steps} steps on ${device}`
      : `the steps on ${device} before t = ${overflowT.toFixed(2)}, where the motion outgrows float32`;
    let verdict: string;
    if (rel < 1e-4) {
      verdict = run.settings.integrator === 'euler'
        ? 'the RNN is the Euler integrator, to float32 rounding'
        : 'a match to float32 rounding';
    } else if (this.solutionShown() && run.settings.integrator !== 'euler') {
      verdict = `the solution is Euler; panel 1 uses ${run.settings.integrator}, so this is Euler's own error — pick Euler to see it vanish`;
    } else {
      verdict = rel < 0.05 ? 'close: keep tuning' : 'not yet: keep designing (or show the solution)';
    }
    el.className = rel < 1e-4 ? 'readout good' : 'readout';
    el.textContent = `max |y − x| = ${fmt(maxErr)} (max |x| = ${fmt(xMax)}) over ${where}: ${verdict}`;
  }
}
