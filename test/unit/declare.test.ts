// declare.test.ts — declared binding shapes: the little dimension language, the check's
// messages, and that every kernel wrapper's table declares exactly the storage bindings its
// WGSL entry points use (reflected, no GPU).
import { describe, expect, it } from 'vitest';
import { checkDeclared, declareBindings, parseExpr, type BindingDeclarations } from '../../src/gpu/declare';
import type { Kernel } from '../../src/gpu/kernel';
import { LSTM_BACKWARD_BINDINGS, LSTM_FORWARD_BINDINGS, lstmKernel } from '../../src/kernels/lstm';
import { GRU_BACKWARD_BINDINGS, GRU_FORWARD_BINDINGS, gruKernel } from '../../src/kernels/gru';
import { RNN_BACKWARD_BINDINGS, RNN_FORWARD_BINDINGS, rnnKernel } from '../../src/kernels/rnn';
import { GEMM_BINDINGS, gemmKernel } from '../../src/kernels/gemm';
import { PERMUTE_BINDINGS, permuteKernel } from '../../src/kernels/permute';
import { LOSS_BINDINGS, lossKernel } from '../../src/kernels/loss';
import { AXPY_BINDINGS, axpyKernel } from '../../src/kernels/axpy';
import { ELEMENTWISE_BINDINGS, elementwiseKernel } from '../../src/kernels/elementwise';
import { RK4_BINDINGS, rk4Kernel } from '../../src/kernels/rk4';
import { WINDOWS_BINDINGS, windowsKernel } from '../../src/kernels/windows';
import { METRICS_BINDINGS, metricsKernel } from '../../src/kernels/metrics';
import { OPTIM_BINDINGS, adamKernel, gradNormKernel, sgdKernel } from '../../src/kernels/optim';
import { JACOBIAN_BINDINGS, jacobianKernel } from '../../src/kernels/jacobian';
import { FIXED_POINT_BINDINGS, fixedPointKernel } from '../../src/kernels/fixed-point';
import { STATE_GRAD_NORM_BINDINGS, stateGradNormKernel } from '../../src/kernels/state-grad-norm';

describe('dimension expressions', () => {
  it.each([
    ['T+1', { T: 5 }, 6],
    ['4H', { H: 3 }, 12],
    ['4*H', { H: 3 }, 12],
    ['2(T+1)', { T: 2 }, 6],
    ['R*S*C - 1', { R: 2, S: 3, C: 2 }, 11],
    ['8P', { P: 7 }, 56],
    ['SLOT+3', { SLOT: 4 }, 7],
  ])('%s with %j is %i', (text, dims, want) => {
    expect(parseExpr(text).evaluate(dims)).toBe(want);
  });

  it('names a missing dimension, and rejects malformed text at declaration time', () => {
    expect(() => parseExpr('T+Q').evaluate({ T: 1 })).toThrow(/dimension 'Q' was not given \(dims: T\)/);
    expect(() => declareBindings({ x: '[T+] f32' }).get('x')).toThrow(/declareBindings: 'x: \[T\+\] f32': 'T\+' ends too early/);
    expect(() => declareBindings({ x: '[T, B] f64' }).get('x')).toThrow(/expected '\[dims\] dtype' with dtype one of f32, u32, i32/);
    expect(() => declareBindings({ x: '[T, , B] f32' }).get('x')).toThrow(/empty dimension/);
    expect(() => declareBindings({ x: '[(T] f32' }).get('x')).toThrow(/unclosed/);
  });
});

