import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, mergeConfig, validateConfig } from '../../src/train/config';
import { planRun, modelConfigFor } from '../../src/train/plan';
import { phaseSummary, resolveTrainArgs } from '../../src/cli/train';
import type { CellOutcome } from '../../src/train/report';

describe('the embedded default', () => {
  it('is the second lecture ODE experiment', () => {
    const plan = planRun(mergeConfig());
    expect(plan.spec.samples).toBe(5000);
    expect(plan.spec.integration!.dt).toBe(0.002);
    expect(plan.spec.integration!.params[0]).toMatchObject({ c: 0.4, k: 1, m: 1, F: 1, omega: 0.5, x0: 1, v0: 0 });
    expect(plan.windows.trainStarts.length + plan.windows.testStarts.length).toBe(4950);
    expect(DEFAULT_CONFIG).toMatchObject({ cells: ['rnn', 'lstm', 'gru', 'esn'], hidden: 64, layers: 2, seq: 50, batch: 32, lr: 1e-3, optimizer: 'adam' });
    // The method: fewer, better epochs (a cosine schedule over 2) on the residual target.
    expect(DEFAULT_CONFIG).toMatchObject({ epochs: 2, schedule: 'cosine', target: 'auto' });
    expect(modelConfigFor(plan, 'rnn')).toEqual({ cell: 'rnn_tanh', inputSize: 2, hiddenSize: 64, numLayers: 2, outputSize: 1, head: 'last-step' });
    // --target auto: the simulated ODE learns the residual of linear extrapolation.
    expect(plan.target).toBe('residual');
    expect(plan.features).toEqual({ features: 2, terms: 0b101, kind: 2, normalize: true }); // x̃, r̃ → r̃
  });

  it('--target auto follows the data set: increments for the sampled functions, delta when seq is too short for residuals', () => {
    expect(planRun(mergeConfig({ dataset: 'sine', noise: 0.05 })).target).toBe('delta');
    expect(planRun(mergeConfig({ seq: 1 })).target).toBe('delta');
    expect(planRun(mergeConfig({ dataset: 'ensemble', target: 'delta' })).target).toBe('delta');
  });

  it('--target value is the plain lecture setup: one raw feature, no normalisation', () => {
    const plan = planRun(mergeConfig({ target: 'value' }));
    expect(plan.features).toEqual({ features: 1, terms: 1, kind: 0, normalize: false });
  });

  it('regime is sequence-to-label with cross-entropy over 3 classes', () => {
    const plan = planRun(mergeConfig({ dataset: 'regime', rows: 40, seq: 30, batch: 16 }));
    expect(plan.loss).toBe('cross_entropy');
    expect(modelConfigFor(plan, 'gru')).toMatchObject({ outputSize: 3, inputSize: 1, head: 'last-step' });
    expect(plan.windows.trainStarts.length).toBe(30);
    expect(plan.config.cells).toEqual(['rnn', 'lstm', 'gru']); // the default cells, less the forecasting-only esn
    expect(() => planRun(mergeConfig({ dataset: 'regime', cells: 'gru,esn' }))).toThrow(/--cells esn forecasts a series; --dataset regime is sequence-to-label/);
    expect(() => planRun(mergeConfig({ dataset: 'mnist-rows', cells: 'lstm,esn' }))).toThrow(/--cells esn forecasts a series; --dataset mnist-rows is sequence-to-label/);
    expect(mergeConfig({ dataset: 'mnist-rows' }).cells).toEqual(['lstm']);
  });
});

describe('bad input is named before any GPU work', () => {
  it.each([
    [{ cells: 'rnn,transformer' }, /--cells: unknown cell 'transformer'/],
    [{ seq: 5000 }, /seq 5000 is longer than the data allows/],
    [{ batch: 0 }, /--batch must be an integer >= 1, got 0/],
    [{ lr: Number.NaN }, /--lr must be a finite number > 0, got NaN/],
    [{ lr: Infinity }, /--lr must be a finite number > 0, got Infinity/],
    [{ dataset: 'lorenz' }, /--dataset must be one of .*, got 'lorenz'/],
    [{ clip: -1 }, /--clip must be a finite number > 0, got -1/],
    [{ schedule: 'warmup' }, /--schedule must be/],
    [{ tbptt: 60 }, /--tbptt must be an integer in \[1, 50\], got 60/],
    [{ dataset: 'oscillator', noise: 0.1 }, /--noise applies to sine, cosine, combined and damped/],
    [{ momentum: 0.9 }, /--momentum applies to --optimizer sgd/],
    [{ target: 'second' }, /--target must be one of 'delta', 'value', 'residual', 'auto', got 'second'/],
    [{ target: 'residual', seq: 1 }, /--target residual needs --seq >= 2/],
  ])('%j', (layer, message) => {
    expect(() => planRun(mergeConfig(layer))).toThrow(message);
  });

  it('unknown settings in a config file are errors', () => {
    expect(() => mergeConfig({ hiden: 3 })).toThrow(/unknown setting 'hiden'/);
    expect(() => validateConfig(mergeConfig({ cells: 'lstm,lstm' }))).toThrow(/lists a cell twice/);
  });
});

