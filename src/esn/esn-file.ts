// esn-file.ts — an echo state network as a safetensors file, in the Forecaster's format (the
// options, cell 'esn' and its settings, and the normalisation in the metadata), so
// Forecaster.load forecasts with an ESN trained by `springloop train --cells esn`. Tensors:
//   reservoir.weight_in [N, F], reservoir.bias [N], readout.weight [1 + F + N] (over [1; u; x]),
//   reservoir.weight [N, N] (dense W, spectral scaling applied), or for a sparse W
//   reservoir.weight_values / reservoir.weight_columns [N, K] (column indices stored exactly as
//   F32, N ≤ 4096 < 2²⁴).
import type { DecodedSafetensors, Float32Tensor } from '../io/safetensors';
import { encodeSafetensors } from '../io/safetensors';
import type { EchoStateNetwork } from './esn';
import { layoutReservoir, type ReservoirHost } from './reservoir';
import { ellStride } from '../kernels/esn';

/** The network's tensors and the given metadata as safetensors bytes (reads the reservoir back once). */
export async function esnSafetensors(esn: EchoStateNetwork, metadata: Record<string, string>): Promise<Uint8Array> {
  const readout = esn.readout;
  if (!readout) throw new Error('esn save: the readout is not fitted yet (fit() first)');
  const host = await esn.exportHost();
  const { reservoir: n, features: f } = esn.spec;
  const np = 4 * host.n4;
  const tensors: Record<string, Float32Tensor> = {
    'reservoir.weight_in': { shape: [n, f], data: Float32Array.from({ length: n * f }, (_, k) => host.win[(k % f) * np + Math.floor(k / f)]!) },
    'reservoir.bias': { shape: [n], data: host.bias.slice(0, n) },
    'readout.weight': { shape: [readout.length], data: Float32Array.from(readout) },
  };
  if (host.wt) {
    tensors['reservoir.weight'] = { shape: [n, n], data: Float32Array.from({ length: n * n }, (_, k) => host.wt![(k % n) * np + Math.floor(k / n)]!) };
  } else {
    // [N, K] of the ELL rows' first K entries (the rest is padding).
    const k = host.nnz;
    const stride = ellStride(k);
    const nonZeros = (ell: ArrayLike<number>) => Float32Array.from({ length: n * k }, (_, e) => ell[Math.floor(e / k) * stride + (e % k)]!);
    tensors['reservoir.weight_values'] = { shape: [n, k], data: nonZeros(host.vals!) };
    tensors['reservoir.weight_columns'] = { shape: [n, k], data: nonZeros(host.cols!) };
  }
  return encodeSafetensors(tensors, metadata);
}

/** The reservoir and readout of a decoded file, every tensor's shape checked against N and F. */
export function esnFromFile(file: DecodedSafetensors, units: number, features: number): { host: ReservoirHost; readout: Float64Array } {
  const get = (name: string, shape: number[]): Float32Array => {
    const t = file.tensors[name];
    if (!t) throw new Error(`Forecaster.load: the echo state network file lacks tensor '${name}'`);
    if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
      throw new Error(`Forecaster.load: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return t.data;
  };
  const win = get('reservoir.weight_in', [units, features]);
  const bias = get('reservoir.bias', [units]);
  const readout = Float64Array.from(get('readout.weight', [1 + features + units]));
  if (file.tensors['reservoir.weight']) return { host: layoutReservoir({ units, features, win, bias, dense: get('reservoir.weight', [units, units]) }), readout };
  const nnz = file.tensors['reservoir.weight_values']?.shape[1] ?? 0;
  const columns = get('reservoir.weight_columns', [units, nnz]);
  if (!columns.every((c) => Number.isInteger(c) && c >= 0 && c < units)) throw new Error(`Forecaster.load: reservoir.weight_columns must hold column indices in [0, ${units})`);
  return { host: layoutReservoir({ units, features, win, bias, sparse: { values: get('reservoir.weight_values', [units, nnz]), columns, nnz } }), readout };
}
