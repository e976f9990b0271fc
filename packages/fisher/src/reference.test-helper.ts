// Independent references for the tests: forward passes and losses written with plain tfjs ops and
// differentiated by tf.grads, sharing no code with the hand-written backward pass.
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, LossName } from './model.js';

export interface RefLayer {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
  activation: Activation;
}

export function refActivation(a: Activation, s: tf.Tensor2D): tf.Tensor2D {
  if (a === 'relu') return tf.relu(s);
  if (a === 'sigmoid') return tf.sigmoid(s);
  if (a === 'tanh') return tf.tanh(s);
  return s;
}

/** Layer inputs x_0 … x_{L−1} and the output pre-activation. */
export function refForward(layers: readonly RefLayer[], x: tf.Tensor2D): { inputs: tf.Tensor2D[]; logits: tf.Tensor2D } {
  const inputs: tf.Tensor2D[] = [];
  let h = x;
  let s = x;
  layers.forEach((layer, l) => {
    inputs.push(h);
    s = tf.add(tf.matMul(h, layer.kernel), layer.bias);
    if (l < layers.length - 1) h = refActivation(layer.activation, s);
  });
  return { inputs, logits: s };
}

/** Naive (not overflow-safe) mean-over-batch, sum-over-units loss. */
export function refLoss(loss: LossName, s: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  const b = s.shape[0];
  if (loss === 'bce') {
    const p = tf.sigmoid(s);
    return tf.div(tf.neg(tf.sum(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))))), b);
  }
  if (loss === 'mse') return tf.div(tf.mul(0.5, tf.sum(tf.square(tf.sub(s, y)))), b);
  return tf.div(tf.neg(tf.sum(tf.mul(y, tf.log(tf.softmax(s))))), b);
}

/** tf.grads of refLoss with respect to every kernel and bias, in [d_a, d_g] layout, as nested arrays. */
export function refGradients(layers: readonly RefLayer[], loss: LossName, x: tf.Tensor2D, y: tf.Tensor2D): number[][][] {
  return tf.tidy(() => {
    const params = layers.flatMap((l) => [l.kernel, l.bias] as tf.Tensor[]);
    const f = (...ps: tf.Tensor[]) => {
      const rebuilt = layers.map((l, i) => ({ kernel: ps[2 * i] as tf.Tensor2D, bias: ps[2 * i + 1] as tf.Tensor1D, activation: l.activation }));
      return refLoss(loss, refForward(rebuilt, x).logits, y);
    };
    const grads = tf.grads(f)(params);
    return layers.map((_, i) => tf.concat([grads[2 * i], tf.reshape(grads[2 * i + 1], [1, -1])], 0).arraySync() as number[][]);
  });
}

/** ‖a − b‖_F / ‖b‖_F for nested arrays or flat arrays. */
export function relativeError(a: ArrayLike<number> | number[][], b: ArrayLike<number> | number[][]): number {
  const fa = flat(a);
  const fb = flat(b);
  if (fa.length !== fb.length) throw new Error(`length ${fa.length} vs ${fb.length}`);
  let num = 0;
  let den = 0;
  for (let k = 0; k < fa.length; k++) {
    num += (fa[k] - fb[k]) ** 2;
    den += fb[k] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

function flat(a: ArrayLike<number> | number[][]): number[] {
  const arr = Array.from(a as ArrayLike<number | number[]>);
  return arr.flatMap((v) => (typeof v === 'number' ? [v] : Array.from(v)));
}

/** A deterministic [rows, cols] float32 tensor with entries from `f(i, j)`. */
export function tensorFrom(rows: number, cols: number, f: (i: number, j: number) => number): tf.Tensor2D {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j);
  return tf.tensor2d(data, [rows, cols]);
}

/** Splits `[d_a, d_g]` weights into reference layers (new tensors; dispose them). */
export function refLayersFromWeights(weights: readonly tf.Tensor2D[], activations: readonly Activation[]): RefLayer[] {
  return weights.map((w, l) => ({
    kernel: tf.slice(w, [0, 0], [w.shape[0] - 1, -1]),
    bias: tf.reshape(tf.slice(w, [w.shape[0] - 1, 0], [1, -1]), [-1]) as tf.Tensor1D,
    activation: activations[l],
  }));
}

export function disposeRefLayers(layers: readonly RefLayer[]): void {
  for (const l of layers) tf.dispose([l.kernel, l.bias]);
}
