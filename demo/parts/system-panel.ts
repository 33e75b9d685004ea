// system-panel.ts — panel 1: reads the sliders, integrates the oscillator on the GPU
// (simulate(), every step recorded with v), plots x, v and u, and animates the mass.
// Slider storms coalesce: while one run is in flight, later changes wait and only the
// newest settings run next. Listeners (panels 2–4) hear about every finished run.

import { simulate } from '../../src/physics/simulate';
import { LineChart } from './chart';
import { drawSpring } from './spring-view';
import type { PageGpu } from './gpu';
import {
  SLIDER_NAMES, inputSeries, oscillatorOf, stepsOf,
  type InputKind, type SliderName, type SystemSettings,
} from './settings';
import type { Integrator } from '../../src/physics/oscillator';

/** One finished simulation of panel 1's oscillator; arrays have `samples` entries. */
export interface SimulatedRun {
  settings: SystemSettings;
  steps: number;
  t: Float64Array;
  x: Float32Array;
  v: Float32Array;
  u: Float64Array;
  /** Milliseconds from recording to the data being back on the CPU. */
  gpuMs: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class SystemPanel {
  run: SimulatedRun | null = null;
  private readonly listeners: ((run: SimulatedRun) => void)[] = [];
  private readonly chart: LineChart;
  private pending = false;
  private inFlight: Promise<void> | null = null;
  private animStart = performance.now();

  constructor(private readonly gpu: PageGpu) {
    this.chart = new LineChart($('trajectory-chart'), { xLabel: 't', title: 'trajectory' });
    for (const name of SLIDER_NAMES) this.bindSlider(name);
    $('system-controls').addEventListener('change', () => this.changed());
    $('system-controls').addEventListener('submit', (e) => e.preventDefault());
    this.showInputFields();
    requestAnimationFrame((now) => this.animate(now));
  }

  onRun(listener: (run: SimulatedRun) => void): void {
    this.listeners.push(listener);
  }

  settings(): SystemSettings {
    const num = (id: string) => Number(($(id) as HTMLInputElement).value);
    const input = (document.querySelector('input[name="input"]:checked') as HTMLInputElement).value as InputKind;
    return {
      k: num('k'), c: num('c'), m: num('m'), dt: num('dt'), duration: num('duration'),
      a: num('a'), F: num('F'), omega: num('omega'), input,
      integrator: ($('integrator') as HTMLSelectElement).value as Integrator,
    };
  }

  /** Schedules a run with the current settings; resolves when the newest one has finished. */
  changed(): Promise<void> {
    this.showInputFields();
    this.pending = true;
    if (!this.inFlight) {
      this.inFlight = this.drain().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  /** Resolves when no run is pending or in flight. */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      this.pending = false;
      const settings = this.settings();
      let run: SimulatedRun;
      try {
        run = await this.gpu.run((sched) => simulateRun(sched, settings));
      } catch (e) {
        showError($('system-readout'), e);
        continue;
      }
      this.run = run;
      this.animStart = performance.now();
      this.plot(run);
      for (const l of this.listeners) l(run);
    }
  }

  private bindSlider(name: SliderName): void {
    const input = $<HTMLInputElement>(name);
    const out = $<HTMLOutputElement>(`${name}-out`);
    const show = () => {
      out.value = Number(input.value).toFixed(decimals(input.step));
    };
    show();
    input.addEventListener('input', () => {
      show();
      void this.changed();
    });
  }

  /** Shows only the input parameters that the chosen u(t) uses. */
  private showInputFields(): void {
    const input = this.settings().input;
    document.querySelectorAll<HTMLElement>('[data-input]').forEach((el) => {
      el.hidden = !el.dataset.input!.split(' ').includes(input);
    });
  }

  private plot(run: SimulatedRun): void {
    const series = [
      { label: 'x', color: '--series-1', y: run.x, width: 2 },
      { label: 'v', color: '--series-2', y: run.v },
    ];
    if (run.settings.input !== 'none') series.push({ label: 'u', color: '--series-3', y: Float32Array.from(run.u) });
    this.chart.set(run.t, series);
    const s = run.settings;
    const capped = Math.round(s.duration / s.dt) > run.steps ? ' (capped)' : '';
    $('system-readout').className = 'readout';
    $('system-readout').textContent =
      `${run.steps} ${s.integrator} steps of dt = ${s.dt}${capped} on the GPU in ${run.gpuMs.toFixed(1)} ms · ` +
      `x(end) = ${fmt(run.x[run.x.length - 1]!)}, max|x| = ${fmt(maxAbs(run.x))}`;
  }

  private animate(now: number): void {
    const run = this.run;
    if (run && run.t.length > 1) {
      const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
      const span = run.t[run.t.length - 1]!;
      // Two simulated seconds per second of wall time, looping.
      const tNow = reduced ? 0 : ((Math.max(0, now - this.animStart) / 1000) * 2) % span;
      const i = Math.max(0, Math.min(run.t.length - 1, Math.round(tNow / run.settings.dt)));
      drawSpring($('spring-canvas'), {
        x: run.x[i]!, u: run.u[i]!, t: run.t[i]!, xMax: maxAbs(run.x), uMax: maxAbs(run.u),
      });
      this.chart.setCursor(run.t[i]!);
    }
    requestAnimationFrame((n) => this.animate(n));
  }
}

/** Integrates the oscillator with every step recorded, (x, v) interleaved; reads it back. */
async function simulateRun(sched: import('../../src/gpu/scheduler').Scheduler, settings: SystemSettings): Promise<SimulatedRun> {
  const steps = stepsOf(settings);
  const started = performance.now();
  const traj = await simulate(sched, {
    params: [oscillatorOf(settings)], dt: settings.dt, steps, recordEvery: 1,
    integrator: settings.integrator, velocity: true, label: 'panel-1 trajectory',
  });
  try {
    const xv = await traj.read(); // [1, S, 2]
    const samples = traj.samples;
    const x = new Float32Array(samples);
    const v = new Float32Array(samples);
    const t = new Float64Array(samples);
    for (let s = 0; s < samples; s++) {
      x[s] = xv[2 * s]!;
      v[s] = xv[2 * s + 1]!;
      t[s] = s * settings.dt;
    }
    return { settings, steps, t, x, v, u: inputSeries(settings, samples), gpuMs: performance.now() - started };
  } finally {
    traj.destroy();
  }
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m && v !== Infinity) m = v; // skips NaN and ±Infinity
  }
  return m;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e4 || a < 1e-3) ? v.toExponential(2) : v.toFixed(3);
}

function decimals(step: string): number {
  const dot = step.indexOf('.');
  return dot < 0 ? 0 : step.length - dot - 1;
}

/** Shows an error in a readout line (the page keeps running). */
export function showError(el: HTMLElement, e: unknown): void {
  el.className = 'readout warn';
  el.textContent = e instanceof Error ? e.message : String(e);
}
