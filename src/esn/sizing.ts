// sizing.ts — what an echo state network needs, from its settings alone (before anything is
// allocated; src/train/sizing.ts adds it to a run's needs): on the device W, the design rows of
// every sample and the Gram pair, on the host the Gram read back and its float64 copy for the
// solve, on disk its weights file. Layouts as shaders/esn.wgsl's (N padded to 4·⌈N/4⌉).
import type { MemoryNeed } from '../util/sizes';
import { nonZerosPerRow } from './reservoir';
import { ellStride } from '../kernels/esn';
import type { EsnSettings } from './config';

/** The flags that size a reservoir, for the needs' `cause`. */
const cause = (s: EsnSettings) => `--reservoir ${s.reservoir} --density ${s.density}`;

function shape(s: EsnSettings) {
  const np = 4 * Math.ceil(s.reservoir / 4);
  const width = 4 + np; // floats per design row
  const gram = (width + 4) ** 2;
  return { np, width, gram, nnz: nonZerosPerRow(s.reservoir, s.density) };
}

/** Device buffers of an ESN over `samples` samples (all rows): W, the design rows, the Gram pair. */
export function esnDeviceNeeds(s: EsnSettings, samples: number): MemoryNeed[] {
  const { np, width, gram, nnz } = shape(s);
  return [
    { what: 'esn W', bytes: nnz === 0 ? 4 * np * np : 8 * np * ellStride(nnz), cause: cause(s), binding: true },
    { what: `esn design rows (${samples} samples × ${width} floats)`, bytes: 4 * samples * width, cause: `${cause(s)} and the data set`, binding: true },
    { what: 'esn Gram matrix (hi and lo, each)', bytes: 4 * gram, cause: cause(s), binding: true },
    { what: 'esn Gram matrix (the other of the pair)', bytes: 4 * gram, cause: cause(s), binding: true },
  ];
}

/** Host memory of the readout: the Gram pair read back, and the float64 system the solve factors. */
export function esnHostNeeds(s: EsnSettings): MemoryNeed[] {
  const { gram } = shape(s);
  const d = 1 + 3 + s.reservoir;
  return [
    { what: 'esn Gram matrix read back (hi, lo)', bytes: 8 * gram, cause: cause(s), elements: gram },
    { what: 'esn ridge system (float64)', bytes: 8 * d * d, cause: cause(s), elements: d * d },
  ];
}

/** Disk bytes of esn.safetensors: W (dense, or values and columns), W_in, b and the readout. */
export function esnFileBytes(s: EsnSettings): number {
  const { nnz } = shape(s);
  const n = s.reservoir;
  const w = nnz === 0 ? 4 * n * n : 8 * n * nnz;
  return w + 4 * (3 * n + n + 4 + n) + 4096;
}
