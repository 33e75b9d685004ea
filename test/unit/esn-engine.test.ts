// esn-engine.test.ts — the Forecaster's cell 'esn' comes from 'springloop/esn': without
// Forecaster.use(esn) it says which import provides it, before any GPU work; a wrong engine is
// refused. (Module state is per test file, so nothing here has registered one.)
import { describe, expect, it } from 'vitest';
import { Forecaster } from '../../src/train/forecaster';
import type { Scheduler } from '../../src/gpu/scheduler';
import { Lifetime } from '../../src/gpu/lifetime';

describe("cell 'esn' without its module", () => {
  it('names the import and the call that provide it, touching no GPU', async () => {
    // A scheduler whose every member but its (live) lifetime throws: no GPU work may happen.
    const lifetime = new Lifetime('Scheduler', 'dispose');
    const untouchable = new Proxy({}, {
      get: (_, key) => {
        if (key === 'lifetime') return lifetime;
        throw new Error(`the scheduler was used (${String(key)})`);
      },
    }) as Scheduler;
    const series = Array.from({ length: 300 }, (_, i) => Math.sin(i / 9));
    await expect(Forecaster.create(untouchable, series, { cell: 'esn', seq: 10 })).rejects.toThrow(
      /cell 'esn' needs import \{ esn \} from 'springloop\/esn' and Forecaster\.use\(esn\)/,
    );
    expect(() => Forecaster.use({} as never)).toThrow(/expected \{ esn \} of 'springloop\/esn'/);
  });
});
