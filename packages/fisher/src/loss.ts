import * as tf from '@tensorflow/tfjs-core';
import { OptionError } from '@fisherkit/core';
import type { Activation, LossName } from './model.js';

/** Every loss fisherkit knows. */
export const LOSSES: readonly LossName[] = ['bce', 'mse', 'softmax-ce'];

/** The output activation each loss is paired with (its canonical link). */
const OUTPUT_ACTIVATION: Record<LossName, Activation> = {
  bce: 'sigmoid',
  mse: 'linear',
  'softmax-ce': 'linear',
};

/**
 * Throws an {@link OptionError} unless `loss` is known and `outputActivation` is its canonical
 * link: `bce` ↔ `sigmoid`, `mse` ↔ `linear`, `softmax-ce` ↔ `linear` (logits; the softmax is part
 * of the loss). These pairs make `∂ℓ/∂s_out` the simple residual the backward pass uses.
 *
 * @example
 * ```ts
 * assertLossMatchesOutput('bce', 'sigmoid', 'the last layer'); // ok
 * assertLossMatchesOutput('mse', 'sigmoid', 'the last layer'); // throws
 * ```
 */
export function assertLossMatchesOutput(loss: unknown, outputActivation: string, where: string): asserts loss is LossName {
  if (!LOSSES.includes(loss as LossName)) {
    throw new OptionError(`loss is ${JSON.stringify(loss)}; use one of ${LOSSES.join(', ')}`);
  }
  const want = OUTPUT_ACTIVATION[loss as LossName];
  if (outputActivation !== want) {
    const hint =
      loss === 'softmax-ce'
        ? ' (softmax-ce takes logits: the softmax is part of the loss, so the output layer must be linear)'
        : '';
    throw new OptionError(
      `loss "${loss}" needs a "${want}" output activation but ${where} uses "${outputActivation}"${hint}; ` +
        `change the output activation to "${want}" or pick the loss that matches "${outputActivation}"`,
    );
  }
}

/**
 * Mean mini-batch loss from the output pre-activations `s` (B × d_out) and targets `y`,
 * summed over output units (fisherkit's convention):
 * - bce: `(1/B) Σ_b Σ_j [max(s,0) − s·y + log(1 + e^{−|s|})]` (stable form of the sigmoid cross-entropy)
 * - mse: `(1/B) Σ_b Σ_j ½ (s − y)²`
 * - softmax-ce: `−(1/B) Σ_b Σ_j y_j log softmax(s)_j`
 *
 * @example
 * ```ts
 * const l = batchLoss('bce', logits, y); // tf.Scalar
 * ```
 */
export function batchLoss(loss: LossName, s: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    let perUnit: tf.Tensor;
    switch (loss) {
      case 'bce':
        perUnit = tf.add(tf.sub(tf.relu(s), tf.mul(s, y)), tf.log1p(tf.exp(tf.neg(tf.abs(s)))));
        break;
      case 'mse':
        perUnit = tf.mul(0.5, tf.square(tf.sub(s, y)));
        break;
      case 'softmax-ce':
        perUnit = tf.neg(tf.mul(y, tf.logSoftmax(s)));
        break;
    }
    return tf.div(tf.sum(perUnit), s.shape[0]) as tf.Scalar;
  });
}

/**
 * Per-example gradient of the loss with respect to the output pre-activations,
 * `δ = ∂ℓ/∂s_out` (B × d_out, NOT divided by B):
 * bce `σ(s) − y`; mse `s − y`; softmax-ce `softmax(s) · Σ_j y_j − y` (= `softmax(s) − y` for
 * targets that sum to one, the exact derivative otherwise).
 *
 * @example
 * ```ts
 * const delta = outputGradient('mse', s, y); // s − y
 * ```
 */
export function outputGradient(loss: LossName, s: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    switch (loss) {
      case 'bce':
        return tf.sub(tf.sigmoid(s), y);
      case 'mse':
        return tf.sub(s, y);
      case 'softmax-ce':
        return tf.sub(tf.mul(tf.softmax(s), tf.sum(y, 1, true)), y) as tf.Tensor2D;
    }
  });
}

/**
 * Parameters of the model's predictive distribution given the output pre-activations:
 * bce the Bernoulli means `σ(s)`, mse the Gaussian means `s` (unit variance), softmax-ce the
 * class probabilities `softmax(s)`.
 *
 * @example
 * ```ts
 * const p = predictiveParameters('bce', logits); // σ(logits)
 * ```
 */
export function predictiveParameters(loss: LossName, s: tf.Tensor2D): tf.Tensor2D {
  switch (loss) {
    case 'bce':
      return tf.sigmoid(s);
    case 'mse':
      return tf.clone(s);
    case 'softmax-ce':
      return tf.softmax(s);
  }
}
