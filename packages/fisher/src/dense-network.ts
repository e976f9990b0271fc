import * as tf from '@tensorflow/tfjs-core';
import { createRng, OptionError } from '@fisherkit/core';
import { assertActivation } from './activation.js';
import type { DenseLayerParams } from './dense-layer-params.js';
import { DenseStackModel } from './dense-stack-model.js';
import { assertLossMatchesOutput } from './loss.js';
import type { Activation, LossName } from './model.js';
import { xavierUniform } from './xavier-uniform.js';

/** Options of {@link createDenseNetwork}. */
export interface DenseNetworkOptions {
  /** Layer widths from input to output, e.g. `[784, 1000, 500, 250, 30, …, 784]` (at least two). */
  sizes: number[];
  /** One activation per layer (`sizes.length − 1` of them); the last is the output activation. */
  activations: Activation[];
  /** The loss; must match the output activation (bce ↔ sigmoid, mse ↔ linear, softmax-ce ↔ linear). */
  loss: LossName;
  /** Seed of the initialisation. */
  seed: number;
  /** Kernel initialisation (only `xavier-uniform`, the default). */
  init?: 'xavier-uniform';
  /** Initial value of every bias (default 0.01). */
  biasInit?: number;
}

/**
 * A fully connected network owned by fisherkit: per layer a kernel `[d_in, d_out]` and a bias
 * `[d_out]` variable, `x_{l+1} = act_l(x_l K_l + b_l)`. Create it with {@link createDenseNetwork}.
 *
 * @example
 * ```ts
 * const net = createDenseNetwork({ sizes: [4, 8, 2], activations: ['tanh', 'linear'], loss: 'mse', seed: 1 });
 * ```
 */
export class DenseNetwork extends DenseStackModel {
  /** Layer widths, input first. */
  readonly sizes: readonly number[];
  /** Per-layer activations. */
  readonly activations: readonly Activation[];

  constructor(params: readonly DenseLayerParams[], loss: LossName, sizes: readonly number[]) {
    super(params, loss, true);
    this.sizes = [...sizes];
    this.activations = params.map((p) => p.activation);
  }
}

/**
 * Builds a {@link DenseNetwork} with Xavier-uniform kernels `U(−√(6/(d_in+d_out)), +√(6/(d_in+d_out)))`
 * drawn from `createRng(seed)` layer by layer (row-major), and constant biases (default 0.01).
 * Throws an `OptionError` for bad sizes, activations, or a loss that does not match the output
 * activation.
 *
 * @example
 * ```ts
 * const net = createDenseNetwork({
 *   sizes: [784, 1000, 500, 250, 30, 250, 500, 1000, 784],
 *   activations: ['relu', 'relu', 'relu', 'linear', 'relu', 'relu', 'relu', 'sigmoid'],
 *   loss: 'bce',
 *   seed: 0,
 * });
 * ```
 */
export function createDenseNetwork(options: DenseNetworkOptions): DenseNetwork {
  const { sizes, activations, loss, seed, init = 'xavier-uniform', biasInit = 0.01 } = options;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new OptionError(
      `sizes is ${JSON.stringify(sizes)}; give at least two positive integer layer widths, input first (e.g. [784, 30, 784])`,
    );
  }
  const layers = sizes.length - 1;
  if (!Array.isArray(activations) || activations.length !== layers) {
    throw new OptionError(
      `activations has ${Array.isArray(activations) ? activations.length : 'no'} entries but sizes describe ${layers} layer(s); ` +
        'give one activation per layer, the last being the output activation',
    );
  }
  activations.forEach((a, l) => assertActivation(a, `activations[${l}]`));
  assertLossMatchesOutput(loss, activations[layers - 1], `the output layer (activations[${layers - 1}])`);
  if (init !== 'xavier-uniform') throw new OptionError(`init is ${JSON.stringify(init)}; only "xavier-uniform" is supported`);
  if (typeof biasInit !== 'number' || !Number.isFinite(biasInit)) {
    throw new OptionError(`biasInit is ${biasInit}; give a finite number (default 0.01)`);
  }
  const rng = createRng(seed);
  const params: DenseLayerParams[] = [];
  for (let l = 0; l < layers; l++) {
    const [dIn, dOut] = [sizes[l], sizes[l + 1]];
    const kernel = tf.tidy(() => tf.variable(tf.tensor2d(xavierUniform(dIn, dOut, rng), [dIn, dOut])));
    const bias = tf.tidy(() => tf.variable(tf.fill([dOut], biasInit) as tf.Tensor1D));
    params.push({ name: `dense_${l}`, kernel, bias, activation: activations[l] });
  }
  return new DenseNetwork(params, loss, sizes);
}
