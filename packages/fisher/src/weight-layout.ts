import * as tf from '@tensorflow/tfjs-core';

/**
 * Joins a kernel `[d_in, d_out]` and a bias `[d_out]` into fisherkit's weight layout
 * `[d_a, d_g] = [d_in + 1, d_out]`: the kernel with the bias appended as the last row (`Wᵀ`).
 *
 * @example
 * ```ts
 * const w = joinWeights(kernel, bias); // shape [d_in + 1, d_out]
 * ```
 */
export function joinWeights(kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.concat([kernel as tf.Tensor2D, tf.reshape(bias, [1, -1]) as tf.Tensor2D], 0));
}

/**
 * Splits a `[d_in + 1, d_out]` weight-layout tensor back into kernel `[d_in, d_out]` and bias `[d_out]`
 * (the inverse of {@link joinWeights}).
 *
 * @example
 * ```ts
 * const { kernel, bias } = splitWeights(w, dIn);
 * ```
 */
export function splitWeights(w: tf.Tensor2D, inputSize: number): { kernel: tf.Tensor2D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const kernel = tf.slice(w, [0, 0], [inputSize, -1]);
    const bias = tf.reshape(tf.slice(w, [inputSize, 0], [1, -1]), [-1]) as tf.Tensor1D;
    return { kernel, bias };
  });
}
