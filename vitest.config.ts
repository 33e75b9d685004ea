import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { viteWgslPlugin } from './scripts/wgsl-plugin.ts';
// @ts-expect-error — plain ESM module shipped with the CLI, without types
import { dawnNoiseFilter } from './bin/dawn-noise.js';

// Test workers' stderr reaches this process through process.stderr (vitest pipes each fork's
// stderr into it): drop Dawn's native start-up lines there, and only those (bin/dawn-noise.js).
const filter = dawnNoiseFilter((text: string) => writeStderr(text));
const writeStderr = process.stderr.write.bind(process.stderr) as (text: string) => boolean;
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  filter.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  done?.();
  return true;
}) as typeof process.stderr.write;

export default defineConfig({
  // .wgsl files import as build-compiled kernels, exactly as scripts/build.mjs bundles them.
  plugins: [viteWgslPlugin({ kernelModule: resolve('src/gpu/kernel.ts') })],
  test: {
    include: ['test/**/*.test.ts'],
    // One file at a time: GPU tiers share two cores with the software adapter.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // gc() for test/gpu/lifetime-cycles.test.ts: RSS sampled after a collection says more.
    execArgv: ['--expose-gc'],
  },
});
