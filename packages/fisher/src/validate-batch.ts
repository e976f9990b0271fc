import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError, ShapeError } from '@fisherkit/core';

/**
 * Throws a {@link ShapeError} unless `x` is a float32 `[B, features]` tensor (B ≥ 1), and a
 * {@link NonFiniteError} if it holds NaN or ±Infinity. Returns B.
 *
 * @example
 * ```ts
 * const batch = assertInput(x, 784, 'x'); // x must be [B, 784]
 * ```
 */
export function assertInput(x: tf.Tensor, features: number, what: string): number {
  if (!(x instanceof tf.Tensor)) {
    throw new ShapeError(`${what} must be a tf.Tensor2D of shape [batch, ${features}], got ${typeof x}`);
  }
  if (x.rank !== 2 || x.shape[1] !== features || x.shape[0] < 1) {
    throw new ShapeError(
      `${what} has shape [${x.shape.join(', ')}] but must be [batch, ${features}] with batch ≥ 1; reshape it to 2-D rows of ${features} values`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new ShapeError(`${what} has dtype ${x.dtype} but must be float32; convert it with tf.cast(${what}, 'float32')`);
  }
  assertFiniteTensor(x, what);
  return x.shape[0];
}

/**
 * Validates a training batch: `x` is `[B, inputs]`, `y` is `[B, outputs]`, both float32 and finite.
 * Returns B.
 *
 * @example
 * ```ts
 * const batch = assertBatch(x, y, 784, 784);
 * ```
 */
export function assertBatch(x: tf.Tensor, y: tf.Tensor, inputs: number, outputs: number): number {
  const b = assertInput(x, inputs, 'x');
  const by = assertInput(y, outputs, 'y');
  if (b !== by) {
    throw new ShapeError(`x has ${b} rows but y has ${by}; pass one target row per input row`);
  }
  return b;
}

/** Throws a {@link NonFiniteError} naming the first NaN/±Infinity entry of `t` (one scalar read when clean). */
function assertFiniteTensor(t: tf.Tensor, what: string): void {
  const ok = tf.tidy(() => tf.all(tf.isFinite(t)));
  const clean = ok.dataSync()[0] === 1;
  ok.dispose();
  if (clean) return;
  const values = t.dataSync();
  const cols = t.shape[1] ?? 1;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k])) {
      const i = Math.floor(k / cols);
      throw new NonFiniteError(
        `${what} has a non-finite entry ${values[k]} at row ${i}, column ${k - i * cols}; remove or impute NaN/Infinity before training`,
      );
    }
  }
}
