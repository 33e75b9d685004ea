// uniforms.ts — packs named values into a uniform struct at the byte offsets reflected
// from the WGSL (see reflect.ts). Every member must be given; unknown names are errors.
import type { BindingInfo } from './reflect';
import { describeValue } from '../util/check';

export type UniformValues = Readonly<Record<string, number | readonly number[]>>;

export function packUniforms(kernelName: string, binding: BindingInfo, values: UniformValues, view: DataView, base: number): void {
  const members = binding.members ?? [];
  for (const key of Object.keys(values)) {
    if (!members.some((m) => m.name === key)) {
      throw new Error(`kernel ${kernelName}: uniform ${binding.name} has no member '${key}' (members: ${members.map((m) => m.name).join(', ')})`);
    }
  }
  for (const m of members) {
    const value = values[m.name];
    if (value === undefined) throw new Error(`kernel ${kernelName}: uniform ${binding.name}.${m.name} was not given`);
    const parts = typeof value === 'number' ? [value] : Array.isArray(value) ? value : null;
    if (parts === null) {
      throw new Error(`kernel ${kernelName}: uniform ${binding.name}.${m.name} must be a number${m.components > 1 ? ` or ${m.components} numbers` : ''}, got ${describeValue(value)}`);
    }
    if (parts.length !== m.components) {
      throw new Error(`kernel ${kernelName}: uniform ${binding.name}.${m.name} needs ${m.components} value(s), got ${parts.length}`);
    }
    parts.forEach((v, i) => {
      const at = base + m.offset + 4 * i;
      if (typeof v !== 'number') throw new Error(`kernel ${kernelName}: uniform ${binding.name}.${m.name} must be a number, got ${describeValue(v)}`);
      if (m.scalar === 'f32') view.setFloat32(at, v, true);
      else {
        if (!Number.isInteger(v) || (m.scalar === 'u32' && (v < 0 || v > 0xffffffff))) {
          throw new Error(`kernel ${kernelName}: uniform ${binding.name}.${m.name} is ${m.scalar} but got ${v}`);
        }
        if (m.scalar === 'u32') view.setUint32(at, v, true);
        else view.setInt32(at, v, true);
      }
    });
  }
}
