import * as tf from '@tensorflow/tfjs-core';

/**
 * Which tensors hold only finite values, given each one's sum `Σ t` already downloaded: a finite
 * sum proves it, since NaN and ±Infinity propagate through a sum. A non-finite sum is either a
 * NaN/±Infinity entry or an overflow of finite entries; only for those tensors the exact probe
 * `Σ t·0` (NaN exactly when some entry is NaN or ±Infinity) is computed and downloaded. So the
 * usual step pays one elementwise pass per tensor (the sum) instead of two.
 *
 * @example
 * ```ts
 * const sums = tf.tidy(() => tf.stack(grads.map((g) => tf.sum(g))).dataSync());
 * const ok = finiteFromSums(grads, sums); // [true, false, …]
 * ```
 */
export function finiteFromSums(tensors: readonly tf.Tensor[], sums: ArrayLike<number>): boolean[] {
  const ok = tensors.map((_, i) => Number.isFinite(sums[i]));
  const doubtful = ok.flatMap((good, i) => (good ? [] : [i]));
  if (doubtful.length > 0) {
    const exact = tf.tidy(() => tf.stack(doubtful.map((i) => tf.sum(tf.mul(tensors[i], 0)))).dataSync());
    doubtful.forEach((i, k) => (ok[i] = Number.isFinite(exact[k])));
  }
  return ok;
}
