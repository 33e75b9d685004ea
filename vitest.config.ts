import { defineConfig } from 'vitest/config';

// .wgsl files import as text, exactly as esbuild's text loader does in scripts/build.mjs.
const wgslAsText = {
  name: 'wgsl-as-text',
  transform(code: string, id: string) {
    if (!id.endsWith('.wgsl')) return null;
    return { code: `export default ${JSON.stringify(code)};`, map: null };
  },
};

export default defineConfig({
  plugins: [wgslAsText],
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
