// cli-output.test.ts — the `springloop` command's output carries no Dawn start-up noise
// (bin/dawn-noise.js), keeps its exit codes, and the raw mode shows what was filtered.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function springloop(args: string[], env: Record<string, string> = {}) {
  if (!existsSync('dist/node/cli.js')) spawnSync(process.execPath, ['scripts/build.mjs', '--no-types'], { stdio: 'inherit' });
  return spawnSync(process.execPath, ['bin/springloop.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('springloop command output', () => {
  it('info prints the adapter and no Dawn noise on stderr', () => {
    const r = springloop(['info']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^adapter: /m);
    expect(r.stderr).not.toMatch(/artificially reduced/);
    const raw = springloop(['info'], { SPRINGLOOP_RAW_STDERR: '1' });
    expect(raw.status).toBe(0);
    // Dawn prints its noise on adapters that report huge dynamic-buffer limits (lavapipe does);
    // where it does, the filtered run above is the proof that it was dropped.
    if (/artificially reduced/.test(raw.stderr)) expect(r.stderr.length).toBeLessThan(raw.stderr.length);
  });

  it('keeps the CLI’s exit code and error text', () => {
    const r = springloop(['no-such-command']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'no-such-command'/);
  });
});
