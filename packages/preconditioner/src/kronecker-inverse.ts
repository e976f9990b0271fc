import * as tf from '@tensorflow/tfjs-core';
import type { Matrix } from '@fisherkit/core';

/**
 * A factored inverse of a Kronecker-structured matrix, applied to gradients in the `[d_a, d_g]`
 * weight layout. Implementations hold Float64 factors (the exact reference, and the checkpoint
 * state) and float32 tensor copies for the training path; they own those tensors.
 */
export interface KroneckerInverse {
  /** `≈ M⁻¹ grad` on the tfjs backend; returns a new tensor owned by the caller. */
  apply(grad: tf.Tensor2D): tf.Tensor2D;
  /** The same product in Float64 (tests, the `fisherkit approx` command). */
  applyExact(grad: Matrix): Matrix;
  /** The Float64 factors, as plain data. */
  factors(): Record<string, Matrix>;
  dispose(): void;
}

/**
 * Uploads a Float64 matrix as a float32 tensor (the caller owns it). The tensor is kept out of any
 * enclosing `tf.tidy`, because an inverse worker's result is installed inside the driver's tidy.
 */
export function uploadMatrix(m: Matrix): tf.Tensor2D {
  return tf.keep(tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]));
}
