// dropout.test.ts (browser tier) — a dropout mask drawn in Chromium (SwiftShader) is the one
// Node draws, on lavapipe and on SwiftShader, and the float64 reference's: a seed gives the
// same training run in a browser and in Node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startBrowser, type BrowserSession } from './chromium';
import { init } from '../../src/gpu/device';
import { Scheduler } from '../../src/gpu/scheduler';
import { dropoutJoin, dropoutKernel, dropoutMaskOf } from '../../src/kernels/dropout';
import { dropoutMask } from '../../src/reference/dropout';

let session: BrowserSession;

beforeAll(async () => {
  if (!existsSync('dist/browser/springloop.js')) execFileSync('node', ['scripts/build.mjs', '--no-types'], { stdio: 'inherit' });
  session = await startBrowser('.');
});
afterAll(async () => session?.close());

const CASES = [
  { p: 0.5, seed: 42, step: 0, site: 1, steps: 28, batch: 9, width: 13, parts: 2 },
  { p: 0.2, seed: 7, step: 12345, site: 0, steps: 5, batch: 64, width: 28, parts: 1 },
];

async function nodeMasks(adapter: string): Promise<number[][]> {
  const ctx = await init({ adapter });
  const sched = new Scheduler(ctx);
  try {
    await sched.prepare(dropoutKernel);
    const out: number[][] = [];
    for (const c of CASES) {
      const n = c.steps * c.batch * c.width;
      const ones = sched.createTensor([n], 'f32', 'ones', new Float32Array(n).fill(1));
      const joined = sched.createTensor([n * c.parts], 'f32', 'joined');
      dropoutJoin(sched, { steps: c.steps, batch: c.batch, width: c.width, parts: Array.from({ length: c.parts }, () => ({ tensor: ones, offset: 0 })), joined, mask: dropoutMaskOf(c.p, c.seed, c.step, c.site) });
      out.push(Array.from(new Uint32Array(((await sched.read(joined)) as Float32Array).buffer)));
    }
    return out;
  } finally {
    sched.dispose();
    ctx.dispose();
  }
}

describe('dropout masks in Chromium', () => {
  it('are bit-identical to Node on lavapipe and on SwiftShader, and to the reference', async () => {
    const page = await session.open('test/browser/pages/dropout.html');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const browser = await page.evaluate((cases) => (window as unknown as { runDropout: Function }).runDropout(cases), CASES);
    expect(browser.kind).toBe('swiftshader');
    expect(await nodeMasks('lavapipe')).toEqual(browser.masks);
    expect(await nodeMasks('swiftshader')).toEqual(browser.masks);
    CASES.forEach((c, k) => {
      // The page's joined tensor is time-major [T·B, P·W]; the reference mask is batch-first [B, T, P·W].
      const want = dropoutMask(c, c.batch, c.steps, c.parts * c.width);
      const C = c.parts * c.width;
      const kept = (browser.masks[k] as number[]).map((bits) => bits !== 0);
      for (let t = 0; t < c.steps; t++) for (let b = 0; b < c.batch; b++) for (let j = 0; j < C; j++) expect(kept[(t * c.batch + b) * C + j]).toBe(want[(b * c.steps + t) * C + j] !== 0);
    });
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
