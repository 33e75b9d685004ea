// foundation.test.ts (browser tier) — the browser bundle in headless Chromium on SwiftShader:
// an app-style page runs a kernel, and its bits equal Node's on SwiftShader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startBrowser, type BrowserSession } from './chromium';
import { init } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';
import { axpy, axpyKernel } from '../../src/kernels/axpy';
import { Random } from '../../src/util/random';

let session: BrowserSession;

beforeAll(async () => {
  if (!existsSync('dist/browser/springloop.js')) execFileSync('node', ['scripts/build.mjs', '--no-types'], { stdio: 'inherit' });
  session = await startBrowser('.');
});
afterAll(async () => session?.close());

function inputs(n: number) {
  const rng = new Random(42);
  return { xs: Array.from({ length: n }, () => Math.fround(rng.normal())), ys: Array.from({ length: n }, () => Math.fround(rng.normal())) };
}

async function nodeSwiftShaderBits(alpha: number, xs: number[], ys: number[]): Promise<number[]> {
  const ctx = await init({ adapter: 'swiftshader' });
  const sched = new Scheduler(ctx);
  try {
    await sched.prepare(axpyKernel);
    const x = sched.createTensor([xs.length], 'f32', 'x', xs);
    const y = sched.createTensor([ys.length], 'f32', 'y', ys);
    axpy(sched, alpha, x, y);
    const out = await sched.read(y);
    return Array.from(new Uint32Array(out.buffer));
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}

describe('browser bundle in Chromium', () => {
  it('an app page imports the bundle and runs a kernel on SwiftShader, bit-identical to Node on SwiftShader', async () => {
    const page = await session.open('test/browser/pages/axpy.html');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const { xs, ys } = inputs(1031);
    const alpha = Math.fround(0.3);
    const browser = await page.evaluate((a, x, y) => (window as unknown as { runAxpy: Function }).runAxpy(a, x, y), alpha, xs, ys);
    expect(browser.kind).toBe('swiftshader');
    const node = await nodeSwiftShaderBits(alpha, xs, ys);
    expect(browser.bits).toEqual(node);
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
