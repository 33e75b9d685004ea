// lifetime-cycles.test.ts — create a small model and an input, run a forward pass, read it,
// destroy both: thousands of times on one scheduler. Every live counter (buffers, bytes, cached
// bind groups, the scratch pool, pipelines) must stay exactly where the warm-up left it, and
// every cumulative one must grow by the same amount each cycle; the process RSS and JS heap are
// recorded and reported (not asserted: the allocator and GC decide when memory goes back).
// CI runs SPRINGLOOP_CYCLES (default 1000) cycles; `SPRINGLOOP_CYCLES=6000 npx vitest run
// test/gpu/lifetime-cycles.test.ts` runs the issue's full 6000.
import { describe, expect, it } from 'vitest';
import { useGpu } from './gpu-context';
import { RecurrentModel, type ModelConfig } from '../../src/model';
import type { Scheduler } from '../../src/gpu/scheduler';

const gpu = useGpu();
const CYCLES = Number(process.env.SPRINGLOOP_CYCLES ?? 1000);
const WARM_UP = 50;
const CONFIG: ModelConfig = { cell: 'lstm', inputSize: 2, hiddenSize: 8, numLayers: 2, outputSize: 1, head: 'last-step' };
const X = Float32Array.from({ length: 4 * 6 * 2 }, (_, i) => Math.sin(i));

async function cycle(sched: Scheduler, seed: number): Promise<void> {
  const x = sched.createTensor([4, 6, 2], 'f32', 'x', X);
  const model = await RecurrentModel.create(sched, CONFIG, { seed });
  const { out } = model.forward(x);
  const y = await sched.read(out);
  if (!Number.isFinite(y[0])) throw new Error(`cycle ${seed}: forward gave ${y[0]}`);
  model.destroy();
  x.destroy();
}

/** What must not move at all, and what must move by the same step each cycle. */
function snapshot(sched: Scheduler) {
  const c = sched.counters;
  return {
    live: { liveBuffers: c.liveBuffers, liveBytes: c.liveBytes, cachedBindGroups: c.cachedBindGroups, pipelines: sched.pipelines.pipelinesCreated, ...sched.pool.stats() },
    cumulative: { dispatches: c.dispatches, submits: c.submits, buffersCreated: c.buffersCreated, bytesCreated: c.bytesCreated, bindGroupsCreated: c.bindGroupsCreated, readbacks: c.readbacks, bytesReadBack: c.bytesReadBack },
  };
}

const mib = (bytes: number) => Math.round((10 * bytes) / 2 ** 20) / 10;

/** RSS and JS heap after a collection (vitest.config.ts passes --expose-gc). */
function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

describe(`${CYCLES} create / forward / destroy cycles`, () => {
  it('keep every scheduler counter flat (RSS reported)', async () => {
    const { sched } = gpu;
    for (let i = 0; i < WARM_UP; i++) await cycle(sched, i);
    const warm = snapshot(sched);
    await cycle(sched, WARM_UP);
    const one = snapshot(sched);
    const perCycle = Object.fromEntries(Object.entries(one.cumulative).map(([k, v]) => [k, v - warm.cumulative[k as keyof typeof warm.cumulative]]));
    expect(one.live).toEqual(warm.live);
    const samples = [memory()];
    const started = performance.now();
    for (let i = 1; i <= CYCLES; i++) {
      await cycle(sched, WARM_UP + i);
      if (i % Math.max(1, Math.floor(CYCLES / 10)) === 0) {
        const now = snapshot(sched);
        expect(now.live, `live counters after cycle ${i}`).toEqual(warm.live);
        for (const [k, v] of Object.entries(now.cumulative)) {
          expect(v - one.cumulative[k as keyof typeof one.cumulative], `${k} after cycle ${i}`).toBe(i * perCycle[k]!);
        }
        samples.push(memory());
      }
    }
    const ms = (performance.now() - started) / CYCLES;
    // Reported, not asserted (run under load: timings and RSS vary between runs).
    console.log(
      `lifetime cycles: ${CYCLES} cycles, ${ms.toFixed(2)} ms/cycle on ${gpu.ctx.adapterName}; ` +
        `per cycle ${JSON.stringify(perCycle)}; live ${JSON.stringify(warm.live)}; ` +
        `RSS MiB ${samples.map((m) => mib(m.rss)).join(' → ')}; JS heap MiB ${samples.map((m) => mib(m.heap)).join(' → ')}`,
    );
    expect(perCycle.buffersCreated).toBeGreaterThan(0);
    expect(perCycle.bindGroupsCreated).toBeGreaterThan(0);
  });
});
