import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, NonFiniteError, OptionError, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import type { NumericalWarning } from '@fisherkit/preconditioner';
import { adam } from './adam.js';
import { sgd } from './sgd.js';

const net = (): DenseNetwork => createDenseNetwork({ sizes: [6, 5, 3], activations: ['tanh', 'linear'], loss: 'mse', seed: 2 });
let x: tf.Tensor2D;
let y: tf.Tensor2D;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const rng = createRng(4);
  x = tf.tensor2d(Array.from({ length: 20 * 6 }, () => rng.normal()), [20, 6]);
  y = tf.tensor2d(Array.from({ length: 20 * 3 }, () => rng.normal()), [20, 3]);
});
afterAll(() => tf.dispose([x, y]));

describe('first-order methods under NaN/Infinity', () => {
  it('SGD with a learning rate that makes the weights overflow stops with an error naming the layer, the step and the learning rate', () => {
    const model = net();
    const warnings: NumericalWarning[] = [];
    const opt = sgd({ learningRate: 1e12, momentum: 0.9, maxNonFinite: 3, onWarning: (w) => warnings.push(w) });
    let error: Error | null = null;
    let t = 0;
    for (; t < 50 && !error; t++) {
      try {
        opt.step(model, x, y, { step: t, epoch: 0 });
      } catch (e) {
        error = e as Error;
      }
    }
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error!.message).toMatch(/^sgd, layer "dense_\d", step \d+: NaN\/Infinity 3 times in a row in the gradient; stopping: the learning rate is probably too large/);
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.every((w) => w.cause === 'gradient')).toBe(true);
    opt.dispose();
    model.dispose();
  });

  it('Adam skips only the layer whose gradient is NaN, without touching its moments, and counts it', () => {
    const model = net();
    const opt = adam({ learningRate: 1e-2, onWarning: () => {} });
    opt.step(model, x, y, { step: 0, epoch: 0 });
    const state = JSON.stringify(opt.getState());
    const ws = model.getWeights();
    const before = ws.map((w) => Array.from(w.dataSync()));
    tf.dispose(ws);
    // Layer 1's gradient turns NaN for this step (as after an overflow); layer 0 stays healthy.
    const inject = Object.create(model) as DenseNetwork;
    inject.computeGradients = (bx, by) => {
      const r = model.computeGradients(bx, by);
      r.gradients[1].dispose();
      r.gradients[1] = tf.fill([6, 3], NaN) as tf.Tensor2D;
      return r;
    };
    opt.step(inject, x, y, { step: 1, epoch: 0 });
    const after = model.getWeights();
    expect(Array.from(after[1].dataSync())).toEqual(before[1]);
    expect(Array.from(after[0].dataSync())).not.toEqual(before[0]);
    tf.dispose(after);
    type Buffers = Record<string, number[][]>;
    const was = (JSON.parse(state) as { buffers: Buffers }).buffers;
    const now = (opt.getState() as unknown as { buffers: Buffers }).buffers;
    for (const k of ['m', 'v']) {
      expect(now[k][1]).toEqual(was[k][1]);
      expect(now[k][0]).not.toEqual(was[k][0]);
    }
    expect(opt.diagnostics()['nonFinite.gradient']).toBeGreaterThanOrEqual(1);
    opt.dispose();
    model.dispose();
  });

  it('validates maxNonFinite', () => {
    expect(() => sgd({ learningRate: 0.1, maxNonFinite: 0 })).toThrow(OptionError);
    expect(() => adam({ learningRate: 0.1, onWarning: 3 as never })).toThrow(/onWarning must be a function/);
  });
});