describe('springloop train arguments', () => {
  it('flags override --config, which overrides the default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ dataset: 'sine', hidden: 16, 'weight-decay': 0.01, noise: 0.05 }));
    const r = await resolveTrainArgs(['--config', file, '--hidden', '8', '--cells', 'lstm,gru', '--out', dir]);
    expect(r.config).toMatchObject({ dataset: 'sine', hidden: 8, weightDecay: 0.01, noise: 0.05, cells: ['lstm', 'gru'], layers: 2 });
    expect(r.outDir).toBe(dir);
    expect(r.mode).toBe('new');
  });

  it('default output goes to runs/<timestamp>', async () => {
    const r = await resolveTrainArgs(['--default']);
    expect(r.outDir).toMatch(/^runs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/);
    expect(r.config).toEqual(mergeConfig());
  });

  it('--resume reads the run\'s saved config; flags may change settings (checked against the checkpoints later), not the directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'res-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify(mergeConfig({ epochs: 3 })));
    const r = await resolveTrainArgs(['--resume', dir]);
    expect(r).toMatchObject({ outDir: dir, mode: 'resume' });
    expect(r.config.epochs).toBe(3);
    expect((await resolveTrainArgs(['--resume', dir, '--epochs', '9', '--allow-change'])).config.epochs).toBe(9);
    for (const clash of [['--out', dir], ['--overwrite'], ['--config', 'x.json'], ['--default']]) {
      await expect(resolveTrainArgs(['--resume', dir, ...clash])).rejects.toThrow(`cannot be combined with ${clash[0]}`);
    }
    await expect(resolveTrainArgs(['--resume', join(dir, 'nope')])).rejects.toThrow(/cannot read .*nope\/config.json: no such file or directory \(ENOENT\)/);
    await writeFile(join(dir, 'config.json'), '');
    await expect(resolveTrainArgs(['--resume', dir])).rejects.toThrow(/config.json is empty/);
    await writeFile(join(dir, 'config.json'), '{"epochs": 3');
    await expect(resolveTrainArgs(['--resume', dir])).rejects.toThrow(/config.json is not valid JSON/);
    await writeFile(join(dir, 'config.json'), '[1, 2]');
    await expect(resolveTrainArgs(['--resume', dir])).rejects.toThrow(/config.json must hold a JSON object of settings, got \[1, 2\] \(an array of 2\)/);
  });

  it('names unknown flags and bad numbers', async () => {
    await expect(resolveTrainArgs(['--hiden', '3'])).rejects.toThrow(/unknown flag --hiden/);
    await expect(resolveTrainArgs(['--lr', 'fast'])).rejects.toThrow(/--lr must be a finite number, got 'fast'/);
  });
});

describe('the final summary', () => {
  const cell = (trainSeconds: number, checkpointSeconds?: number, evalSeconds?: number): CellOutcome =>
    ({ cell: 'rnn', epochs: 1, trainSeconds, checkpointSeconds, evalSeconds, samplesPerSecond: 1, history: [], interrupted: false });
  it('sums each phase over the cells and calls the rest of the wall time other', () => {
    expect(phaseSummary([cell(10, 0.5, 2), cell(20, 0.25, 3)], 40)).toBe('train 30.0 s, checkpoints 0.8 s, evaluation 5.0 s, other 4.3 s');
  });
  it('counts missing phases (an interrupted cell) as zero and never shows negative other time', () => {
    expect(phaseSummary([cell(10)], 9)).toBe('train 10.0 s, checkpoints 0.0 s, evaluation 0.0 s, other 0.0 s');
  });
});
