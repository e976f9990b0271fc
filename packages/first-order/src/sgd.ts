import * as tf from '@tensorflow/tfjs-core';
import { assertKnownOptions, checkBoolean, checkNumber, checkSchedule, evaluateSchedule, momentumUpdate, type NumericalWarning, type Optimizer, type Schedule } from '@fisherkit/preconditioner';
import { firstOrderOptimizer } from './first-order-driver.js';
import { checkGuardOptions } from './guard-options.js';

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Learning rate η (required), a number or a function of the step context. */
  learningRate: Schedule;
  /** Momentum μ in [0, 1) (default 0.9; 0 gives plain SGD). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Coupled L2 weight decay wd ≥ 0 (default 0). */
  weightDecay?: number;
  /** Steps in a row with NaN/Infinity in one layer's gradient before stopping with a NonFiniteError [5]. */
  maxNonFinite?: number;
  /** Receives each skipped-layer warning [console.warn]. */
  onWarning?: (warning: NumericalWarning) => void;
}

/**
 * Stochastic gradient descent with heavy-ball or Nesterov momentum and coupled L2 weight decay,
 * the same update as `tf.train.momentum(η, μ, nesterov)`:
 *
 *     g ← DW + wd · W
 *     v ← μ v + g
 *     W ← W − η v                    (heavy ball)
 *     W ← W − η (g + μ v)            (Nesterov)
 *
 * @example
 * ```ts
 * const opt = sgd({ learningRate: 0.3, momentum: 0.9, nesterov: true });
 * await train(model, opt, { x, y: x }, { epochs: 10, batchSize: 256, seed: 0 });
 * ```
 */
export function sgd(options: SgdOptions): Optimizer {
  const what = 'sgd';
  assertKnownOptions(options, ['learningRate', 'momentum', 'nesterov', 'weightDecay', 'maxNonFinite', 'onWarning'], what);
  const { learningRate, momentum = 0.9, nesterov = false, weightDecay = 0 } = options;
  checkSchedule(learningRate, 'learningRate', what);
  checkNumber(momentum, 'momentum', what, { min: 0, max: 1, maxExclusive: true });
  checkBoolean(nesterov, 'nesterov', what);
  checkNumber(weightDecay, 'weightDecay', what, { min: 0 });
  const name = nesterov ? 'sgd-nesterov' : 'sgd';
  const guardOptions = checkGuardOptions(options, what);
  return firstOrderOptimizer(name, ['velocity'], weightDecay, (grads, buffers, _t, context) => {
    const eta = evaluateSchedule(learningRate, context, 'learningRate', what);
    const c = tf.scalar(-eta);
    const mu = tf.scalar(momentum);
    const velocity = grads.map((g, l) => tf.add(tf.mul(mu, buffers.velocity[l]), g) as tf.Tensor2D);
    const deltas = velocity.map((v, l) => tf.mul(c, nesterov ? tf.add(grads[l], tf.mul(v, mu)) : v) as tf.Tensor2D);
    return { buffers: { velocity }, deltas };
  }, guardOptions, (_t, context) => {
    const c = { scale: 1, weightDecay, momentum, nesterov, learningRate: evaluateSchedule(learningRate, context, 'learningRate', what) };
    return (g, buffers, w, next) => momentumUpdate(g, buffers.velocity, w, next, c);
  });
}
