import type * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './model.js';

/**
 * The trainable state of one dense layer `x_out = act(x_in K + b)`: a kernel variable
 * `[d_in, d_out]`, a bias variable `[d_out]` and the activation. Both `DenseNetwork` and the
 * `tf.Sequential` adapter are lists of these, so they share one forward/backward implementation.
 */
export interface DenseLayerParams {
  name: string;
  kernel: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
  activation: Activation;
}
