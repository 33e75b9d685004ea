// training-panel.ts — panel 3: trains an RNN / LSTM / GRU in the browser on panel 1's
// trajectory, one epoch per GPU job (so the other panels stay responsive), with live
// loss curves, one-step predictions over the truth, the closed-loop rollout and samples/s.
// Any change to panel 1 or to these settings starts over with a fresh model.

import { LineChart } from './chart';
import { fmt, showError, type SystemPanel } from './system-panel';
import { MAX_EPOCHS, TrainSession, type SessionPictures, type TrainSettings } from './train-session';
import type { PageGpu } from './gpu';
import type { EpochReport } from '../../src/train/trainer';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * The pictures (evaluation + closed loop) cost many forwards: refresh them at most every
 * 1.5 s, and never spend more than a fifth of the time on them (slow software adapters).
 */
const PICTURE_INTERVAL_MS = 1500;

export class TrainingPanel {
  private session: TrainSession | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private lastPictures = 0;
  private pictureMs = 0;
  private readonly lossChart: LineChart;
  private readonly predChart: LineChart;
  private readonly rolloutChart: LineChart;

  constructor(private readonly gpu: PageGpu, private readonly system: SystemPanel) {
    const placeholder = 'press Train';
    this.lossChart = new LineChart($('loss-chart'), { xLabel: 'step', title: 'loss (MSE)', logY: true, placeholder });
    this.predChart = new LineChart($('prediction-chart'), { xLabel: 't', title: 'one-step predictions', placeholder });
    this.rolloutChart = new LineChart($('rollout-chart'), { xLabel: 't', title: 'closed loop over the test span', placeholder });
    $('train-toggle').addEventListener('click', () => (this.running ? this.stop() : this.start()));
    $('train-reset').addEventListener('click', () => void this.reset());
    $('train-save').addEventListener('click', () => void this.download());
    $('train-controls').addEventListener('change', () => void this.reset());
    $('train-controls').addEventListener('submit', (e) => e.preventDefault());
    system.onRun(() => void this.reset());
    this.clearCharts();
  }

  /** The test hook: trains n epochs from the current model (built if needed). */
  async epochs(n: number): Promise<{ train: number[]; test: number[]; stepsPerEpoch: number }> {
    this.stop();
    await this.loop;
    const session = await this.ensureSession();
    const reports = await this.gpu.run(() => session.train(n));
    this.showProgress(session);
    await this.refreshPictures(session);
    return { train: reports.map((r) => r.trainLoss), test: reports.map((r) => r.testLoss), stepsPerEpoch: session.batchesPerEpoch };
  }

  /**
   * The current model as Forecaster.save() writes it: safetensors with PyTorch names (for
   * torch's load_file) and the options and normalisation springloop needs to load it again.
   */
  async saveModel(): Promise<{ name: string; bytes: Uint8Array }> {
    const session = this.session;
    if (!session || session.epoch === 0) throw new Error('train the model first: there is nothing to save yet');
    const bytes = await this.gpu.run(() => session.forecaster.save());
    return { name: `springloop-${session.settings.cell}-epoch${session.epoch}.safetensors`, bytes };
  }

  private async download(): Promise<void> {
    try {
      const { name, bytes } = await this.saveModel();
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      showError($('training-readout'), e);
    }
  }

  private start(): void {
    this.running = true;
    $('train-toggle').textContent = 'Pause';
    this.loop ??= this.run().finally(() => {
      this.loop = null;
    });
  }

  private stop(): void {
    this.running = false;
    $('train-toggle').textContent = 'Train';
  }

  private async reset(): Promise<void> {
    this.stop();
    await this.loop;
    const old = this.session;
    this.session = null;
    if (old) await this.gpu.run(async () => old.destroy());
    this.clearCharts();
  }

  private async run(): Promise<void> {
    try {
      const session = await this.ensureSession();
      while (this.running && session.epoch < MAX_EPOCHS) {
        await this.gpu.run(() => session.train(1));
        this.showProgress(session);
        const due = Math.max(PICTURE_INTERVAL_MS, 4 * this.pictureMs);
        if (performance.now() - this.lastPictures > due) await this.refreshPictures(session);
        await new Promise((ok) => setTimeout(ok, 0));
      }
      await this.refreshPictures(session);
    } catch (e) {
      showError($('training-readout'), e);
    } finally {
      this.stop();
    }
  }

