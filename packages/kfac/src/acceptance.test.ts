import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { naturalGradient, train, type ApproximationPlugin, type TrainingState } from '@fisherkit/preconditioner';
import { kfac } from './kfac.js';

// Tiny runs use T_cov = T_inv = 5 (instead of the paper's 100) so that the 256-sample,
// 8-steps-per-epoch problem refreshes its curvature several times per epoch.
const CADENCE = { tCov: 5, tInv: 5 };

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** 16-8-4-8-16 auto-encoder, sigmoid output, binary cross-entropy. */
const autoencoder = (): DenseNetwork =>
  createDenseNetwork({ sizes: [16, 8, 4, 8, 16], activations: ['sigmoid', 'sigmoid', 'sigmoid', 'sigmoid'], loss: 'bce', seed: 3 });

/** Synthetic rank-3 data in (0, 1): x = sigmoid(3 · z Bᵀ). */
function lowRankData(n: number, dim: number, rank: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const b = Array.from({ length: dim * rank }, () => rng.normal());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: rank }, () => rng.normal());
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += b[j * rank + k] * z[k];
      out[i * dim + j] = 1 / (1 + Math.exp(-3 * s));
    }
  }
  return out;
}

/** Δ = DW: with klClip null, naturalGradient(identity) is heavy-ball SGD with the same momentum and weight decay. */
const identity: ApproximationPlugin = {
  id: 'identity',
  title: 'no preconditioning',
  reference: '-',
  defaults: {},
  createBlock: (layer) => ({
    layer,
    updateStatistics() {},
    updateInverse() {},
    precondition: (g) => g.clone(),
    terms: () => [],
    diagnostics: () => ({}),
    getState: () => ({}),
    setState() {},
    dispose() {},
  }),
};

const flat = (model: DenseNetwork): number[] => {
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
};

describe('acceptance: KFAC on a tiny auto-encoder', () => {
  const x = lowRankData(256, 16, 3, 11);
  const valX = lowRankData(64, 16, 3, 12);
  const common = { learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 };

  it('reaches a lower training loss than SGD with the same learning rate, every epoch', async () => {
    const runs: number[][] = [];
    for (const [plugin, extra] of [
      [kfac, { damping: 1e-2, ...CADENCE }],
      [identity, { klClip: null }],
    ] as const) {
      const model = autoencoder();
      const opt = naturalGradient(plugin as ApproximationPlugin, { ...common, ...extra });
      const { epochs } = await train(model, opt, { x, y: x }, { epochs: 6, batchSize: 32, seed: 1 });
      runs.push(epochs.map((e) => e.trainLoss));
      opt.dispose();
      model.dispose();
    }
    const [kfacLoss, sgdLoss] = runs;
    console.log('kfac', kfacLoss.map((v) => v.toFixed(3)).join(' '), '\nsgd ', sgdLoss.map((v) => v.toFixed(3)).join(' '));
    kfacLoss.forEach((l, e) => expect(l).toBeLessThan(sgdLoss[e]));
    expect(kfacLoss[kfacLoss.length - 1]).toBeLessThan(kfacLoss[0]);
  });

  it('resumes from a checkpoint bit for bit (interrupt after 2 epochs, resume in a fresh model and optimiser)', async () => {
    const options = { ...common, damping: 1e-2, tCov: 3, tInv: 7, seed: 4 };
    const data = { x, y: x, validation: { x: valX, y: valX } };
    const full = autoencoder();
    const fullOpt = naturalGradient(kfac, options);
    const saved: TrainingState[] = [];
    const reference = await train(full, fullOpt, data, {
      epochs: 4,
      batchSize: 40,
      seed: 2,
      checkpoint: { every: 2, save: (s) => void saved.push(JSON.parse(JSON.stringify(s))) },
    });
    const resumedModel = createDenseNetwork({ sizes: [16, 8, 4, 8, 16], activations: ['sigmoid', 'sigmoid', 'sigmoid', 'sigmoid'], loss: 'bce', seed: 77 });
    const resumedOpt = naturalGradient(kfac, options);
    const resumed = await train(resumedModel, resumedOpt, data, { epochs: 4, batchSize: 40, seed: 2, resumeFrom: saved[0] });
    expect(saved[0].epoch).toBe(2);
    expect(resumed.epochs.map((e) => [e.trainLoss, e.valLoss])).toEqual(reference.epochs.map((e) => [e.trainLoss, e.valLoss]));
    expect(flat(resumedModel)).toEqual(flat(full));
    expect(resumedOpt.getState()).toEqual(fullOpt.getState());
    [fullOpt, resumedOpt].forEach((o) => o.dispose());
    [full, resumedModel].forEach((m) => m.dispose());
  });

  it('leaks no tensors over 200 KFAC steps', () => {
    const model = autoencoder();
    const xt = tf.tensor2d(x.subarray(0, 32 * 16), [32, 16]);
    const before = tf.memory().numTensors;
    const opt = naturalGradient(kfac, { ...common, damping: 1e-2, ...CADENCE });
    for (let t = 0; t < 200; t++) opt.step(model, xt, xt, { step: t, epoch: 0 });
    opt.getState();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    xt.dispose();
    model.dispose();
  });
});
