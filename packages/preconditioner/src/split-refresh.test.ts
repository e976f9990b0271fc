import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity, NotPositiveDefiniteError, OptionError, scale, selectBackend, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { createDenseNetwork, kfacStatistics } from '@fisherkit/fisher';
import { syntheticLayerBatch } from './conformance/fixtures.js';
import { currentInverseWorker, setInverseWorkerPreload, withInverseWorkerDefault } from './inverse-worker-pool.js';
import { kroneckerBlock, type KroneckerBlock, type KroneckerEstimator } from './kronecker-block.js';
import { kroneckerPlugin, withInverseWorker } from './kronecker-plugin.js';
import type { IterativeOptions, TwoTermOptions } from './kronecker-plugin-options.js';
import { naturalGradient } from './natural-gradient.js';
import { inverseRefreshCost, splitRefreshRound, splitRefreshSettled, splitRefreshToWorker } from './split-refresh-balance.js';
import { flatWeights, lowRankData } from './test-helpers.js';
import { train } from './train.js';

const damping = { lambda: 1e-2, pi: 'tracenorm' as const };
const kfacEstimator: KroneckerEstimator = (b) => ({ terms: [kfacStatistics(b)] });
/** A KFAC term plus an indefinite second term: the two-term (generalized eigenproblem) path. */
const twoTermEstimator: KroneckerEstimator = (b) => {
  const t = kfacStatistics(b);
  return { terms: [t, { A: scale(t.A, 0.3), G: scale(identity(t.G.rows), -0.2) }] };
};
const kfacPlugin = kroneckerPlugin<IterativeOptions>({ id: 'kfac-test', title: 'KFAC (test)', reference: 'test', defaults: { tol: 1e-6, maxIterations: 10 }, estimator: () => kfacEstimator });
const twoTermPlugin = kroneckerPlugin<TwoTermOptions>({
  id: 'two-term-test',
  title: 'two terms (test)',
  reference: 'test',
  defaults: { tol: 1e-6, maxIterations: 10, inverse: 'abs' as const, floor: 1e-3 },
  estimator: () => twoTermEstimator,
});

const inverseOf = (block: KroneckerBlock): Record<string, Matrix> =>
  Object.fromEntries(Object.entries(block.getState()).filter(([k]) => k.startsWith('inverse.'))) as Record<string, Matrix>;
const layerOf = (name: string, inputSize: number, outputSize: number) => ({ index: 0, name, inputSize, outputSize });

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});
afterAll(() => {
  expect(currentInverseWorker()).toBeNull(); // every test disposed its blocks
  expect(splitRefreshRound().inFlight).toBe(0); // and settled or cancelled every split job
});

describe('split refresh balance', () => {
  it('sends a job to the worker while its total is at most the calling thread’s, and starts a new round once none is in flight', () => {
    expect(splitRefreshRound().inFlight).toBe(0);
    let posted = 0;
    const place = (cost: number): boolean => {
      const toWorker = splitRefreshToWorker(cost);
      if (toWorker) posted++;
      return toWorker;
    };
    const settle = (): void => {
      posted--;
      splitRefreshSettled();
    };
    try {
      expect([10, 4, 4, 3, 2, 1].map(place)).toEqual([true, false, false, false, true, false]);
      expect(splitRefreshRound()).toEqual({ inFlight: 2, workerTotal: 12, mainTotal: 12 });
      settle();
      expect(place(1)).toBe(true); // one job still in flight: the same round goes on (12 ≤ 12)
      settle();
      settle();
      expect(place(5)).toBe(true); // none in flight: a new round, the worker first
      expect(splitRefreshRound()).toEqual({ inFlight: 1, workerTotal: 5, mainTotal: 0 });
      expect(place(5)).toBe(false);
      expect(() => splitRefreshToWorker(Number.NaN)).toThrow(/cost must be a finite number >= 0/);
    } finally {
      while (posted > 0) settle();
    }
  });

  it('estimates a refresh by the cubes of the factor orders, twice as much per term for two terms', () => {
    const one = inverseRefreshCost([{ A: identity(3), G: identity(2) }]);
    expect(one).toBe(27 + 8);
    expect(inverseRefreshCost([{ A: identity(3), G: identity(2) }, { A: identity(3), G: identity(2) }])).toBe(4 * one);
  });
});

