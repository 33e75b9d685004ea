// elementwise.ts — float64 reference of shaders/elementwise.wgsl's ops.

export type ElementwiseOp = 'add' | 'mul' | 'sigmoid' | 'tanh' | 'sigmoid_grad' | 'tanh_grad' | 'copy';

export const ELEMENTWISE_OPS: readonly ElementwiseOp[] = ['add', 'mul', 'sigmoid', 'tanh', 'sigmoid_grad', 'tanh_grad', 'copy'];

/** op(a, b) for one element; sigmoid_grad / tanh_grad take the activation's output. */
export function elementwiseReference(op: ElementwiseOp, a: number, b = 0): number {
  switch (op) {
    case 'add':
      return a + b;
    case 'mul':
      return a * b;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-a));
    case 'tanh':
      return Math.tanh(a);
    case 'sigmoid_grad':
      return a * (1 - a);
    case 'tanh_grad':
      return 1 - a * a;
    case 'copy':
      return a;
    default:
      throw new Error(`unknown elementwise op ${String(op)}`);
  }
}
