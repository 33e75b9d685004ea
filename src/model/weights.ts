// weights.ts — the model's parameters as PyTorch state_dict tensors: safetensors import and
// export (src/io/safetensors.ts) and checks that name every missing, extra, wrongly shaped
// or non-finite tensor before anything is uploaded.
import { checkStateDict, decodeSafetensors, encodeSafetensors, type DecodedSafetensors, type Float32Tensor } from '../io/safetensors';
import type { ModelConfig } from './config';
import { modelParamShapes } from './params';

/** Checks flat values by name: every parameter present, right length, finite. */
export function checkValues(config: ModelConfig, values: Readonly<Record<string, ArrayLike<number>>>): void {
  const shapes = modelParamShapes(config);
  const tensors: Record<string, { shape: readonly number[]; data: ArrayLike<number> }> = {};
  for (const [name, data] of Object.entries(values)) {
    const shape = shapes[name];
    const count = shape ? shape.reduce((a, b) => a * b, 1) : -1;
    // Flat arrays carry no shape: a right-length array gets the expected shape.
    tensors[name] = { shape: shape && data.length === count ? shape : [data.length], data };
  }
  throwProblems(checkStateDict(tensors, shapes));
}

function throwProblems(problems: { message: string }[]): void {
  if (problems.length > 0) throw new Error(`parameters do not match the model: ${problems.map((p) => p.message).join('; ')}`);
}

/** Decodes (unless already decoded) and checks a safetensors file; returns float32 values by name. */
export function decodeModelFile(config: ModelConfig, file: Uint8Array | DecodedSafetensors): Record<string, Float32Array> {
  const { tensors } = file instanceof Uint8Array ? decodeSafetensors(file) : file;
  const shapes = modelParamShapes(config);
  const problems = checkStateDict(tensors, shapes);
  for (const [name, t] of Object.entries(tensors)) {
    if (name in shapes && t.dtype !== 'F32' && t.dtype !== 'F64') {
      problems.push({ kind: 'shape', name, message: `tensor "${name}" has dtype ${t.dtype}; springloop loads F32 (or F64) weights` });
    }
  }
  throwProblems(problems);
  const out: Record<string, Float32Array> = {};
  for (const name of Object.keys(shapes)) out[name] = tensors[name]!.data;
  return out;
}

/** Encodes parameters as safetensors bytes with PyTorch names and shapes. */
export function encodeModelFile(config: ModelConfig, values: Record<string, Float32Array>, metadata?: Record<string, string>): Uint8Array {
  const shapes = modelParamShapes(config);
  const tensors: Record<string, Float32Tensor> = {};
  for (const [name, shape] of Object.entries(shapes)) tensors[name] = { shape, data: values[name]! };
  return encodeSafetensors(tensors, metadata ?? { format: 'pt' });
}
