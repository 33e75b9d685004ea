// flags.ts — WebGPU's numeric flag values (spec constants), so no code depends on the
// GPUBufferUsage/GPUMapMode globals, which dawn.node only provides after set-up.

/** WebGPU's GPUBufferUsage flag values (spec constants), usable before any device exists. */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

/** WebGPU's GPUMapMode flag values (spec constants). */
export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

export const ShaderStage = { COMPUTE: 0x4 } as const;

/** Usage of a general-purpose storage buffer that can be written, read back and copied. */
export const STORAGE_RW = 0x0080 | 0x0004 | 0x0008; // STORAGE | COPY_SRC | COPY_DST, as literals: a module-level property read is code a bundler must keep
