// .wgsl files import as build-compiled kernels (scripts/wgsl-plugin.ts, for esbuild and
// vitest): the default export is the Kernel, `source` the file's text (helpers' text is
// what `//!include` pulls in).
declare module '*.wgsl' {
  const kernel: import('../src/gpu/kernel').Kernel;
  export default kernel;
  export const source: string;
}
