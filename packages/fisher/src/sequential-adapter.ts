import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { OptionError } from '@fisherkit/core';
import { ACTIVATIONS } from './activation.js';
import type { DenseLayerParams } from './dense-layer-params.js';
import { DenseStackModel } from './dense-stack-model.js';
import { assertLossMatchesOutput } from './loss.js';
import type { Activation, LossName, TrainableModel } from './model.js';

/** Options of {@link adaptSequential}. */
export interface AdaptSequentialOptions {
  /** The training loss; must match the last layer's activation (bce ↔ sigmoid, mse / softmax-ce ↔ linear). */
  loss: LossName;
}

type AnyLayer = tfl.Sequential['layers'][number];

const SUPPORTED = 'fisherkit trains stacks of Dense layers with a bias and a relu, sigmoid, tanh or linear activation';

/**
 * Wraps a user's `tf.Sequential` of Dense layers as a {@link TrainableModel} that reads and
 * updates the model's OWN kernel and bias variables in place, so the trained model can still be
 * used with `model.predict` and saved with `model.save`. Layer `l` computes
 * `x_{l+1} = act_l(x_l K_l + b_l)`, exactly as tfjs-layers does.
 *
 * Supported: Dense layers with `useBias: true`, activation relu / sigmoid / tanh / linear, no
 * kernel/bias constraints or regularizers (weight decay belongs to the optimiser). Anything else
 * throws an `OptionError` naming the layer. `dispose()` on the adapter leaves the user's model intact.
 *
 * @example
 * ```ts
 * const model = tf.sequential({ layers: [
 *   tf.layers.dense({ units: 32, inputShape: [784], activation: 'relu' }),
 *   tf.layers.dense({ units: 784, activation: 'sigmoid' }),
 * ] });
 * const trainable = adaptSequential(model, { loss: 'bce' });
 * const { gradients } = trainable.computeGradients(x, x);
 * ```
 */
export function adaptSequential(model: tfl.Sequential, options: AdaptSequentialOptions): TrainableModel {
  // duck-typed, so a model built by another copy of tfjs-layers (e.g. bundled with tfjs-node) works
  if (model == null || typeof model.getClassName !== 'function' || model.getClassName() !== 'Sequential' || !Array.isArray(model.layers)) {
    throw new OptionError('adaptSequential needs a tf.Sequential model (tf.sequential({ layers: [...] })) made of Dense layers');
  }
  const layers = model.layers;
  if (layers.length === 0) throw new OptionError('the tf.Sequential model has no layers; add Dense layers first');
  const params = layers.map((layer) => denseParams(layer));
  const inputShape = model.inputs[0]?.shape ?? [];
  if (inputShape.length !== 2) {
    throw new OptionError(
      `the model's input shape is [${inputShape.map(String).join(', ')}] but ${SUPPORTED} on flat [batch, features] inputs; flatten the data beforehand`,
    );
  }
  for (let l = 1; l < params.length; l++) {
    if (params[l].kernel.shape[0] !== params[l - 1].kernel.shape[1]) {
      throw new OptionError(`layer "${params[l].name}" takes ${params[l].kernel.shape[0]} inputs but the layer before it gives ${params[l - 1].kernel.shape[1]}`);
    }
  }
  const last = params[params.length - 1];
  assertLossMatchesOutput(options?.loss, last.activation, `the last layer "${last.name}"`);
  return new DenseStackModel(params, options.loss, false);
}

/** Reads one Dense layer's variables, rejecting anything fisherkit cannot train faithfully. */
function denseParams(layer: AnyLayer): DenseLayerParams {
  const kind = layer.getClassName();
  const where = `layer "${layer.name}" (${kind})`;
  if (kind !== 'Dense') throw new OptionError(`${where} is not supported: ${SUPPORTED}; remove it or train the model with model.fit`);
  const config = layer.getConfig();
  const activation = String(config.activation);
  if (!ACTIVATIONS.includes(activation as Activation)) {
    const hint = activation === 'softmax' ? ' (for classification use a linear last layer and loss "softmax-ce", which applies the softmax)' : '';
    throw new OptionError(`${where} has activation "${activation}", which is not supported: ${SUPPORTED}${hint}`);
  }
  if (config.useBias !== true) {
    throw new OptionError(`${where} has no bias (useBias: false), which is not supported: ${SUPPORTED}; rebuild it with useBias: true`);
  }
  for (const key of ['kernelConstraint', 'biasConstraint', 'kernelRegularizer', 'biasRegularizer', 'activityRegularizer']) {
    if (config[key] != null) {
      throw new OptionError(`${where} sets ${key}, which fisherkit would silently ignore; remove it (use the optimiser's weight decay instead)`);
    }
  }
  if (!layer.trainable) throw new OptionError(`${where} is frozen (trainable: false); fisherkit trains every layer, so unfreeze it`);
  const weights = layer.weights;
  if (weights.length !== 2) {
    throw new OptionError(`${where} has ${weights.length} weight variables (expected kernel and bias); build the model (give the first layer an inputShape) before adapting it`);
  }
  const kernel = weights[0].read() as tf.Variable<tf.Rank.R2>;
  const bias = weights[1].read() as tf.Variable<tf.Rank.R1>;
  if (kernel.rank !== 2 || bias.rank !== 1 || kernel.shape[1] !== bias.shape[0]) {
    throw new OptionError(`${where} has kernel [${kernel.shape.join(', ')}] and bias [${bias.shape.join(', ')}], which do not form a dense layer`);
  }
  return { name: layer.name, kernel, bias, activation: activation as Activation };
}
