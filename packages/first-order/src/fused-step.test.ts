import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork, type TrainableModel } from '@fisherkit/fisher';
import type { Optimizer } from '@fisherkit/preconditioner';
import { countWeightRewrites, withoutWeightRewrite } from '@fisherkit/preconditioner/conformance';
import { adam } from './adam.js';
import { sgd } from './sgd.js';

const net = (): DenseNetwork => createDenseNetwork({ sizes: [5, 4, 5], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 4 });

function flat(model: TrainableModel): number[] {
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
}

const methods: [string, () => Optimizer][] = [
  ['sgd', () => sgd({ learningRate: 0.5, momentum: 0.9, weightDecay: 1e-2 })],
  ['sgd nesterov', () => sgd({ learningRate: 0.5, momentum: 0.8, nesterov: true })],
  ['adam', () => adam({ learningRate: 0.05, weightDecay: 1e-2 })],
];

describe.each(['cpu', 'wasm'] as const)('fused first-order steps on %s', (backend) => {
  let x: tf.Tensor2D;
  beforeAll(async () => {
    await selectBackend({ backend });
    x = tf.tidy(() => tf.sigmoid(tf.randomNormal([12, 5], 0, 1, 'float32', 7)) as tf.Tensor2D);
  });
  afterAll(() => x.dispose());

  it.each(methods)('%s: the fused step matches the tfjs step and leaks nothing', (_name, make) => {
    const fused = net();
    const plain = net();
    const rewrites = countWeightRewrites(fused);
    const a = make();
    const b = make();
    const start = flat(fused);
    let before = 0;
    for (let t = 0; t < 6; t++) {
      if (t === 1) before = tf.memory().numTensors;
      const la = a.step(fused, x, x, { step: t, epoch: 0 });
      const lb = b.step(withoutWeightRewrite(plain), x, x, { step: t, epoch: 0 });
      expect(la).toBeCloseTo(lb, 5);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(rewrites()).toBe(6);
    const wf = flat(fused);
    const wp = flat(plain);
    const moved = Math.max(...wf.map((w, i) => Math.abs(w - start[i])));
    expect(moved).toBeGreaterThan(1e-2);
    expect(Math.max(...wf.map((w, i) => Math.abs(w - wp[i])))).toBeLessThan(1e-5 * moved);
    const sa = a.getState() as unknown as { buffers: Record<string, number[][]> };
    const sb = b.getState() as unknown as { buffers: Record<string, number[][]> };
    for (const k of Object.keys(sb.buffers)) {
      sb.buffers[k].flat().forEach((v, i) => expect(sa.buffers[k].flat()[i]).toBeCloseTo(v, 5));
    }
    [a, b, fused, plain].forEach((o) => o.dispose());
  });

  it('skips a layer whose gradient holds NaN in the fused step exactly as in the tfjs step', () => {
    const nanGrad = (model: DenseNetwork): TrainableModel => {
      const m = Object.create(model) as DenseNetwork;
      m.computeGradients = (xx, yy) => {
        const r = model.computeGradients(xx, yy);
        const bad = tf.mul(r.gradients[1], Number.NaN) as tf.Tensor2D;
        r.gradients[1].dispose();
        r.gradients[1] = bad;
        return r;
      };
      return m;
    };
    const fused = net();
    const plain = net();
    const start = flat(fused);
    const a = sgd({ learningRate: 0.5, onWarning: () => {} });
    const b = sgd({ learningRate: 0.5, onWarning: () => {} });
    a.step(nanGrad(fused), x, x, { step: 0, epoch: 0 });
    b.step(withoutWeightRewrite(nanGrad(plain)), x, x, { step: 0, epoch: 0 });
    const wf = flat(fused);
    const wp = flat(plain);
    const firstLayer = 5 * 4 + 4;
    expect(wf.slice(firstLayer)).toEqual(start.slice(firstLayer)); // layer 1 did not move
    expect(wf.slice(0, firstLayer)).not.toEqual(start.slice(0, firstLayer));
    wf.forEach((w, i) => expect(w).toBeCloseTo(wp[i], 6));
    expect(a.diagnostics()).toEqual(b.diagnostics());
    [a, b, fused, plain].forEach((o) => o.dispose());
  });
});