describe('checkDeclared', () => {
  const d = declareBindings({ hseq: '[T+1, B, H] f32', out: '[N, S, C] f32', view: '[>= END] f32', labels: '[B] u32' });
  const dims = { T: 3, B: 2, H: 4, N: 5, S: 7, C: 1, END: 10, };
  const record = { id: 1, label: 'b', alive: true, owned: true, size: 4096, usage: 0 };
  const tensor = (shape: number[], dtype: 'f32' | 'u32' = 'f32') => ({
    tensor: { shape, dtype, label: 't', offset: 0, buffer: {} as GPUBuffer }, size: 4 * shape.reduce((a, b) => a * b, 1), record,
  });
  const raw = (values: number) => ({ tensor: null, size: 4 * values, record });

  it('accepts the declared shape, up to dimensions of size 1', () => {
    expect(() => checkDeclared('k', 'hseq', d.get('hseq')!, dims, tensor([4, 2, 4]))).not.toThrow();
    expect(() => checkDeclared('k', 'out', d.get('out')!, dims, tensor([5, 7]))).not.toThrow();
    expect(() => checkDeclared('k', 'view', d.get('view')!, dims, tensor([3, 4]))).not.toThrow();
    expect(() => checkDeclared('k', 'out', d.get('out')!, dims, raw(35))).not.toThrow();
  });

  it('names kernel, binding, expected and actual shape', () => {
    expect(() => checkDeclared('kernel lstm.wgsl:forward_step', 'hseq', d.get('hseq')!, dims, tensor([3, 2, 4]))).toThrow(
      "kernel lstm.wgsl:forward_step: binding 'hseq' (tensor 't') has shape [3, 2, 4] f32, expected [T+1, B, H] = [4, 2, 4] f32 (T=3, B=2, H=4, N=5, S=7, C=1, END=10)",
    );
    expect(() => checkDeclared('k', 'view', d.get('view')!, dims, tensor([9]))).toThrow(/has shape \[9\] f32, expected at least 10 f32 values/);
    expect(() => checkDeclared('k', 'labels', d.get('labels')!, dims, tensor([2]))).toThrow(/has shape \[2\] f32, expected \[B\] = \[2\] u32/);
    expect(() => checkDeclared('k', 'out', d.get('out')!, dims, raw(34))).toThrow(
      /binding 'out' \(buffer 'b'\) has 34 values \(136 bytes\), expected \[N, S, C\] = \[5, 7, 1\] f32/,
    );
  });
});

/** Every (kernel, entries, table) of the wrappers. */
const TABLES: [Kernel, readonly string[], BindingDeclarations][] = [
  [lstmKernel, ['forward_step', 'forward_seq'], LSTM_FORWARD_BINDINGS],
  [lstmKernel, ['backward_step', 'backward_seq'], LSTM_BACKWARD_BINDINGS],
  [gruKernel, ['forward_step', 'forward_seq'], GRU_FORWARD_BINDINGS],
  [gruKernel, ['backward_step', 'backward_seq'], GRU_BACKWARD_BINDINGS],
  [rnnKernel, ['forward_step', 'forward_seq'], RNN_FORWARD_BINDINGS],
  [rnnKernel, ['backward_step', 'backward_seq'], RNN_BACKWARD_BINDINGS],
  [gemmKernel, ['gemm', 'colsum'], GEMM_BINDINGS],
  [permuteKernel, ['permute', 'permute4'], PERMUTE_BINDINGS],
  [lossKernel, ['mse', 'cross_entropy'], LOSS_BINDINGS],
  [axpyKernel, ['axpy'], AXPY_BINDINGS],
  [elementwiseKernel, ['map'], ELEMENTWISE_BINDINGS],
  [rk4Kernel, ['rk4', 'euler', 'symplectic'], RK4_BINDINGS],
  [windowsKernel, [...windowsKernel.reflection.entryPoints.keys()], WINDOWS_BINDINGS],
  [metricsKernel, [...metricsKernel.reflection.entryPoints.keys()], METRICS_BINDINGS],
  [adamKernel, ['adam'], OPTIM_BINDINGS],
  [sgdKernel, ['sgd'], OPTIM_BINDINGS],
  [gradNormKernel, ['partial_sums', 'finalize'], OPTIM_BINDINGS],
  [jacobianKernel, ['state_jacobian', 'input_jacobian'], JACOBIAN_BINDINGS],
  [fixedPointKernel, ['residual', 'descend'], FIXED_POINT_BINDINGS],
  [stateGradNormKernel, ['step_norms'], STATE_GRAD_NORM_BINDINGS],
];

describe('every kernel wrapper declares every binding', () => {
  it.each(TABLES.map(([k, entries, table]) => [`${k.name} ${entries.join(', ')}`, k, entries, table] as const))('%s', (_name, kernel, entries, table) => {
    const used = new Set<string>();
    for (const entry of entries) {
      for (const b of kernel.entry(entry).bindings) {
        if (b.kind === 'uniform') continue;
        used.add(b.name);
        expect(table.get(b.name), `${kernel.name}:${entry} binding '${b.name}'`).toBeDefined();
        // The declared dtype matches the WGSL element type where reflection tells it (u32 arrays).
        const wgslU32 = new RegExp(`var<storage,[^>]*>\\s*${b.name}\\s*:\\s*array<u32>`).test(kernel.code);
        expect(table.get(b.name)!.dtype === 'u32', `${kernel.name} '${b.name}' dtype`).toBe(wgslU32);
      }
    }
    // A shared table (optim) may declare bindings of sibling kernels; the others bind all they declare.
    if (table !== OPTIM_BINDINGS) expect([...used].sort()).toEqual([...table.names].sort());
    for (const name of table.names) expect(table.get(name)!.text.length).toBeGreaterThan(0); // every entry parses
  });
});
