import { createRng, OptionError } from '@fisherkit/core';

/** Index sets of a seeded train/validation split. */
export interface SplitIndices {
  train: Uint32Array;
  validation: Uint32Array;
}

/**
 * Splits the examples 0 … n − 1 into a training and a validation set through one seeded
 * permutation π (Fisher–Yates with `createRng(seed)`): train = π[0 … n − nValidation − 1],
 * validation = π[n − nValidation … n − 1]. The two sets are disjoint, cover every example, and
 * the same seed gives the same split on every platform.
 *
 * @example
 * ```ts
 * const { train, validation } = seededSplit(60000, 10000, 0); // the MNIST 50,000 / 10,000 split
 * ```
 */
export function seededSplit(n: number, nValidation: number, seed: number): SplitIndices {
  if (!Number.isInteger(n) || n < 2) throw new OptionError(`a split needs at least 2 examples, got ${n}`);
  if (!Number.isInteger(nValidation) || nValidation < 1 || nValidation >= n) {
    throw new OptionError(`validation count must be an integer in [1, ${n - 1}], got ${nValidation}`);
  }
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  createRng(seed).shuffle(perm);
  const nTrain = n - nValidation;
  return { train: perm.subarray(0, nTrain), validation: perm.subarray(nTrain) };
}

/**
 * The validation count of an 80/20 split: round(0.2 · n). CURVES 20,000 → 4,000; FACES 103,500 →
 * 20,700.
 *
 * @example
 * ```ts
 * eightyTwenty(20000); // 4000
 * ```
 */
export function eightyTwenty(n: number): number {
  return Math.max(1, Math.round(0.2 * n));
}

/**
 * Copies the rows `indices` of a row-major n × d matrix into a new Float32Array,
 * out[k, j] = scale · source[indices[k], j].
 *
 * @example
 * ```ts
 * const x = gatherRows(pixels, 784, train.subarray(0, 512), 1 / 255);
 * ```
 */
export function gatherRows(source: ArrayLike<number>, d: number, indices: ArrayLike<number>, scale = 1): Float32Array {
  const out = new Float32Array(indices.length * d);
  const src = source as Float32Array;
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k] * d;
    const to = k * d;
    if (scale === 1) {
      if (ArrayBuffer.isView(source)) out.set(src.subarray(from, from + d), to);
      else for (let j = 0; j < d; j++) out[to + j] = src[from + j];
    } else {
      for (let j = 0; j < d; j++) out[to + j] = src[from + j] * scale;
    }
  }
  return out;
}
