// bench-page.test.ts (browser tier) — demo/bench.html in headless Chromium on SwiftShader:
// the whole suite (ceilings, RK4, RNN/LSTM/GRU, streaming) and the peers (TF.js-WebGPU and
// jax-js-WebGPU in the same browser, validated) at the 'tiny' preset through the page's hook
// window.springloopBench; every row finite and positive, the table shows them, and the ratio
// table pairs each peer's LSTM step with springloop's, with the peer's settings. No timing
// assertions. The page is bundled fresh into test-artifacts/bench-site/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { startBrowser, type BrowserSession } from './chromium';
import type { BenchHook, BenchResult } from '../../demo/bench';
// @ts-expect-error — plain ESM helper without types
import { buildDemoSite } from '../../scripts/serve-demo.mjs';

const SITE = 'test-artifacts/bench-site';
const ARTIFACTS = 'test-artifacts';

let session: BrowserSession;
let page: Page;

type Hooked = Window & { springloopBench: BenchHook };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await buildDemoSite(SITE);
  session = await startBrowser(SITE);
  page = await session.open('bench.html');
  await page.setViewport({ width: 1280, height: 900 });
});
afterAll(async () => session?.close());

describe('benchmark page', () => {
  it('is linked from the demo page', async () => {
    const demo = await session.open('index.html');
    const hrefs = await demo.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain('./bench.html');
    await demo.close();
  });

  it('runs the suite at tiny sizes on SwiftShader: finite positive rows, shown in the table', async () => {
    const ready = await page.evaluate(() => (window as unknown as Hooked).springloopBench.ready);
    expect(ready).toMatchObject({ ok: true });
    const result = (await page.evaluate(() => (window as unknown as Hooked).springloopBench.run({ preset: 'tiny', suites: ['runtime', 'rk4', 'rnn', 'stream', 'peers'] }))) as BenchResult;
    expect(result.adapter).toMatch(/swiftshader/i);
    const names = result.rows.map((r) => r.name);
    expect(result.notes).toEqual([]);
    for (const want of [
      'ceiling/dispatch', 'ceiling/copy', 'ceiling/matmul', 'rk4/1e3', 'peer/js/rk4/1e3', 'forward/lstm/tiny', 'train_step/gru/tiny', 'train_step/rnn/tiny',
      'stream/lstm/tiny@1', 'stream/lstm/tiny@60', 'peer/tfjs-webgpu/train_step/lstm/tiny', 'peer/jaxjs-webgpu/train_step/lstm/tiny',
    ]) {
      expect(names).toContain(want);
    }
    for (const r of result.rows) {
      for (const v of [r.median_ms, r.p10_ms, r.p90_ms, r.throughput]) {
        expect(Number.isFinite(v) && v > 0, `${r.name}: ${JSON.stringify(r)}`).toBe(true);
      }
      expect(r.p10_ms).toBeLessThanOrEqual(r.p90_ms);
      expect(r.unit.length).toBeGreaterThan(0);
    }
    // GPU-measured time where (and only where) the device has timestamp queries (Chrome may
    // quantize timestamps, so a short pass can read as 0).
    const rk4 = result.rows.find((r) => r.name === 'rk4/1e3')!;
    if (result.features.includes('timestamp-query')) expect(rk4.notes?.gpu_ms).toBeGreaterThanOrEqual(0);
    else expect(rk4.notes?.gpu_ms).toBeUndefined();
    console.log(`bench page on ${result.adapter} (timestamp-query: ${result.features.includes('timestamp-query')}): rk4/1e3 gpu_ms = ${rk4.notes?.gpu_ms}`);

    const table = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(table.length).toBe(result.rows.length);
    expect(table.map((cells) => cells[0])).toEqual(names);
    for (const cells of table) expect(Number(cells[1])).toBeGreaterThan(0);
    expect(await page.$eval('#adapter', (el) => el.textContent)).toBe(result.adapter);

    // springloop ÷ peer in the same browser, each with the peer's versions and adapter.
    const pairs = result.ratios.map((r) => `${r.peer}:${r.name}`);
    expect(pairs).toEqual(expect.arrayContaining(['js:rk4/1e3', 'tfjs-webgpu:train_step/lstm/tiny', 'jaxjs-webgpu:train_step/lstm/tiny']));
    for (const r of result.ratios) expect(Number.isFinite(r.speedup) && r.speedup > 0, JSON.stringify(r)).toBe(true);
    expect(result.peers['tfjs-webgpu']).toMatchObject({ backend: 'webgpu (Chromium)' });
    expect(String(result.peers['jaxjs-webgpu']?.jaxjs)).toMatch(/^\d+\.\d+\.\d+$/);
    const jaxRow = result.rows.find((r) => r.name === 'peer/jaxjs-webgpu/train_step/lstm/tiny')!;
    expect(Number(jaxRow.notes?.loss_last)).toBeLessThan(Number(jaxRow.notes?.loss_first));
    const ratioTable = await page.$$eval('#ratios tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(ratioTable.map((c) => `${c[1]}:${c[0]}`)).toEqual(pairs);
    expect(ratioTable.find((c) => c[1] === 'jaxjs-webgpu')![4]).toMatch(/jaxjs \d+\.\d+\.\d+, backend webgpu \(Chromium\), adapter /);
    expect(await page.$eval('#ratios-section', (el) => (el as HTMLElement).hidden)).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/bench-page.png`, fullPage: true });
    expect(session.errors).toEqual([]);
  });
});
