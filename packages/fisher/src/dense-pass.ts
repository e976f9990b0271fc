import * as tf from '@tensorflow/tfjs-core';
import { activationDerivative, applyActivation } from './activation.js';
import type { DenseLayerParams } from './dense-layer-params.js';

/**
 * What the forward pass keeps for the backward pass: the layer inputs `x_l` (`inputs[0]` is the
 * caller's `x`, not owned by the trace) and the pre-activations `s_l = x_l K_l + b_l`.
 */
export type ForwardTrace = {
  inputs: tf.Tensor2D[];
  pre: tf.Tensor2D[];
};

/**
 * Runs the network forward, keeping every layer input and pre-activation:
 * `s_l = x_l K_l + b_l`, `x_{l+1} = act_l(s_l)`. The last entry of `pre` is the output
 * pre-activation (logits). Call inside `tf.tidy` or release with {@link disposeTrace}.
 *
 * @example
 * ```ts
 * const trace = tf.tidy(() => forwardTrace(params, x));
 * // … use trace.pre[trace.pre.length - 1] …
 * disposeTrace(trace);
 * ```
 */
export function forwardTrace(params: readonly DenseLayerParams[], x: tf.Tensor2D): ForwardTrace {
  const inputs: tf.Tensor2D[] = [x];
  const pre: tf.Tensor2D[] = [];
  for (let l = 0; l < params.length; l++) {
    const s = tf.add(tf.matMul(inputs[l], params[l].kernel), params[l].bias) as tf.Tensor2D;
    pre.push(s);
    if (l + 1 < params.length) inputs.push(applyActivation(params[l].activation, s));
  }
  return { inputs, pre };
}

/**
 * Disposes what {@link forwardTrace} created (every tensor except the caller's input).
 *
 * @example
 * ```ts
 * disposeTrace(trace);
 * ```
 */
export function disposeTrace(trace: ForwardTrace): void {
  tf.dispose([...trace.inputs.slice(1), ...trace.pre]);
}

/**
 * Network outputs `act_L(s_L)` (after the output activation), without keeping the trace.
 *
 * @example
 * ```ts
 * const out = forwardOutput(params, x);
 * ```
 */
export function forwardOutput(params: readonly DenseLayerParams[], x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const trace = forwardTrace(params, x);
    const last = params.length - 1;
    return applyActivation(params[last].activation, trace.pre[last]);
  });
}

/** Result of {@link backwardPass}. */
export type BackwardResult = {
  /** `[d_a, d_g]` parameter gradient of every layer, from the first `batchSize` rows of δ. */
  gradients: tf.Tensor2D[];
  /** Per layer, the remaining rows of δ (the Fisher rows' `g`); empty when there are none. */
  fisherG: tf.Tensor2D[];
};

/**
 * One hand-written backward pass over a stacked output gradient `deltaOut` (`(B + m) × d_out`):
 * the first B rows are the batch's `∂L/∂s_out` (already divided by B), the last m rows the Fisher
 * rows' per-example output gradients. Per layer, from the top:
 * `[dK_l; db_l] = [x_lᵀ; 𝟙ᵀ] δ_l[:B]` (one product), `g_l = δ_l[B:]`,
 * `δ_{l−1} = (δ_l K_lᵀ) ⊙ act'_{l−1}(s_{l−1})` with the derivative rows of the Fisher examples
 * (`fisherRows`) stacked under the batch's. Gradients come back as `[dK; db]` (weight layout).
 * Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * const { gradients, fisherG } = tf.tidy(() => backwardPass(params, trace, delta, B, rowsTensor));
 * ```
 */
export function backwardPass(
  params: readonly DenseLayerParams[],
  trace: ForwardTrace,
  deltaOut: tf.Tensor2D,
  batchSize: number,
  fisherRows: tf.Tensor1D | null,
): BackwardResult {
  const layers = params.length;
  const m = deltaOut.shape[0] - batchSize;
  const gradients: tf.Tensor2D[] = new Array(layers);
  const fisherG: tf.Tensor2D[] = [];
  let delta = deltaOut;
  // A column of ones beside x_l makes one product [x_l, 1]ᵀ δ give [dK; db] in the weight layout:
  // no separate column sum (tf.sum over rows is ≈ 10× slower on wasm than the extra column).
  const onesColumn = tf.ones([batchSize, 1]) as tf.Tensor2D;
  for (let l = layers - 1; l >= 0; l--) {
    const batchDelta = m > 0 ? tf.slice(delta, [0, 0], [batchSize, -1]) : delta;
    // Transposed products: a kernel that reads operands transposed (ONNX Runtime's Gemm) does
    // no copy, and on wasm core's installTransposedMatMulFix transposes explicitly, as fast.
    gradients[l] = tf.matMul(tf.concat([trace.inputs[l], onesColumn], 1), batchDelta, true, false);
    if (m > 0) fisherG[l] = tf.slice(delta, [batchSize, 0], [m, -1]);
    if (l > 0) {
      let derivative = activationDerivative(params[l - 1].activation, trace.pre[l - 1], trace.inputs[l]);
      if (m > 0 && fisherRows) derivative = tf.concat([derivative, tf.gather(derivative, fisherRows)], 0);
      delta = tf.mul(tf.matMul(delta, params[l].kernel, false, true), derivative) as tf.Tensor2D;
    }
  }
  return { gradients, fisherG };
}
