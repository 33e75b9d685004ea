// .wgsl files import as build-compiled kernels (scripts/wgsl-plugin.ts, for esbuild and
// vitest): the default export is the Kernel, `source` the file's text in its shipped form,
// without the indentation and spaces springloop can put back (src/gpu/wgsl-shipped.ts unpacks
// it; helpers' text is what `//!include` pulls in).
declare module '*.wgsl' {
  const kernel: import('../src/gpu/kernel').Kernel;
  export default kernel;
  export const source: string;
}
