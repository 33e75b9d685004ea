// ensemble-panel.ts — panel 4: N oscillators (k, c and the start spread around panel 1's)
// stepped together by the rk4.wgsl kernel, drawn as a phase-space cloud every frame.
// The state never leaves the GPU between frames: parameters are uploaded once per reset
// (a run with keepState), and each frame continues the last frame's run by spf steps
// (simulate's `from`: no parameter upload, time continuous). Only the final state is read back.

import { simulate, type Trajectory } from '../../src/physics/simulate';
import { Random } from '../../src/util/random';
import type { Scheduler } from '../../src/gpu/scheduler';
import type { OscillatorColumns } from '../../src/physics/oscillator';
import { PhaseCloud } from './phase-cloud';
import { forcingOf, V0, X0, type SystemSettings } from './settings';
import type { PageGpu } from './gpu';
import type { SystemPanel } from './system-panel';

/** Keeps each dispatch short enough for a browser's GPU watchdog on slow adapters. */
const MAX_OSCILLATOR_STEPS_PER_DISPATCH = 5e7;

interface Ensemble {
  settings: SystemSettings;
  count: number;
  /** The last frame's run (keepState): finalState [N, 2] f32 (x, v) at time t. */
  run: Trajectory;
  hue: Float32Array; // [N] damping, scaled to [0, 1]
  t: number;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class EnsemblePanel {
  private ens: Ensemble | null = null;
  private running = false;
  private rate = 0;
  private fps = 0;
  private lastFrame = 0;
  private readonly cloud: PhaseCloud;

  constructor(private readonly gpu: PageGpu, private readonly system: SystemPanel) {
    this.cloud = new PhaseCloud($('phase-canvas'));
    const spread = $<HTMLInputElement>('ens-spread');
    const showSpread = () => {
      $<HTMLOutputElement>('ens-spread-out').value = Number(spread.value).toFixed(2);
    };
    showSpread();
    spread.addEventListener('input', () => {
      showSpread();
      void this.reset();
    });
    $('ens-count').addEventListener('change', () => void this.reset());
    $('ens-toggle').addEventListener('click', () => this.toggle());
    $('ens-reset').addEventListener('click', () => void this.reset());
    system.onRun(() => void this.reset());
  }

  toggle(): void {
    this.running = !this.running;
    $('ens-toggle').textContent = this.running ? 'Pause' : 'Run';
    if (this.running) void this.loop();
  }

  /** Rebuilds the ensemble from panel 1's settings and draws its starting cloud. */
  async reset(): Promise<void> {
    const settings = this.system.settings();
    const count = Number($<HTMLSelectElement>('ens-count').value);
    const spread = Number($<HTMLInputElement>('ens-spread').value);
    await this.gpu.run(async (sched) => {
      this.release();
      this.ens = await createEnsemble(sched, settings, count, spread);
      const state = (await sched.read(this.ens.run.finalState!, 'f32')) as Float32Array;
      this.cloud.resetScale();
      this.show(state);
    });
  }

  /** Advances `frames` frames (the test hook); returns the measured oscillator-steps/s. */
  async frames(frames: number): Promise<{ rate: number; t: number; finite: boolean }> {
    let finite = true;
    for (let f = 0; f < frames; f++) finite = await this.frame();
    return { rate: this.rate, t: this.ens?.t ?? 0, finite };
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.frame();
      await new Promise((ok) => requestAnimationFrame(ok));
    }
  }

  /** One frame of steps; returns whether every state is finite. */
  private async frame(): Promise<boolean> {
    if (!this.ens) await this.reset();
    const spf = Number($<HTMLSelectElement>('ens-steps').value);
    return this.gpu.run(async (sched) => {
      const ens = this.ens!;
      const started = performance.now();
      const { integrator, dt } = ens.settings;
      const next = await simulate(sched, {
        from: ens.run, integrator, dt, steps: spf, recordEvery: spf, keepState: true,
        maxOscillatorStepsPerDispatch: MAX_OSCILLATOR_STEPS_PER_DISPATCH, label: 'ensemble samples',
      });
      ens.run.destroy();
      ens.run = next;
      const state = (await sched.read(next.finalState!, 'f32')) as Float32Array;
      const seconds = (performance.now() - started) / 1000;
      const now = (ens.count * spf) / seconds;
      this.rate = this.rate === 0 ? now : 0.8 * this.rate + 0.2 * now;
      ens.t = next.t0 + next.steps * dt;
      this.show(state);
      const now2 = performance.now();
      if (this.lastFrame > 0 && now2 - this.lastFrame < 2000) {
        const inst = 1000 / (now2 - this.lastFrame);
        this.fps = this.fps === 0 ? inst : 0.8 * this.fps + 0.2 * inst;
      }
      this.lastFrame = now2;
      $('ens-fps').textContent = this.fps > 0 ? this.fps.toFixed(1) : '–';
      return state.every(Number.isFinite);
    });
  }

  private show(state: Float32Array): void {
    const ens = this.ens!;
    this.cloud.draw(state, ens.hue);
    $('ens-time').textContent = ens.t.toFixed(2);
    $('ens-rate').textContent = this.rate > 0 ? formatRate(this.rate) : '–';
  }

  private release(): void {
    this.ens?.run.destroy();
    this.ens = null;
  }
}

/** Draws the ensemble's parameters and starting states (seeded: same spread, same cloud). */
async function createEnsemble(sched: Scheduler, settings: SystemSettings, count: number, spread: number): Promise<Ensemble> {
  const rng = new Random(2024);
  const { F, omega, phi } = forcingOf(settings);
  const col = (f: (i: number) => number) => Float64Array.from({ length: count }, (_, i) => f(i));
  const columns: OscillatorColumns = {
    count,
    m: col(() => settings.m),
    k: col(() => settings.k + spread * rng.uniform(-0.5, 0.5)),
    c: col(() => settings.c + spread * rng.uniform(-0.25, 0.25)),
    F: col(() => F),
    omega: col(() => omega),
    phi: col(() => phi),
    x0: col(() => X0 + spread * 0.25 * rng.normal()),
    v0: col(() => V0 + spread * 0.25 * rng.normal()),
  };
  const hue = new Float32Array(count);
  const cLo = settings.c - spread * 0.25;
  for (let i = 0; i < count; i++) hue[i] = spread > 0 ? (columns.c[i]! - cLo) / (spread * 0.5) : 0.5;
  // recordEvery > steps: S = 1, no steps taken; the final state is the starting (x0, v0).
  const run = await simulate(sched, {
    params: columns, integrator: settings.integrator, dt: settings.dt, steps: 1, recordEvery: 2, keepState: true, label: 'ensemble samples',
  });
  return { settings, count, run, hue, t: 0 };
}

function formatRate(r: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [scale, unit] of units) if (r >= scale) return `${(r / scale).toFixed(2)} ${unit}`;
  return r.toFixed(0);
}
