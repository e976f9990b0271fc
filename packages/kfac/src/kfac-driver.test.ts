import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, fromData, matmul, selectBackend, spdInverse } from '@fisherkit/core';
import { createDenseNetwork, kfacStatistics } from '@fisherkit/fisher';
import { dampedFactors, naturalGradient } from '@fisherkit/preconditioner';
import { kfac } from './kfac.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('naturalGradient(kfac)', () => {
  it('first step is W ← W − η ν Ā⁻¹ DWᵀ Ḡ⁻¹ with the factors of the captured Fisher mini-batch', () => {
    const make = () => createDenseNetwork({ sizes: [5, 4, 3], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 8 });
    const rng = createRng(21);
    const x = tf.tensor2d(Array.from({ length: 12 * 5 }, () => rng.normal()), [12, 5]);
    const y = tf.tensor2d(Array.from({ length: 12 * 3 }, () => (rng.uniform() < 0.5 ? 0 : 1)), [12, 3]);
    const seed = 17;
    const eta = 0.2;
    const kappa = 1e-3;
    const damping = { lambda: 0.03, pi: 'tracenorm' as const };

    // Reference: the capture the optimiser makes at step 0 uses createRng(seed).fork().
    const ref = make();
    const w0 = ref.getWeights().map((w) => {
      const d = Float64Array.from(w.dataSync());
      const out = fromData(w.shape[0], w.shape[1], d);
      w.dispose();
      return out;
    });
    const r = ref.computeGradients(x, y, { fisherBatchSize: 3, fisher: 'sampled', rng: createRng(seed).fork() });
    const deltas = r.gradients.map((g, l) => {
      const { A, G } = kfacStatistics(r.captures![l]);
      const d = dampedFactors(A, G, damping);
      const grad = fromData(g.shape[0], g.shape[1], Float64Array.from(g.dataSync()));
      return { grad, delta: matmul(matmul(spdInverse(d.A), grad), spdInverse(d.G)) };
    });
    tf.dispose(r.gradients);
    const sum = deltas.reduce((s, { grad, delta }) => s + Math.abs(grad.data.reduce((t, v, i) => t + v * delta.data[i], 0)), 0);
    const nu = Math.min(1, Math.sqrt(kappa / (eta * eta * sum)));

    const model = make();
    const opt = naturalGradient(kfac, {
      learningRate: eta,
      damping: damping.lambda,
      klClip: kappa,
      momentum: 0,
      weightDecay: 0,
      fisherBatchSize: 3,
      seed,
    });
    opt.step(model, x, y, { step: 0, epoch: 0 });
    expect(opt.diagnostics().lastNu).toBeCloseTo(nu, 5);
    const w1 = model.getWeights();
    w1.forEach((w, l) => {
      const got = w.dataSync();
      const { delta } = deltas[l];
      let err = 0;
      let norm = 0;
      got.forEach((v, i) => {
        const expected = w0[l].data[i] - eta * nu * delta.data[i];
        err += (v - expected) ** 2;
        norm += (eta * nu * delta.data[i]) ** 2;
      });
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-3); // relative to the step, float32
    });
    tf.dispose([...w1, x, y]);
    opt.dispose();
    model.dispose();
    ref.dispose();
  });
});