  private async ensureSession(): Promise<TrainSession> {
    if (this.session) return this.session;
    const settings = this.settings();
    const system = this.system.run?.settings ?? this.system.settings();
    $('training-readout').className = 'readout';
    $('training-readout').textContent = 'Simulating the data and compiling the kernels…';
    this.session = await this.gpu.run((sched) => TrainSession.create(sched, settings, system));
    const w = this.session.windowCounts;
    $('training-readout').textContent =
      `${w.train} training and ${w.test} test windows of ${settings.seq} samples (every ${fmt(this.session.t[1] ?? 0)} s), ` +
      `${this.session.batchesPerEpoch} steps per epoch.`;
    return this.session;
  }

  settings(): TrainSettings {
    const int = (id: string, lo: number, hi: number) => {
      const v = Number(($(id) as HTMLInputElement).value);
      if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${id} must be an integer in [${lo}, ${hi}], got ${($(id) as HTMLInputElement).value}`);
      return v;
    };
    const lr = Number(($('lr') as HTMLInputElement).value);
    if (!(Number.isFinite(lr) && lr > 0 && lr <= 1)) throw new Error(`learning rate must be a number in (0, 1], got ${($('lr') as HTMLInputElement).value}`);
    return {
      cell: ($('cell') as HTMLSelectElement).value as TrainSettings['cell'],
      hidden: int('hidden', 1, 256), layers: int('layers', 1, 4), seq: int('seq', 2, 200), batch: int('batch', 1, 1024),
      lr, delta: ($('delta') as HTMLInputElement).checked,
    };
  }

  private showProgress(session: TrainSession): void {
    const h = session.history;
    const last: EpochReport | undefined = h[h.length - 1];
    const steps = Float64Array.from(h, (r) => r.epoch * session.batchesPerEpoch);
    this.lossChart.set(steps, [
      { label: 'train', color: '--series-1', y: Float64Array.from(h, (r) => r.trainLoss), width: 2 },
      { label: 'test', color: '--series-2', y: Float64Array.from(h, (r) => r.testLoss), width: 2 },
    ]);
    $('stat-step').textContent = String(session.epoch * session.batchesPerEpoch);
    $('stat-train').textContent = last ? last.trainLoss.toExponential(2) : '–';
    $('stat-test').textContent = last ? last.testLoss.toExponential(2) : '–';
    $('stat-rate').textContent = session.samplesPerSecond > 0 ? session.samplesPerSecond.toFixed(0) : '–';
  }

  private async refreshPictures(session: TrainSession): Promise<void> {
    const started = performance.now();
    let pics: SessionPictures;
    try {
      pics = await this.gpu.run(() => session.pictures());
      this.lastPictures = performance.now();
      this.pictureMs = this.lastPictures - started;
    } catch (e) {
      showError($('training-readout'), e);
      return;
    }
    if (session !== this.session) return;
    const { t, x, firstTrainTarget: a, firstTestTarget: b } = session;
    this.predChart.set(t, [
      { label: 'truth x', color: '--series-1', y: x, width: 3 },
      { label: 'train (one step)', color: '--series-3', x: t.subarray(a, a + pics.trainPred.length), y: pics.trainPred, width: 1.5 },
      { label: 'test (one step)', color: '--series-2', x: t.subarray(b, b + pics.testPred.length), y: pics.testPred, width: 1.5, dash: [5, 3] },
    ]);
    this.predChart.setCursor(t[b] ?? null);
    const span = t.subarray(b, b + pics.rolloutPred.length);
    this.rolloutChart.set(span, [
      { label: 'truth x', color: '--series-1', y: x.subarray(b, b + pics.rolloutPred.length), width: 3 },
      { label: 'closed loop', color: '--series-2', y: pics.rolloutPred, width: 2, dash: [6, 3] },
    ]);
    const e = pics.evaluation;
    const el = $('training-readout');
    el.className = e.model.mse < e.persistence.mse ? 'readout good' : 'readout';
    el.textContent =
      `test MSE ${e.model.mse.toExponential(2)} (R² ${e.model.r2.toFixed(4)}) · persistence (next = last) ${e.persistence.mse.toExponential(2)} · ` +
      `model/persistence ${(e.model.mse / e.persistence.mse).toPrecision(2)} · closed loop ${pics.rolloutPred.length} steps · ` +
      `${session.windowCounts.train} / ${session.windowCounts.test} train / test windows`;
  }

  private clearCharts(): void {
    this.lossChart.set([], []);
    this.predChart.set([], []);
    this.predChart.setCursor(null);
    this.rolloutChart.set([], []);
    for (const id of ['stat-train', 'stat-test', 'stat-rate']) $(id).textContent = '–';
    $('stat-step').textContent = '0';
  }
}
