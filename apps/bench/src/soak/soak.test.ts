// Soak test (issue #6): 5,000 steps of every method on a small network, with curvature refreshes
// every 10 steps, must hold the number of tensors and their bytes constant and not grow the heap.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, selectBackend } from '@fisherkit/core';
import { createDenseNetwork } from '@fisherkit/fisher';
import { adam, sgd } from '@fisherkit/first-order';
import { naturalGradient, type Optimizer } from '@fisherkit/preconditioner';
import { APPROXIMATIONS } from '../approximations.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const STEPS = 5000;
const CHECK_FROM = 1000; // after warm-up: caches, kernels and buffers exist by then
const BATCH = 16;
let x: tf.Tensor2D;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  const rng = createRng(5);
  x = tf.tensor2d(Array.from({ length: 64 * 10 }, () => rng.uniform()), [64, 10]);
});
afterAll(() => x.dispose());

const optimizers: [string, () => Optimizer][] = [
  ['sgd', () => sgd({ learningRate: 0.01, momentum: 0.9 })],
  ['adam', () => adam({ learningRate: 1e-3 })],
  ...APPROXIMATIONS.map(
    (p) => [p.id, () => naturalGradient(p, { learningRate: 0.01, damping: 0.1, tCov: 10, tInv: 10, fisherBatchSize: 8 })] as [string, () => Optimizer],
  ),
];

describe(`soak: ${STEPS} steps of every method`, () => {
  it('covers the seven methods of the paper', () => {
    expect(optimizers.map(([id]) => id)).toEqual(expect.arrayContaining(['sgd', 'adam', 'kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected']));
  });

  for (const [id, make] of optimizers) {
    it(`${id}: no tensor leak and no memory growth`, () => {
      const before = tf.memory().numTensors;
      const model = createDenseNetwork({ sizes: [10, 8, 4, 8, 10], activations: ['relu', 'relu', 'relu', 'sigmoid'], loss: 'bce', seed: 1 });
      const opt = make();
      let atCheck: { numTensors: number; numBytes: number; heap: number } | null = null;
      let lastLoss = NaN;
      for (let t = 0; t < STEPS; t++) {
        const start = (t * BATCH) % 64;
        const bx = tf.slice(x, [start, 0], [BATCH, 10]) as tf.Tensor2D;
        lastLoss = opt.step(model, bx, bx, { step: t, epoch: Math.floor(t / 4) });
        bx.dispose();
        if (t + 1 === CHECK_FROM) {
          gc();
          atCheck = { ...tf.memory(), heap: process.memoryUsage().heapUsed };
        }
      }
      gc();
      const end = tf.memory();
      const heapGrowth = process.memoryUsage().heapUsed - atCheck!.heap;
      expect(Number.isFinite(lastLoss)).toBe(true);
      expect(end.numTensors).toBe(atCheck!.numTensors);
      expect(end.numBytes).toBe(atCheck!.numBytes);
      // 4,000 steps leaking even 1 kB each would add 4 MB.
      if (process.env.SOAK_LOG) console.log(`${id}: heap growth ${heapGrowth} bytes`);
      expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
      expect(opt.diagnostics().steps).toBe(STEPS);
      opt.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before); // the model and the optimiser gave back everything they held
    }, 600_000);
  }
});
