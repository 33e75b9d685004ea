// permute.ts — typed wrapper of shaders/permute.wgsl: [A, Bd, F] → [Bd, A, F] (batch-first ↔
// time-major). Offsets are in f32 elements.
import permuteWgsl from '../../shaders/permute.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { numel, formatShape, type GpuTensor } from '../gpu/tensor';
import type { Binding, Scheduler } from '../gpu/scheduler';

/** shaders/permute.wgsl, reflected at build time. */
export const permuteKernel: Kernel = permuteWgsl;
const WG = 64;

/** What permute.wgsl expects: at least the N = a·bd·f elements after each offset (SRC, OUT). */
export const PERMUTE_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({ src: '[>= SRC] f32', out: '[>= OUT] f32', src4: '[>= SRC] f32', out4: '[>= OUT] f32' });

export interface PermuteArgs {
  src: GpuTensor;
  out: GpuTensor;
  /** Sizes of src: [a, bd, f]. */
  dims: readonly [number, number, number];
  srcOffset?: number;
  outOffset?: number;
}

/** Records out[outOffset + (j·a + i)·f + k] = src[srcOffset + (i·bd + j)·f + k]. */
export function permute01(sched: Scheduler, args: PermuteArgs): void {
  const [a, bd, f] = args.dims;
  const n = a * bd * f;
  const srcOff = args.srcOffset ?? 0;
  const outOff = args.outOffset ?? 0;
  if (![a, bd, f].every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`permute: dims ${formatShape(args.dims)} must be positive integers`);
  if (srcOff + n > numel(args.src.shape)) throw new Error(`permute: ${args.src.label} ${formatShape(args.src.shape)} is too small for ${formatShape(args.dims)} at offset ${srcOff}`);
  if (outOff + n > numel(args.out.shape)) throw new Error(`permute: ${args.out.label} ${formatShape(args.out.shape)} is too small for ${n} values at offset ${outOff}`);
  // Rows of F values that are whole aligned vec4s: four per load and store (entry permute4),
  // on bindings cut to the whole vec4s used.
  const q = f % 4 === 0 && srcOff % 4 === 0 && outOff % 4 === 0 ? 4 : 1;
  const upTo = (t: GpuTensor, end: number): Binding => ({ buffer: t.buffer, offset: t.offset, size: 4 * end });
  const bindings: Record<string, Binding> = q === 4 ? { src4: upTo(args.src, srcOff + n), out4: upTo(args.out, outOff + n) } : { src: args.src, out: args.out };
  sched.dispatch(permuteKernel, q === 4 ? 'permute4' : 'permute', {
    bindings,
    shapes: { declared: PERMUTE_BINDINGS, dims: { SRC: srcOff + n, OUT: outOff + n } },
    uniforms: { a, bd, f: f / q, src_off: srcOff / q, out_off: outOff / q },
    workgroups: grid1d(n / q, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}
