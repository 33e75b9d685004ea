// demo.test.ts (browser tier) — the demo page (demo/) in headless Chromium on SwiftShader,
// driven through its test hook window.springloopDemo. The page is bundled fresh into
// test-artifacts/demo-site/ (so the test sees the current sources), and each panel's
// screenshot is written to test-artifacts/demo-*.png.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { startBrowser, type BrowserSession } from './chromium';
import { simulateReference } from '../../src/physics/simulate-reference';
import { physicsRnnTheory } from '../../src/physics-rnn';
import { recurrentBackward, recurrentForward } from '../../src/reference/recurrent';
import { mseLoss } from '../../src/reference/losses';
import { batchMeanNorms } from '../../src/reference/grad-norms';
import type { DemoHook } from '../../demo/main';
// @ts-expect-error — plain ESM helper without types
import { buildDemoSite } from '../../scripts/serve-demo.mjs';

const SITE = 'test-artifacts/demo-site';
const ARTIFACTS = 'test-artifacts';

let session: BrowserSession;
let page: Page;

type Hooked = Window & { springloopDemo: DemoHook };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildDemoSite(SITE);
  session = await startBrowser(SITE);
  page = await session.open('index.html');
  await page.setViewport({ width: 1280, height: 900 });
});
afterAll(async () => session?.close());

/** Calls window.springloopDemo[name](...args) in the page (ready is awaited as a value). */
async function demo<K extends keyof DemoHook>(
  name: K, ...args: DemoHook[K] extends (...a: infer P) => unknown ? P : []
): Promise<DemoHook[K] extends (...a: never[]) => infer R ? Awaited<R> : Awaited<DemoHook[K]>> {
  return page.evaluate((n: string, a: unknown[]) => {
    const member = (window as unknown as Record<string, Record<string, unknown>>).springloopDemo![n];
    return typeof member === 'function' ? (member as (...x: unknown[]) => unknown)(...a) : member;
  }, name, args as unknown[]) as never;
}

async function screenshotPanel(id: string): Promise<void> {
  const panel = await page.$(`#${id}`);
  expect(panel, `panel #${id}`).not.toBeNull();
  await panel!.screenshot({ path: `${ARTIFACTS}/demo-${id}.png` });
}

