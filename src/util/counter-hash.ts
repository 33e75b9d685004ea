// counter-hash.ts — the counter-based random bits of dropout masks, shared by the GPU kernel's
// wrapper (which hashes a site's key once on the host), the float64 reference and the kernel
// itself (shaders/dropout.wgsl repeats mix32 in WGSL). Pure 32-bit integer arithmetic, so the
// same (seed, step, site, element) gives the same bit on every adapter and in every browser.
// Imports nothing.

/** Chris Wellons' lowbias32 integer hash of a 32-bit unsigned integer (a bijection). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const TWO_32 = 4_294_967_296; // 2^32 (a literal: bundlers keep `2 ** 32` as code)

/**
 * The key of one dropout site: seed (an integer ≥ 0), step (an integer ≥ 0: which training
 * step) and site (the layer whose input is masked: 0 for x, l for the output of layer l − 1)
 * hashed together. Element e of the site then drops iff mix32(mix32(e) ^ key) < threshold.
 */
export function dropoutKey(seed: number, step: number, site: number): number {
  const hi = Math.floor(seed / TWO_32);
  let k = mix32((seed >>> 0) ^ mix32(hi));
  k = mix32((k ^ (step >>> 0)) >>> 0);
  k = mix32((k ^ mix32(Math.floor(step / TWO_32))) >>> 0);
  return mix32((k ^ (site >>> 0)) >>> 0);
}

/** ⌊p·2³²⌋: an element drops iff its 32 random bits are below it (p in [0, 1)). */
export function dropoutThreshold(p: number): number {
  return Math.min(TWO_32 - 1, Math.floor(p * TWO_32));
}

/** Whether element e of a site with `key` is kept at `threshold` (the kernel's test). */
export function dropoutKeeps(key: number, threshold: number, e: number): boolean {
  return mix32((mix32(e) ^ key) >>> 0) >= threshold;
}
