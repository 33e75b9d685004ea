// elementwise.ts — typed wrapper of shaders/elementwise.wgsl: out = op(a, b) over [rows, cols]
// views (offsets and row strides in f32 elements). Used by the unfused LSTM of the benchmark.
import elementwiseWgsl from '../../shaders/elementwise.wgsl';
import type { Kernel } from '../gpu/kernel';
import { declareBindings, type BindingDeclarations } from '../gpu/declare';
import { grid1d } from '../gpu/grid';
import { numel, type GpuTensor } from '../gpu/tensor';
import type { Scheduler } from '../gpu/scheduler';
import { ELEMENTWISE_OPS, type ElementwiseOp } from '../reference/elementwise';

/** shaders/elementwise.wgsl, reflected at build time. */
export const elementwiseKernel: Kernel = elementwiseWgsl;
const WG = 64;

/** What elementwise.wgsl expects: at least the elements each [rows, cols] view reaches (A, B, OUT). */
export const ELEMENTWISE_BINDINGS: BindingDeclarations = /* @__PURE__ */ declareBindings({ a: '[>= A] f32', b: '[>= B] f32', out: '[>= OUT] f32' });

/** A [rows, cols] view: element (r, c) at offset + r·ld + c. */
export interface View {
  tensor: GpuTensor;
  offset?: number;
  /** Row stride; default cols. */
  ld?: number;
}

function fits(name: string, v: View, rows: number, cols: number): { off: number; rs: number; end: number } {
  const off = v.offset ?? 0;
  const rs = v.ld ?? cols;
  const end = off + (rows - 1) * rs + cols;
  if (end > numel(v.tensor.shape)) throw new Error(`elementwise: ${name} (${v.tensor.label}) needs ${end} elements, has ${numel(v.tensor.shape)}`);
  return { off, rs, end };
}

/** Records out = op(a, b) over [rows, cols]. b is ignored by unary ops. */
export function elementwise(sched: Scheduler, op: ElementwiseOp, rows: number, cols: number, out: View, a: View, b?: View): void {
  const code = ELEMENTWISE_OPS.indexOf(op);
  if (code < 0) throw new Error(`elementwise: unknown op ${String(op)}`);
  if ((op === 'add' || op === 'mul') && !b) throw new Error(`elementwise: op ${op} needs b`);
  const A = fits('a', a, rows, cols);
  const B = b ? fits('b', b, rows, cols) : { off: 0, rs: 0, end: A.end };
  const O = fits('out', out, rows, cols);
  sched.dispatch(elementwiseKernel, 'map', {
    bindings: { a: a.tensor, b: (b ?? a).tensor, out: out.tensor },
    shapes: { declared: ELEMENTWISE_BINDINGS, dims: { A: A.end, B: B.end, OUT: O.end } },
    uniforms: { rows, cols, op: code, a_off: A.off, a_rs: A.rs, b_off: B.off, b_rs: B.rs, out_off: O.off, out_rs: O.rs },
    workgroups: grid1d(rows * cols, WG, sched.device.limits.maxComputeWorkgroupsPerDimension),
    overrides: { WG },
  });
}