describe('demo page', () => {
  it('loads on SwiftShader with no console errors, every control labelled and focusable', async () => {
    const ready = await demo('ready');
    expect(ready).toMatchObject({ ok: true });
    expect((ready as { adapter: string }).adapter).toMatch(/swiftshader/i);
    expect(await page.$eval('#no-webgpu', (el) => (el as HTMLElement).hidden)).toBe(true);
    const unlabelled = await page.$$eval('input, select, button', (els) =>
      els.filter((el) => {
        const e = el as HTMLInputElement;
        const named = (e.labels?.length ?? 0) > 0 || e.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent!.trim());
        return !named || e.tabIndex < 0;
      }).map((el) => el.outerHTML.slice(0, 80)));
    expect(unlabelled).toEqual([]);
    expect(session.errors).toEqual([]);
  });

  it('moving a slider from the keyboard changes the simulated trajectory, which matches the float64 reference', async () => {
    const before = await demo('trajectory');
    await page.focus('#k');
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft'); // k: 1 → 0.8
    await demo('settled');
    const after = await demo('trajectory');
    expect(await page.$eval('#k', (el) => Number((el as HTMLInputElement).value))).toBeCloseTo(0.8, 10);
    expect(after.x.length).toBe(before.x.length);
    const moved = Math.max(...after.x.map((x, i) => Math.abs(x - before.x[i]!)));
    expect(moved).toBeGreaterThan(0.1);

    // The page's numbers are the oscillator's: k = 0.8, c = 0.3, m = 1, rk4, dt = 0.01.
    const ref = simulateReference({
      params: [{ m: 1, c: 0.3, k: 0.8, F: 0, omega: 0, phi: 0, x0: 1, v0: 0 }],
      dt: 0.01, steps: after.steps, recordEvery: 1, integrator: 'rk4',
    });
    const worst = Math.max(...after.x.map((x, i) => Math.abs(x - ref[i]!)));
    expect(worst).toBeLessThan(1e-4);
    await demo('setSlider', 'k', 1);
    await screenshotPanel('system');
    expect(session.errors).toEqual([]);
  });

  it('the 2-unit physics RNN with the solution matrices reproduces the Euler integrator to float32 rounding', async () => {
    const designed = await demo('physicsRnnError', { solution: false });
    expect(designed.maxAbsError).toBeGreaterThan(0.1); // the starting design (W = [I | 0]) is wrong
    await demo('setIntegrator', 'euler');
    const cases: { input: 'none' | 'step' | 'sin'; m: number }[] = [
      { input: 'none', m: 1 }, { input: 'step', m: 1 }, { input: 'sin', m: 1 }, { input: 'sin', m: 2 },
    ];
    for (const { input, m } of cases) {
      await demo('setSlider', 'm', m);
      await demo('setInput', input);
      const r = await demo('physicsRnnError', { solution: true });
      expect(r.steps).toBe(3000);
      expect(r.maxAbsError, `u: ${input}, m = ${m}`).toBeLessThan(2e-5 * r.maxAbsX);
    }
    await demo('setSlider', 'm', 1);
    await demo('setInput', 'none');
    await screenshotPanel('exercise');
    expect(session.errors).toEqual([]);
  });

  it('panel 2 shows the eigenvalues of W against the unit circle: Euler\'s poles in closed form, explode or decay', async () => {
    await demo('physicsRnnError', { solution: true });
    const dt = await page.$eval('#dt', (el) => Number((el as HTMLInputElement).value));
    const slider = (id: string) => page.$eval(`#${id}`, (el) => Number((el as HTMLInputElement).value));
    for (const [k0, c0, m0, verdict] of [[1, 0.3, 1, 'decays'], [1, -0.5, 1, 'explodes'], [1.5, 1, 2, 'decays'], [1, 0, 1, 'explodes']] as const) {
      await demo('setSlider', 'k', k0);
      await demo('setSlider', 'c', c0);
      await demo('setSlider', 'm', m0);
      const [k, c, m] = [await slider('k'), await slider('c'), await slider('m')];
      expect([k, c, m]).toEqual([k0, c0, m0]);
      const shown = await demo('exerciseEigenvalues');
      const theory = physicsRnnTheory({ k: k / m, c: c / m, dt });
      expect(shown.verdict, `k ${k}, c ${c}, m ${m}`).toBe(verdict);
      expect(shown.spectralRadius).toBeCloseTo(theory.spectralRadius, 6);
      shown.eigenvalues.forEach(([re, im], i) => {
        expect(re).toBeCloseTo(theory.eigenvalues[i]![0], 6);
        expect(Math.abs(im)).toBeCloseTo(Math.abs(theory.eigenvalues[i]![1]), 6);
      });
      expect(shown.text).toContain(`the design ${verdict}`);
    }
    await demo('setSlider', 'k', 1);
    await demo('setSlider', 'c', 0.3);
    await demo('setSlider', 'm', 1);
    expect(session.errors).toEqual([]);
  });

  it('a fixed number of training steps lowers the loss', async () => {
    await page.select('#cell', 'gru');
    for (const [id, value] of [['hidden', '8'], ['seq', '10'], ['batch', '32'], ['lr', '0.01']]) {
      await page.$eval(`#${id}`, (el, v) => ((el as HTMLInputElement).value = v as string), value);
    }
    const first = await demo('trainEpochs', 1);
    const rest = await demo('trainEpochs', 7);
    const train = [...first.train, ...rest.train];
    const test = [...first.test, ...rest.test];
    expect(first.stepsPerEpoch).toBeGreaterThan(5); // 8 epochs = a fixed number of Adam steps
    expect(train.length).toBe(8);
    expect([...train, ...test].every(Number.isFinite)).toBe(true);
    expect(train[7]!).toBeLessThan(0.5 * train[0]!);
    expect(test[7]!).toBeLessThan(test[0]!);
    expect(await page.$eval('#stat-rate', (el) => el.textContent)).toMatch(/\d/);
    // "Save model" offers the Forecaster's file: safetensors whose header names the weights and the settings.
    const saved = await demo('saveModel');
    expect(saved.name).toBe('springloop-gru-epoch8.safetensors');
    const bytes = Uint8Array.from(saved.bytes);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.__metadata__.springloop).toBe('forecaster');
    expect(JSON.parse(header.__metadata__.options)).toMatchObject({ cell: 'gru', hidden: 8, seq: 10 });
    expect(header.weight_hh_l0.shape).toEqual([24, 8]);
    await screenshotPanel('training');
    expect(session.errors).toEqual([]);
  });

  it('many oscillators advance together with a measured rate', async () => {
    const r = await demo('ensembleFrames', 20);
    expect(r.finite).toBe(true);
    expect(r.t).toBeCloseTo(20 * 50 * 0.01, 6);
    expect(r.rate).toBeGreaterThan(0);
    expect(await page.$eval('#ens-rate', (el) => el.textContent)).toMatch(/\d/);
    await screenshotPanel('ensemble');
    expect(session.errors).toEqual([]);
  });

  it('panel 5 trains RNN, LSTM and GRU briefly and plots gradient norms that match the float64 BPTT', async () => {
    const r = await demo('vanishing', { cell: 'lstm', scale: 1.5, rounds: 2 });
    expect(r.steps).toBe(16);
    expect(r.curves.map((c) => c.cell)).toEqual(['rnn_tanh', 'lstm', 'gru']);
    const T = r.curves[0]!.norms.length;
    const B = r.y.length;
    for (const c of r.curves) {
      const config = { cell: c.cell, inputSize: 1, hiddenSize: 16, numLayers: 1, outputSize: 1, headOnLastStepOnly: true };
      const params = Object.fromEntries(Object.entries(r.parameters[c.cell]!).map(([k, v]) => [k, Float64Array.from(v)]));
      const fwd = recurrentForward(config, params, { x: Float64Array.from(r.x), batch: B, seqLen: T });
      const ref = batchMeanNorms(recurrentBackward(config, params, fwd, mseLoss(fwd.out, Float64Array.from(r.y)).dOut).dh, 1, T, B, 16);
      const scale = Math.max(...ref);
      c.norms.forEach((v, t) => expect(Math.abs(v - ref[t]!), `${c.cell} t ${t + 1}`).toBeLessThan(1e-4 * scale));
    }
    expect(await page.$eval('#vanish-readout', (el) => el.textContent)).toMatch(/after 16 Adam steps, W_hh × 1.50/);
    await screenshotPanel('vanishing');
    expect(session.errors).toEqual([]);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1 });
    await new Promise((ok) => setTimeout(ok, 300));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/demo-phone.png`, fullPage: true });
    await page.setViewport({ width: 1280, height: 900 });
  });

  it('without WebGPU it says so and what to do, with no errors', async () => {
    const errorsBefore = session.errors.length;
    const bare = await session.browser.newPage();
    await bare.evaluateOnNewDocument(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    bare.on('console', (m) => {
      if (m.type() === 'error') session.errors.push(m.text());
    });
    await bare.goto(new URL('index.html', session.url).href, { waitUntil: 'load' });
    const ready = await bare.evaluate(() => (window as unknown as Hooked).springloopDemo.ready);
    expect(ready).toMatchObject({ ok: false });
    expect(await bare.$eval('#no-webgpu', (el) => (el as HTMLElement).hidden)).toBe(false);
    const text = await bare.$eval('#no-webgpu', (el) => el.textContent ?? '');
    expect(text).toMatch(/navigator\.gpu/);
    expect(text).toMatch(/Chrome/);
    await bare.screenshot({ path: `${ARTIFACTS}/demo-no-webgpu.png` });
    await bare.close();
    expect(session.errors.slice(errorsBefore)).toEqual([]);
  });
});

describe('npm run demo (scripts/serve-demo.mjs)', () => {
  it('serves the built page on 127.0.0.1 and prints its URL', async () => {
    const child = spawn(process.execPath, ['scripts/serve-demo.mjs', '--port', '0', '--build', '--dist', `${ARTIFACTS}/serve-dist`], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          const m = /(http:\/\/127\.0\.0\.1:\d+\/demo\/)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`serve-demo exited with ${code}: ${out}`)));
      });
      const html = await fetch(url);
      expect(html.status).toBe(200);
      expect(await html.text()).toContain('./main.js');
      const js = await fetch(new URL('main.js', url));
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
