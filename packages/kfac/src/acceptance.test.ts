import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { naturalGradient, train, type ApproximationPlugin, type TrainingState } from '@fisherkit/preconditioner';
import { kfac } from './kfac.js';
import { identityPlugin as identity, lowRankData } from '@fisherkit/preconditioner/conformance';

// Tiny runs use T_cov = T_inv = 5 (instead of the paper's 100) so that the 256-sample,
// 8-steps-per-epoch problem refreshes its curvature several times per epoch.
const CADENCE = { tCov: 5, tInv: 5 };

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** 16-8-4-8-16 auto-encoder, sigmoid output, binary cross-entropy. */
const autoencoder = (): DenseNetwork =>
  createDenseNetwork({ sizes: [16, 8, 4, 8, 16], activations: ['sigmoid', 'sigmoid', 'sigmoid', 'sigmoid'], loss: 'bce', seed: 3 });

const flat = (model: DenseNetwork): number[] => {
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
};

describe('acceptance: KFAC on a tiny auto-encoder', () => {
  const x = lowRankData(256, 16, 3, 11, 3);
  const valX = lowRankData(64, 16, 3, 12, 3);
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
