import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { viteWgslPlugin } from './scripts/wgsl-plugin.ts';

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
  },
});
