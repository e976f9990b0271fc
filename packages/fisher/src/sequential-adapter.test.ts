import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, OptionError, selectBackend } from '@fisherkit/core';
import { createDenseNetwork } from './dense-network.js';
import type { LossName } from './model.js';
import { adaptSequential } from './sequential-adapter.js';
import { relativeError, tensorFrom } from './reference.test-helper.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

function userModel(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 6, inputShape: [5], activation: 'relu', name: 'enc' }),
      tfl.layers.dense({ units: 4, activation: 'tanh', name: 'code' }),
      tfl.layers.dense({ units: 5, activation: 'sigmoid', name: 'dec' }),
    ],
  });
}

function batch() {
  const rng = createRng(12);
  const x = tensorFrom(8, 5, () => rng.normal());
  const y = tensorFrom(8, 5, () => rng.uniform());
  return { x, y };
}

describe('adaptSequential', () => {
  it('reports the Dense layers and computes the same gradients and captures as a DenseNetwork with copied weights', () => {
    const model = userModel();
    const adapted = adaptSequential(model, { loss: 'bce' });
    expect(adapted.layers.map((l) => [l.name, l.inputSize, l.outputSize])).toEqual([['enc', 5, 6], ['code', 6, 4], ['dec', 4, 5]]);
    const net = createDenseNetwork({ sizes: [5, 6, 4, 5], activations: ['relu', 'tanh', 'sigmoid'], loss: 'bce', seed: 99 });
    const weights = adapted.getWeights();
    net.setWeights(weights);
    const { x, y } = batch();
    const a = adapted.computeGradients(x, y, { fisherBatchSize: 3, fisher: 'sampled', rng: createRng(4) });
    const b = net.computeGradients(x, y, { fisherBatchSize: 3, fisher: 'sampled', rng: createRng(4) });
    expect(a.loss).toBe(b.loss);
    a.gradients.forEach((g, l) => expect(g.arraySync()).toEqual(b.gradients[l].arraySync()));
    expect(a.captures).toEqual(b.captures);
    // and the forward pass agrees with tfjs-layers' own
    const mine = adapted.predict(x);
    const theirs = model.predict(x) as tf.Tensor2D;
    expect(relativeError(mine.dataSync(), theirs.dataSync())).toBeLessThan(1e-6);
    tf.dispose([...weights, ...a.gradients, ...b.gradients, x, y, mine, theirs]);
    net.dispose();
    model.dispose();
  });

  it('trains the model’s own variables in place: model.predict and model.save see the update', async () => {
    const model = userModel();
    const adapted = adaptSequential(model, { loss: 'bce' });
    const variablesBefore = model.layers.map((layer) => layer.weights.map((w) => w.read()));
    const { x, y } = batch();
    const predBefore = model.predict(x) as tf.Tensor2D;
    const r = adapted.computeGradients(x, y);
    const steps = r.gradients.map((g) => tf.mul(g, -1) as tf.Tensor2D);
    const expected = tf.tidy(() => {
      const ws = adapted.getWeights();
      return ws.map((w, l) => tf.add(w, steps[l]).arraySync());
    });
    adapted.applyDeltas(steps);
    model.layers.forEach((layer, l) => {
      expect(layer.weights[0].read()).toBe(variablesBefore[l][0]); // same variable objects
      expect(layer.weights[1].read()).toBe(variablesBefore[l][1]);
      const kernel = layer.weights[0].read().arraySync() as number[][];
      const bias = layer.weights[1].read().arraySync() as number[];
      expect([...kernel, bias]).toEqual(expected[l]);
    });
    const predAfter = model.predict(x) as tf.Tensor2D;
    const adaptedAfter = adapted.predict(x);
    expect(relativeError(predAfter.dataSync(), predBefore.dataSync())).toBeGreaterThan(1e-3);
    expect(relativeError(predAfter.dataSync(), adaptedAfter.dataSync())).toBeLessThan(1e-6);
    expect(adapted.evaluate(x, y)).toBeLessThan(r.loss);

    let saved: Float32Array | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = new Float32Array(artifacts.weightData as ArrayBuffer);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const firstKernel = (model.layers[0].weights[0].read().dataSync() as Float32Array);
    expect(Array.from(saved!.subarray(0, firstKernel.length))).toEqual(Array.from(firstKernel));

    adapted.dispose(); // leaves the user's model alive
    expect(() => model.predict(x)).not.toThrow();
    tf.dispose([...r.gradients, ...steps, x, y, predBefore, predAfter, adaptedAfter]);
    model.dispose();
  });

  it('leaks no tensors over repeated training cycles', () => {
    const model = userModel();
    const adapted = adaptSequential(model, { loss: 'bce' });
    const { x, y } = batch();
    const start = tf.memory().numTensors;
    for (let k = 0; k < 20; k++) {
      const r = adapted.computeGradients(x, y, { fisherBatchSize: 2, fisher: 'sampled', rng: createRng(k) });
      adapted.applyDeltas(r.gradients);
      tf.dispose(r.gradients);
    }
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, y]);
    model.dispose();
  });

  const reject = (build: () => tfl.Sequential, loss: LossName, pattern: RegExp) => {
    const model = build();
    try {
      expect(() => adaptSequential(model, { loss })).toThrow(OptionError);
      expect(() => adaptSequential(model, { loss })).toThrow(pattern);
    } finally {
      model.dispose();
    }
  };

  it('rejects unsupported layers, naming them', () => {
    reject(
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], name: 'conv2d_1' }),
            tfl.layers.flatten({ name: 'flat' }),
            tfl.layers.dense({ units: 2, name: 'head' }),
          ],
        }),
      'mse',
      /layer "conv2d_1" \(Conv2D\) is not supported: fisherkit trains stacks of Dense layers/,
    );
    reject(
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ units: 3, inputShape: [4], activation: 'relu', name: 'd1' }),
            tfl.layers.dropout({ rate: 0.2, name: 'drop' }),
            tfl.layers.dense({ units: 2, name: 'd2' }),
          ],
        }),
      'mse',
      /layer "drop" \(Dropout\)/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], useBias: false, name: 'nobias' })] }),
      'mse',
      /layer "nobias" \(Dense\) has no bias/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], activation: 'softmax', name: 'probs' })] }),
      'bce',
      /layer "probs" \(Dense\) has activation "softmax".*softmax-ce/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], activation: 'elu', name: 'e' })] }),
      'mse',
      /layer "e" \(Dense\) has activation "elu"/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], kernelRegularizer: 'l1l2', name: 'reg' })] }),
      'mse',
      /layer "reg" \(Dense\) sets kernelRegularizer/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], activation: 'linear', name: 'out' })] }),
      'bce',
      /"bce" needs a "sigmoid" output activation but the last layer "out" uses "linear"/,
    );
    reject(
      () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3, 4], name: 'seq' })] }),
      'mse',
      /input shape is \[null, 3, 4\]/,
    );
    expect(() => adaptSequential({} as never, { loss: 'mse' })).toThrow(/tf.Sequential/);
  });
});
