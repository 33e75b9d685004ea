// misuse.test.ts (browser tier) — the browser twin of test/gpu/misuse.test.ts: the same misuse
// table (test/gpu/misuse-cases.ts, bundled into dist/test/) run by an app-style page on one
// context in Chromium on SwiftShader; device loss and recovery; probe(); and the messages a
// visitor sees when the browser lacks WebGPU or offers no adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import type { Page } from 'puppeteer-core';
import { startBrowser, type BrowserSession } from './chromium';
import { MISUSE_CASES, type MisuseOutcome } from '../gpu/misuse-cases';

let session: BrowserSession;
const PAGE = 'test/browser/pages/misuse.html';

beforeAll(async () => {
  if (!existsSync('dist/browser/springloop.js')) execFileSync('node', ['scripts/build.mjs', '--no-types'], { stdio: 'inherit' });
  await build({ entryPoints: ['test/gpu/misuse-cases.ts'], bundle: true, format: 'esm', platform: 'browser', outfile: 'dist/test/misuse-cases.js', logLevel: 'warning' });
  session = await startBrowser('.');
});
afterAll(async () => session?.close());

async function open(prepare?: (page: Page) => Promise<void>): Promise<Page> {
  const page = await session.open(PAGE, prepare);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  return page;
}

describe('misuse in Chromium (SwiftShader)', () => {
  it('every browser case of the table: its message, nothing recorded, and the context still simulates and trains', async () => {
    const page = await open();
    const outcomes = (await page.evaluate(() => (window as unknown as { runMisuseTable(): Promise<unknown> }).runMisuseTable())) as MisuseOutcome[];
    const cases = MISUSE_CASES.filter((c) => c.browser);
    expect(outcomes.map((o) => o.name)).toEqual(cases.map((c) => c.name));
    expect(outcomes.filter((o) => o.skipped)).toEqual([]);
    for (const [i, c] of cases.entries()) {
      const o = outcomes[i]!;
      if (o.skipped) continue;
      if (c.expect) expect(o.message, c.name).toMatch(c.expect);
      else expect(o.message, c.name).toBeNull();
      if (c.expect && !c.recordsFirst) expect([o.recorded, o.allocated], c.name).toEqual([0, 0]);
      expect(o.survived, c.name).toBe('yes');
    }
    // Every GPU error was the library's to report: none reached the console as uncaptured.
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it('device destroyed during fit(): DeviceLostError (ctx.lost, later calls), then init() + Forecaster.load recovers', async () => {
    const page = await open();
    const r = (await page.evaluate(() => (window as unknown as { runDeviceLoss(): Promise<unknown> }).runDeviceLoss())) as Record<string, unknown>;
    expect(r).toMatchObject({ name: 'DeviceLostError', isTyped: true, reason: 'destroyed', lostIsSame: true, laterIsSame: true });
    expect(r.after).toEqual(r.before);
    await page.close();
  });

  it('probe() finds the adapter without a device', async () => {
    const page = await open();
    const r = (await page.evaluate(() => (window as unknown as { probeNow(): Promise<unknown> }).probeNow())) as { probe: Record<string, unknown>; supported: boolean };
    expect(r.supported).toBe(true);
    expect(r.probe).toMatchObject({ supported: true, runtime: 'browser', adapterKind: 'swiftshader' });
    await page.close();
  });

  it.each([
    ['without navigator.gpu', () => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }), /^this browser does not support WebGPU \(navigator\.gpu is missing\)/],
    ['when no adapter is offered', () => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => ({ requestAdapter: async () => null }) }), /^no WebGPU adapter found; this browser has WebGPU but offered no GPU adapter/],
  ])('tells the visitor what the browser lacks %s (not a developer setup step)', async (_what, patch, message) => {
    const page = await open((p) => p.evaluateOnNewDocument(patch).then(() => undefined));
    const error = (await page.evaluate(() => (window as unknown as { initError(): Promise<string | null> }).initError())) as string;
    expect(error).toMatch(message);
    expect(error).not.toMatch(/setup\.sh/);
    const r = (await page.evaluate(() => (window as unknown as { probeNow(): Promise<unknown> }).probeNow())) as { probe: { supported: boolean; reason: string } };
    expect(r.probe.supported).toBe(false);
    expect(r.probe.reason).toMatch(message);
    await page.close();
  });
});
