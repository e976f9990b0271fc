import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, FisherkitError, selectBackend, ShapeError } from '@fisherkit/core';
import { createDenseNetwork } from './dense-network.js';
import { tensorFrom } from './reference.test-helper.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const make = (seed = 1) => createDenseNetwork({ sizes: [4, 5, 3], activations: ['sigmoid', 'linear'], loss: 'softmax-ce', seed });

describe('DenseStackModel parameters', () => {
  it('applyDeltas adds [kernel; bias] deltas in place, keeping the same variables', () => {
    const net = make();
    const before = net.getWeights();
    const deltas = before.map((w) => tensorFrom(w.shape[0], w.shape[1], (i, j) => 0.1 * i - 0.05 * j));
    const vars = tf.engine().state.registeredVariables;
    const namesBefore = Object.keys(vars).sort();
    net.applyDeltas(deltas);
    const after = net.getWeights();
    after.forEach((w, l) => {
      const expected = tf.tidy(() => tf.add(before[l], deltas[l]).arraySync());
      expect(w.arraySync()).toEqual(expected);
    });
    expect(Object.keys(tf.engine().state.registeredVariables).sort()).toEqual(namesBefore);
    tf.dispose([...before, ...after, ...deltas]);
    net.dispose();
  });

  it('setWeights/getWeights round-trip and predict uses the new weights (x K + b, output activation)', () => {
    const net = make();
    const w = [
      tensorFrom(5, 5, (i, j) => (i === j ? 1 : 0) + (i === 4 ? 0.5 : 0)),
      tensorFrom(6, 3, (i, j) => (i === j ? 2 : 0) - (i === 5 ? 1 : 0)),
    ];
    net.setWeights(w);
    const back = net.getWeights();
    expect(back.map((t) => t.arraySync())).toEqual(w.map((t) => t.arraySync()));
    const x = tf.tensor2d([[0, 0, 0, 0]]);
    const out = net.predict(x);
    // hidden = sigmoid(0.5) everywhere; output = 2·sigmoid(0.5) − 1 for units 0..2
    const h = 1 / (1 + Math.exp(-0.5));
    for (const v of out.arraySync()[0]) expect(v).toBeCloseTo(2 * h - 1, 6);
    tf.dispose([...w, ...back, x, out]);
    net.dispose();
  });

  it('rejects deltas and weights in the wrong layout with the expected shape', () => {
    const net = make();
    const wrong = [tf.zeros([4, 5]) as tf.Tensor2D, tf.zeros([6, 3]) as tf.Tensor2D];
    expect(() => net.applyDeltas(wrong)).toThrow(ShapeError);
    expect(() => net.applyDeltas(wrong)).toThrow(/\[5, 5\]/);
    expect(() => net.setWeights([wrong[1]])).toThrow(/one tensor per layer \(2\)/);
    tf.dispose(wrong);
    net.dispose();
  });

  it('leaks no tensors over 50 computeGradients + applyDeltas cycles, nor in evaluate/predict/getWeights', () => {
    const net = make();
    const rng = createRng(3);
    const x = tensorFrom(16, 4, () => rng.normal());
    const y = tensorFrom(16, 3, (i, j) => (i % 3 === j ? 1 : 0));
    const capture = { fisherBatchSize: 4, fisher: 'sampled' as const, rng: createRng(8) };
    const warm = net.computeGradients(x, y, capture);
    tf.dispose(warm.gradients);
    const start = tf.memory().numTensors;
    const lossStart = net.evaluate(x, y);
    for (let k = 0; k < 50; k++) {
      const r = net.computeGradients(x, y, k % 2 === 0 ? capture : undefined);
      const steps = r.gradients.map((g) => tf.mul(g, -0.5) as tf.Tensor2D);
      net.applyDeltas(steps);
      tf.dispose([...r.gradients, ...steps]);
    }
    net.evaluate(x, y);
    tf.dispose(net.predict(x));
    tf.dispose(net.getWeights());
    expect(tf.memory().numTensors).toBe(start);
    expect(net.evaluate(x, y)).toBeLessThan(lossStart); // the steps were descent steps
    tf.dispose([x, y]);
    net.dispose();
  });

  it('dispose releases the variables and later calls throw', () => {
    const before = tf.memory().numTensors;
    const net = make();
    expect(tf.memory().numTensors).toBe(before + 4);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => net.getWeights()).toThrow(FisherkitError);
    expect(() => net.getWeights()).toThrow(/disposed/);
  });
});
