import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matmulTransA, scale, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { countWeightRewrites, withoutWeightRewrite } from './conformance/index.js';
import type { ApproximationPlugin } from './contract.js';
import { layerSums, momentumUpdate, viewsOf } from './fused-update.js';
import { kroneckerBlock } from './kronecker-block.js';
import { naturalGradient } from './natural-gradient.js';
import { flatWeights, lowRankData } from './test-helpers.js';

/** KFAC's factors `A = aᵀa/m`, `G = gᵀg/m`: a real Kronecker preconditioner for the driver tests. */
const kfacLike: ApproximationPlugin<object> = {
  id: 'kfac-like',
  title: 'KFAC factors (test)',
  reference: 'test',
  defaults: {},
  createBlock: (layer) =>
    kroneckerBlock(layer, 'kfac-like', (batch) => ({
      terms: [{ A: scale(matmulTransA(batch.a, batch.a), 1 / batch.a.rows), G: scale(matmulTransA(batch.g, batch.g), 1 / batch.g.rows) }],
    })),
};

const net = (): DenseNetwork => createDenseNetwork({ sizes: [6, 5, 4, 6], activations: ['tanh', 'relu', 'sigmoid'], loss: 'bce', seed: 3 });

describe.each(['cpu', 'wasm'] as const)('fused in-place update on %s', (backend) => {
  let x: tf.Tensor2D;
  beforeAll(async () => {
    await selectBackend({ backend });
    x = tf.tensor2d(lowRankData(24, 6, 3, 5), [24, 6]);
  });
  afterAll(() => x.dispose());

  it.each([false, true])('natural gradient (nesterov %s): the fused step matches the tfjs step and leaks nothing', (nesterov) => {
    const fused = net();
    const plain = net();
    const rewrites = countWeightRewrites(fused);
    const options = { learningRate: 0.3, damping: 1e-2, tCov: 2, tInv: 3, momentum: 0.9, nesterov, weightDecay: 1e-2, klClip: 1e-3 };
    const a = naturalGradient(kfacLike, options);
    const b = naturalGradient(kfacLike, options);
    const start = flatWeights(fused);
    const losses: [number, number][] = [];
    let before = 0;
    for (let t = 0; t < 8; t++) {
      if (t === 1) before = tf.memory().numTensors; // after the first step made the buffers and inverses
      losses.push([a.step(fused, x, x, { step: t, epoch: 0 }), b.step(withoutWeightRewrite(plain), x, x, { step: t, epoch: 0 })]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(rewrites()).toBe(8);
    const wf = flatWeights(fused);
    const wp = flatWeights(plain);
    const moved = Math.max(...wf.map((w, i) => Math.abs(w - start[i])));
    expect(moved).toBeGreaterThan(1e-2);
    const diff = Math.max(...wf.map((w, i) => Math.abs(w - wp[i])));
    expect(diff).toBeLessThan(1e-5 * moved);
    for (const [lf, lp] of losses) expect(lf).toBeCloseTo(lp, 5);
    expect(a.diagnostics().lastNu).toBeCloseTo(b.diagnostics().lastNu, 5);
    expect(a.diagnostics().lastNu).toBeLessThan(1); // the KL clip is active, so ν matters
    a.dispose();
    b.dispose();
    fused.dispose();
    plain.dispose();
  });
});

describe('layerSums and momentumUpdate', () => {
  it('sums in Float64: a NaN or an Infinity makes the probe non-finite, float32 overflow does not', () => {
    const max = Math.fround(3.4e38);
    const g = [Float32Array.of(max, max, 1, 2), Float32Array.of(1, Number.NaN, 0, 0), Float32Array.of(Infinity, 1, -Infinity, 0)];
    const d = [Float32Array.of(1, 1, 1, -1), g[1], g[2]];
    const { gradientSums, alignments } = layerSums(g, d);
    expect(gradientSums[0]).toBe(2 * max + 3);
    expect(alignments[0]).toBe(2 * max - 1);
    expect(Number.isNaN(gradientSums[1])).toBe(true);
    expect(Number.isFinite(gradientSums[2])).toBe(false);
  });

  it('writes u = ν d + wd w, v ← μ v + u, w\' = w − η (Nesterov ? u + μ v : v)', () => {
    for (const nesterov of [false, true]) {
      const w = { kernel: Float32Array.of(0.3, -0.7), bias: Float32Array.of(0.01) };
      const next = { kernel: new Float32Array(2), bias: new Float32Array(1) };
      const d = Float32Array.of(0.5, -1, 2);
      const v = Float32Array.of(0.1, 0.2, -0.3);
      const c = { scale: 0.5, weightDecay: 0.1, momentum: 0.9, nesterov, learningRate: 0.2 };
      momentumUpdate(d, v, w, next, c);
      const w0 = [0.3, -0.7, 0.01].map(Math.fround);
      const v0 = [0.1, 0.2, -0.3].map(Math.fround);
      const out = [...next.kernel, ...next.bias];
      w0.forEach((wi, i) => {
        const u = c.scale * d[i] + c.weightDecay * wi;
        const vn = c.momentum * v0[i] + u;
        expect(v[i]).toBeCloseTo(vn, 6);
        expect(out[i]).toBeCloseTo(wi - c.learningRate * (nesterov ? u + c.momentum * vn : vn), 6);
      });
      expect(Array.from(w.kernel)).toEqual([0.3, -0.7].map(Math.fround)); // the current weights are only read
    }
  });

  it('viewsOf is null for a tensor that cannot be viewed', async () => {
    await selectBackend({ backend: 'cpu' });
    const i = tf.tensor1d([1, 2], 'int32');
    const f = tf.tensor1d([1, 2]);
    expect(viewsOf([f, i], 'read')).toBeNull();
    expect(viewsOf([f], 'read')![0][1]).toBe(2);
    tf.dispose([i, f]);
  });
});
