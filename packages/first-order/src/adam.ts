import * as tf from '@tensorflow/tfjs-core';
import { assertKnownOptions, checkNumber, checkSchedule, evaluateSchedule, type NumericalWarning, type Optimizer, type Schedule } from '@fisherkit/preconditioner';
import { adamUpdate } from './adam-update.js';
import { firstOrderOptimizer } from './first-order-driver.js';
import { checkGuardOptions } from './guard-options.js';

/** Options of {@link adam}. */
export interface AdamOptions {
  /** Learning rate η (default 1e-3), a number or a function of the step context. */
  learningRate?: Schedule;
  /** First-moment decay β₁ in [0, 1) (default 0.9). */
  beta1?: number;
  /** Second-moment decay β₂ in [0, 1) (default 0.999). */
  beta2?: number;
  /** ε > 0 added to sqrt(v̂) (default 1e-7, the tfjs default). */
  epsilon?: number;
  /** Coupled L2 weight decay wd ≥ 0 (default 0; not AdamW). */
  weightDecay?: number;
  /** Steps in a row with NaN/Infinity in one layer's gradient before stopping with a NonFiniteError [5]. */
  maxNonFinite?: number;
  /** Receives each skipped-layer warning [console.warn]. */
  onWarning?: (warning: NumericalWarning) => void;
}

/**
 * Adam (Kingma & Ba 2015) with coupled L2 weight decay, the same update as
 * `tf.train.adam(η, β₁, β₂, ε)`; at step t = 1, 2, …:
 *
 *     g ← DW + wd · W
 *     m ← β₁ m + (1 − β₁) g,      v ← β₂ v + (1 − β₂) g²
 *     W ← W − η · (m / (1 − β₁ᵗ)) / (sqrt(v / (1 − β₂ᵗ)) + ε)
 *
 * @example
 * ```ts
 * const opt = adam({ learningRate: 1e-3 });
 * await train(model, opt, { x, y: x }, { epochs: 10, batchSize: 256, seed: 0 });
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const what = 'adam';
  assertKnownOptions(options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'maxNonFinite', 'onWarning'], what);
  const { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0 } = options;
  checkSchedule(learningRate, 'learningRate', what);
  checkNumber(beta1, 'beta1', what, { min: 0, max: 1, maxExclusive: true });
  checkNumber(beta2, 'beta2', what, { min: 0, max: 1, maxExclusive: true });
  checkNumber(epsilon, 'epsilon', what, { min: 0, minExclusive: true });
  checkNumber(weightDecay, 'weightDecay', what, { min: 0 });
  const guardOptions = checkGuardOptions(options, what);
  return firstOrderOptimizer('adam', ['m', 'v'], weightDecay, (grads, buffers, t, context) => {
    const eta = evaluateSchedule(learningRate, context, 'learningRate', what);
    const c1 = tf.scalar(1 - beta1 ** t);
    const c2 = tf.scalar(1 - beta2 ** t);
    const m = grads.map((g, l) => tf.add(tf.mul(buffers.m[l], beta1), tf.mul(g, 1 - beta1)) as tf.Tensor2D);
    const v = grads.map((g, l) => tf.add(tf.mul(buffers.v[l], beta2), tf.mul(tf.square(g), 1 - beta2)) as tf.Tensor2D);
    const deltas = m.map((ml, l) => {
      const mHat = tf.div(ml, c1);
      const vHat = tf.div(v[l], c2);
      return tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), -eta) as tf.Tensor2D;
    });
    return { buffers: { m, v }, deltas };
  }, guardOptions, (t, context) => {
    const eta = evaluateSchedule(learningRate, context, 'learningRate', what);
    return (g, buffers, w, next) => adamUpdate(g, buffers.m, buffers.v, w, next, { learningRate: eta, beta1, beta2, epsilon, weightDecay, t });
  });
}
