import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, OptionError, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { naturalGradient, type Optimizer } from '@fisherkit/preconditioner';
import { adam } from './adam.js';
import { sgd } from './sgd.js';
import { identityPlugin } from '@fisherkit/preconditioner/conformance';

const net = (): DenseNetwork => createDenseNetwork({ sizes: [6, 5, 3], activations: ['tanh', 'linear'], loss: 'mse', seed: 2 });

let x: tf.Tensor2D;
let y: tf.Tensor2D;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const rng = createRng(9);
  x = tf.tensor2d(Array.from({ length: 20 * 6 }, () => rng.normal()), [20, 6]);
  y = tf.tensor2d(Array.from({ length: 20 * 3 }, () => rng.normal()), [20, 3]);
});
afterAll(() => tf.dispose([x, y]));

const flat = (model: DenseNetwork): number[] => {
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
};
const relDiff = (a: number[], b: number[]): number =>
  Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));

/**
 * Runs `ours` on one model and the tf.train optimiser on tf.Variables holding a second copy:
 * each step the second model's gradients (from computeGradients) go through `applyGradients`
 * and the updated variables are written back, so both see their own trajectory's gradients.
 */
function compareWithTfTrain(ours: Optimizer, reference: tf.Optimizer, steps: number): number {
  const a = net();
  const b = net();
  const ws = b.getWeights();
  const vars = ws.map((w, l) => tf.variable(w, true, `ref_w${l}_${Math.random()}`));
  tf.dispose(ws);
  let worst = 0;
  for (let t = 0; t < steps; t++) {
    ours.step(a, x, y, { step: t, epoch: 0 });
    const { gradients } = b.computeGradients(x, y);
    reference.applyGradients(Object.fromEntries(vars.map((v, l) => [v.name, gradients[l]])));
    tf.dispose(gradients);
    b.setWeights(vars as unknown as tf.Tensor2D[]);
    worst = Math.max(worst, relDiff(flat(a), flat(b)));
  }
  expect(relDiff(flat(b), flat(net()))).toBeGreaterThan(1e-2); // the weights really moved
  tf.dispose(vars);
  reference.dispose();
  ours.dispose();
  a.dispose();
  b.dispose();
  return worst;
}

describe('sgd', () => {
  it.each([false, true])('follows tf.train.momentum(lr, 0.9, nesterov=%s) over 50 steps', (nesterov) => {
    const worst = compareWithTfTrain(sgd({ learningRate: 0.05, nesterov }), tf.train.momentum(0.05, 0.9, nesterov), 50);
    expect(worst).toBeLessThan(1e-6);
  });

  it('equals naturalGradient with an identity plug-in and no KL-clip', () => {
    const identity = identityPlugin;
    const a = net();
    const b = net();
    const o1 = sgd({ learningRate: 0.05, weightDecay: 1e-2 });
    const o2 = naturalGradient(identity, { learningRate: 0.05, weightDecay: 1e-2, klClip: null, momentum: 0.9 });
    for (let t = 0; t < 10; t++) {
      o1.step(a, x, y, { step: t, epoch: 0 });
      o2.step(b, x, y, { step: t, epoch: 0 });
    }
    expect(relDiff(flat(a), flat(b))).toBeLessThan(1e-6);
    [o1, o2].forEach((o) => o.dispose());
    [a, b].forEach((m) => m.dispose());
  });

  it('adds wd · W to the gradient (one-step check)', () => {
    const model = net();
    const w0 = flat(model);
    const { gradients } = model.computeGradients(x, y);
    const g = gradients.flatMap((t) => Array.from(t.dataSync()));
    tf.dispose(gradients);
    const opt = sgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.5 });
    opt.step(model, x, y, { step: 0, epoch: 0 });
    const w1 = flat(model);
    w1.forEach((v, i) => expect(v).toBeCloseTo(w0[i] - 0.1 * (g[i] + 0.5 * w0[i]), 6));
    opt.dispose();
    model.dispose();
  });

  it('validates its options', () => {
    expect(() => sgd({} as never)).toThrow(/learningRate must be a finite number > 0, got undefined/);
    expect(() => sgd({ learningRate: 0.1, momentum: 1 })).toThrow(OptionError);
    expect(() => sgd({ learningRate: 0.1, weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => sgd({ learningRate: 0.1, lr: 1 } as never)).toThrow(/unknown option "lr"; valid options are learningRate, momentum, nesterov, weightDecay/);
  });
});

describe('adam', () => {
  it('follows tf.train.adam(lr, b1, b2, eps) over 50 steps', () => {
    const worst = compareWithTfTrain(adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 }), tf.train.adam(0.01, 0.8, 0.99, 1e-6), 50);
    expect(worst).toBeLessThan(1e-6);
  });

  it('adds wd · W to the gradient (one-step check: first step moves by −η·sign-like ĝ)', () => {
    const model = net();
    const w0 = flat(model);
    const { gradients } = model.computeGradients(x, y);
    const g = gradients.flatMap((t) => Array.from(t.dataSync()));
    tf.dispose(gradients);
    const eta = 1e-2;
    const eps = 1e-7;
    const opt = adam({ learningRate: eta, weightDecay: 0.3 });
    opt.step(model, x, y, { step: 0, epoch: 0 });
    // t = 1: m̂ = ĝ, v̂ = ĝ², so ΔW = −η ĝ / (|ĝ| + ε) with ĝ = g + wd·W.
    flat(model).forEach((v, i) => {
      const gh = g[i] + 0.3 * w0[i];
      expect(v).toBeCloseTo(w0[i] - (eta * gh) / (Math.abs(gh) + eps), 6);
    });
    opt.dispose();
    model.dispose();
  });

  it('validates its options', () => {
    expect(() => adam({ beta1: 1 })).toThrow(/beta1 must be a finite number >= 0 and < 1/);
    expect(() => adam({ epsilon: 0 })).toThrow(/epsilon/);
    expect(() => adam({ learningRate: () => 0 }).step(net(), x, y, { step: 0, epoch: 0 })).toThrow(/learningRate at step 0/);
  });
});

describe.each([
  ['sgd', () => sgd({ learningRate: 0.05, nesterov: true, weightDecay: 1e-3 })],
  ['adam', () => adam({ learningRate: (c) => 0.01 / (1 + c.step), weightDecay: 1e-3 })],
] as const)('%s ownership and state', (_name, make) => {
  it('leaks no tensors over 100 steps', () => {
    const model = net();
    const before = tf.memory().numTensors;
    const opt = make();
    for (let t = 0; t < 100; t++) opt.step(model, x, y, { step: t, epoch: 0 });
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('round-trips its state: a restored optimiser continues bit for bit', () => {
    const a = net();
    const oa = make();
    for (let t = 0; t < 8; t++) oa.step(a, x, y, { step: t, epoch: 0 });
    const b = net();
    const ob = make();
    for (let t = 0; t < 4; t++) ob.step(b, x, y, { step: t, epoch: 0 });
    const state = JSON.parse(JSON.stringify(ob.getState()));
    const oc = make();
    oc.setState(state);
    for (let t = 4; t < 8; t++) oc.step(b, x, y, { step: t, epoch: 0 });
    expect(flat(b)).toEqual(flat(a));
    expect(oc.getState()).toEqual(oa.getState());
    expect(() => sgd({ learningRate: 1 }).setState({ kind: 'other' })).toThrow(/restore it into the same method/);
    [oa, ob, oc].forEach((o) => o.dispose());
    [a, b].forEach((m) => m.dispose());
  });
});