describe("inverseWorker: 'split'", () => {
  for (const [name, plugin] of [['one term (KFAC)', kfacPlugin], ['two terms', twoTermPlugin]] as const) {
    it(`trains exactly as inverseWorker: false (every loss and weight bit for bit), ${name}, sharing every refresh between both threads without leaks`, async () => {
      const x = lowRankData(48, 8, 3, 4);
      // Four layers of different orders: the balance sends some blocks' jobs to the worker, keeps others.
      const net = () => createDenseNetwork({ sizes: [8, 12, 4, 12, 8], activations: ['tanh', 'tanh', 'tanh', 'sigmoid'], loss: 'bce', seed: 2 });
      const options = { learningRate: 0.2, damping: 1e-2, tCov: 1, tInv: 2, seed: 1 };
      const run = async (setting: false | 'split') => {
        const model = net();
        const optimizer = naturalGradient(withInverseWorker(plugin, setting), options);
        const before = tf.memory().numTensors;
        const losses: number[] = [];
        await train(model, optimizer, { x, y: x }, { epochs: 4, batchSize: 12, seed: 3, onStep: (r) => losses.push(r.loss) });
        const weights = flatWeights(model);
        const diagnostics = optimizer.diagnostics();
        optimizer.dispose();
        const leaked = tf.memory().numTensors - before;
        model.dispose();
        return { losses, weights, diagnostics, leaked };
      };
      const reference = await run(false);
      const split = await run('split');
      expect(reference.losses).toHaveLength(16);
      expect(split.losses).toEqual(reference.losses);
      expect(split.weights).toEqual(reference.weights);
      // 8 refreshes × 4 blocks, the first included, each either on the worker or on the calling thread.
      const d = split.diagnostics;
      expect(d['block.inverseUpdates']).toBe(32);
      expect(d['block.inverseWorkerJobs']).toBeGreaterThan(0);
      expect(d['block.inverseSplitLocal']).toBeGreaterThan(0);
      expect(d['block.inverseWorkerJobs'] + d['block.inverseSplitLocal']).toBe(32);
      expect(d['block.inverseWorkerInstalls']).toBe(d['block.inverseWorkerJobs']);
      expect(d).toMatchObject({ 'block.inverseWorkerStaleSteps': 0, 'block.inverseWorkerErrors': 0, 'block.inverseWorkerFallbacks': 0 });
      expect(reference.diagnostics['block.inverseSplitLocal']).toBeUndefined();
      expect(split.leaked).toBe(0);
      expect(reference.leaked).toBe(0);
      expect(currentInverseWorker()).toBeNull();
      expect(splitRefreshRound().inFlight).toBe(0);
    });
  }

  it('balances each refresh by block cost: the biggest block alone on the worker, the small ones on the calling thread', () => {
    const batchOf = (da: number, dg: number, seed: number) => syntheticLayerBatch(40, da, dg, seed);
    const specs = [layerOf('big', 29, 30), layerOf('small-1', 5, 6), layerOf('small-2', 5, 6), layerOf('small-3', 5, 6)];
    const blocks = specs.map((l) => kroneckerBlock(l, 'test', kfacEstimator, { inverseWorker: 'split' }));
    const refresh = (seed: number) =>
      blocks.forEach((b, i) => {
        b.updateStatistics(batchOf(specs[i].inputSize + 1, specs[i].outputSize, seed + i), 0);
        b.updateInverse(damping);
      });
    for (const seed of [1, 10, 20]) {
      refresh(seed);
      expect(splitRefreshRound()).toMatchObject({ inFlight: 1, workerTotal: 30 ** 3 + 30 ** 3, mainTotal: 3 * (6 ** 3 + 6 ** 3) });
      const grad = tf.tensor2d(lowRankData(6, 6, 2, seed), [6, 6]);
      tf.dispose(blocks.slice(1).map((b) => b.precondition(grad)));
      grad.dispose();
      blocks[0].getState(); // waits for the big block's job
      expect(splitRefreshRound().inFlight).toBe(0);
    }
    expect(blocks.map((b) => [b.diagnostics().inverseWorkerJobs, b.diagnostics().inverseSplitLocal])).toEqual([[3, 0], [0, 3], [0, 3], [0, 3]]);
    expect(blocks[0].diagnostics()).toMatchObject({ inverseWorkerInstalls: 3, inverseWorkerStaleSteps: 0 });
    blocks.forEach((b) => b.dispose());
  });

  it('waits for the worker in precondition: never a stale step, the same inverse as the calling thread', () => {
    const layer = layerOf('dense', 5, 4);
    const sync = kroneckerBlock(layer, 'test', twoTermEstimator, { inverseWorker: false });
    const split = kroneckerBlock(layer, 'test', twoTermEstimator, { inverseWorker: 'split' });
    const grad = tf.tensor2d(lowRankData(6, 4, 2, 5), [6, 4]);
    const before = tf.memory().numTensors;
    for (const b of [sync, split]) {
      b.updateStatistics(syntheticLayerBatch(30, 6, 4, 11), 0);
      b.updateInverse(damping);
    }
    for (const seed of [12, 13, 14]) {
      for (const b of [sync, split]) {
        b.updateStatistics(syntheticLayerBatch(30, 6, 4, seed), 0.5);
        b.updateInverse(damping);
      }
      const expected = sync.precondition(grad);
      const actual = split.precondition(grad); // alone in its round: the job went to the worker
      expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
      tf.dispose([expected, actual]);
    }
    expect(split.diagnostics()).toMatchObject({ inverseWorkerJobs: 4, inverseWorkerInstalls: 4, inverseWorkerStaleSteps: 0, inverseSplitLocal: 0 });
    sync.dispose();
    split.dispose();
    expect(tf.memory().numTensors).toBe(before); // every inverse released, replaced ones included
    grad.dispose();
  });

  it('throws a worker job\'s error from finishInverse keeping the previous inverse, as the calling thread does for a local job', () => {
    let terms: KroneckerTerm[] = [{ A: identity(6), G: identity(4) }];
    const layer = layerOf('dense', 5, 4);
    const onWorker = kroneckerBlock(layer, 'test', () => ({ terms }), { inverseWorker: 'split' });
    const local = kroneckerBlock(layer, 'test', () => ({ terms }), { inverseWorker: 'split' });
    for (const b of [onWorker, local]) {
      b.updateStatistics(syntheticLayerBatch(30, 6, 4, 1), 0);
      b.updateInverse(damping);
    }
    const first = inverseOf(onWorker);
    terms = [{ A: identity(6, -10), G: identity(4) }]; // A + π√λ I is negative definite
    onWorker.updateStatistics(syntheticLayerBatch(30, 6, 4, 1), 0);
    local.updateStatistics(syntheticLayerBatch(30, 6, 4, 1), 0);
    onWorker.updateInverse(damping); // first in the round: the worker
    expect(() => local.updateInverse(damping)).toThrow(NotPositiveDefiniteError); // the calling thread, as with false
    expect(() => onWorker.finishInverse!()).toThrow(NotPositiveDefiniteError); // the worker's, as with false
    const kept = inverseOf(onWorker);
    expect(onWorker.inverseWorkerError()).toBeInstanceOf(NotPositiveDefiniteError);
    for (const k of Object.keys(first)) expect(kept[k].data).toEqual(first[k].data);
    expect(onWorker.diagnostics()).toMatchObject({ inverseWorkerJobs: 2, inverseWorkerErrors: 1, inverseWorkerInstalls: 1 });
    expect(local.diagnostics()).toMatchObject({ inverseWorkerJobs: 0, inverseSplitLocal: 2 });
    expect(splitRefreshRound().inFlight).toBe(0);
    onWorker.dispose();
    local.dispose();
  });

  it('releases the balance when a job is discarded by setState or cancelled by dispose', () => {
    const layer = layerOf('dense', 5, 4);
    const block = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: 'split' });
    block.updateStatistics(syntheticLayerBatch(30, 6, 4, 1), 0);
    block.updateInverse(damping);
    const saved = block.getState();
    block.updateInverse(damping);
    expect(splitRefreshRound().inFlight).toBe(1);
    block.setState(saved);
    expect(splitRefreshRound().inFlight).toBe(0);
    block.updateInverse(damping);
    expect(splitRefreshRound().inFlight).toBe(1);
    block.dispose();
    expect(splitRefreshRound().inFlight).toBe(0);
  });

  it('falls back to the calling thread when the worker cannot start, with the same inverse', () => {
    const fixture = new URL('./inverse-worker-preload.fixture.ts', import.meta.url).href;
    setInverseWorkerPreload({ module: fixture, exportName: 'failToPreload' });
    const onWarning = () => {};
    process.on('warning', onWarning);
    try {
      const layer = layerOf('dense', 5, 4);
      const sync = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: false });
      const failing = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: 'split' });
      for (const b of [sync, failing]) {
        b.updateStatistics(syntheticLayerBatch(30, 6, 4, 1), 0);
        b.updateInverse(damping);
        b.updateStatistics(syntheticLayerBatch(30, 6, 4, 2), 0.5);
        b.updateInverse(damping);
      }
      const expected = inverseOf(sync);
      const actual = inverseOf(failing);
      for (const k of Object.keys(expected)) expect(actual[k].data).toEqual(expected[k].data);
      expect(failing.diagnostics()).toMatchObject({ inverseWorkerFallbacks: 1, inverseWorkerInstalls: 0 });
      expect(splitRefreshRound().inFlight).toBe(0);
      sync.dispose();
      failing.dispose();
    } finally {
      process.off('warning', onWarning);
      setInverseWorkerPreload(null);
    }
  });

  it('rejects any other inverseWorker value with an OptionError naming the allowed values', () => {
    const allowed = /inverseWorker must be true \(asynchronous worker\), false \(calling thread\) or 'split'.*got "yes"/;
    expect(() => kfacPlugin.validateOptions!({ tol: 1e-6, maxIterations: 10, inverseWorker: 'yes' } as never)).toThrow(OptionError);
    expect(() => kfacPlugin.validateOptions!({ tol: 1e-6, maxIterations: 10, inverseWorker: 'yes' } as never)).toThrow(allowed);
    expect(() => twoTermPlugin.validateOptions!({ tol: 1e-6, maxIterations: 10, inverse: 'abs', floor: 1e-3, inverseWorker: 1 } as never)).toThrow(/'split'.*got 1$/);
    expect(() => kfacPlugin.validateOptions!({ tol: 1e-6, maxIterations: 10, inverseWorker: 'split' })).not.toThrow();
    expect(() => kroneckerBlock(layerOf('dense', 5, 4), 'test', kfacEstimator, { inverseWorker: 'yes' as never })).toThrow(allowed);
    expect(() => withInverseWorker(kfacPlugin, 1 as never)).toThrow(OptionError);
    expect(() => withInverseWorker(kfacPlugin, 1 as never)).toThrow(/withInverseWorker\(kfac-test\).*'split'.*got 1/);
    expect(() => withInverseWorkerDefault('async' as never, () => 0)).toThrow(/'split'.*got "async"/);
  });
});
