import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identity, NonFiniteError, NotPositiveDefiniteError, OptionError, scale, selectBackend, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { createDenseNetwork, kfacStatistics } from '@fisherkit/fisher';
import { syntheticLayerBatch } from './conformance/fixtures.js';
import { currentInverseWorker, holdInverseWorker, setInverseWorkerPreload } from './inverse-worker-pool.js';
import { kroneckerBlock, type KroneckerBlock, type KroneckerEstimator } from './kronecker-block.js';
import { kroneckerPlugin, withInverseWorker } from './kronecker-plugin.js';
import { naturalGradient } from './natural-gradient.js';
import { lowRankData } from './test-helpers.js';
import { train } from './train.js';

const layer = { index: 0, name: 'dense', inputSize: 5, outputSize: 4 };
const batch1 = syntheticLayerBatch(30, 6, 4, 11);
const batch2 = syntheticLayerBatch(30, 6, 4, 12);
const damping = { lambda: 1e-2, pi: 'tracenorm' as const };

const kfacEstimator: KroneckerEstimator = (b) => ({ terms: [kfacStatistics(b)] });
/** A KFAC term plus an indefinite second term: exercises the two-term (eigendecomposition) path. */
const twoTermEstimator: KroneckerEstimator = (b) => {
  const t = kfacStatistics(b);
  return { terms: [t, { A: scale(t.A, 0.3), G: scale(identity(t.G.rows), -0.2) }] };
};

const maxDiff = (a: Matrix, b: Matrix): number => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
const inverseOf = (block: KroneckerBlock): Record<string, Matrix> =>
  Object.fromEntries(Object.entries(block.getState()).filter(([k]) => k.startsWith('inverse.'))) as Record<string, Matrix>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});
afterAll(() => {
  expect(currentInverseWorker()).toBeNull(); // every test disposed its blocks
});

describe('inverse worker', () => {
  for (const [name, estimator] of [['one term (KFAC)', kfacEstimator], ['two terms (generalized eigenproblems)', twoTermEstimator]] as const) {
    it(`computes the same inverse as the main thread, ${name} (Float64, 1e-12)`, () => {
      const sync = kroneckerBlock(layer, 'test', estimator, { inverseWorker: false });
      const worker = kroneckerBlock(layer, 'test', estimator, { inverseWorker: true });
      for (const b of [sync, worker]) {
        b.updateStatistics(batch1, 0);
        b.updateInverse(damping); // the first inverse is synchronous on both
        b.updateStatistics(batch2, 0.5);
        b.updateInverse({ lambda: 3e-2, pi: 'tracenorm' });
      }
      expect(worker.diagnostics()).toMatchObject({ inverseWorkerJobs: 1, inverseUpdates: 2 });
      const expected = inverseOf(sync);
      const actual = inverseOf(worker); // getState waits for the job in flight
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      for (const k of Object.keys(expected)) expect(maxDiff(actual[k], expected[k])).toBeLessThanOrEqual(1e-12);
      expect(worker.diagnostics()).toMatchObject({ inverseWorkerInstalls: 1, inverseWorkerErrors: 0, inverseWorkerFallbacks: 0 });
      expect(worker.diagnostics().inverseWorkerBusySeconds).toBeGreaterThan(0);
      expect(worker.getState().pi).toBe(sync.getState().pi);
      sync.dispose();
      worker.dispose();
    });
  }

  it('runs the preload in the worker thread before its first job; a failing preload sends the blocks to the main thread', () => {
    const flag = new SharedArrayBuffer(4);
    const fixture = new URL('./inverse-worker-preload.fixture.ts', import.meta.url).href;
    setInverseWorkerPreload({ module: fixture, exportName: 'markPreloaded', options: { flag, value: 42 } });
    try {
      const block = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: true });
      block.updateStatistics(batch1, 0);
      block.updateInverse(damping);
      block.updateStatistics(batch2, 0.5);
      block.updateInverse(damping);
      block.getState(); // waits for the job
      expect(Atomics.load(new Int32Array(flag), 0)).toBe(42);
      expect(block.diagnostics()).toMatchObject({ inverseWorkerInstalls: 1, inverseWorkerFallbacks: 0 });
      expect(() => setInverseWorkerPreload({ module: fixture, exportName: 'markPreloaded' })).toThrow(/already running.*dispose those blocks first/);
      block.dispose();

      setInverseWorkerPreload({ module: fixture, exportName: 'failToPreload' });
      const failing = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: true });
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      failing.updateStatistics(batch1, 0);
      failing.updateInverse(damping);
      failing.updateStatistics(batch2, 0.5);
      failing.updateInverse(damping);
      const sync = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: false });
      sync.updateStatistics(batch1, 0);
      sync.updateInverse(damping);
      sync.updateStatistics(batch2, 0.5);
      sync.updateInverse(damping);
      const got = inverseOf(failing);
      for (const [k, v] of Object.entries(inverseOf(sync))) expect(maxDiff(got[k], v)).toBeLessThanOrEqual(1e-12);
      expect(failing.diagnostics()).toMatchObject({ inverseWorkerFallbacks: 1, inverseWorkerInstalls: 0 });
      failing.dispose();
      sync.dispose();
      process.off('warning', onWarning);
    } finally {
      setInverseWorkerPreload(null);
    }
    expect(() => setInverseWorkerPreload({ module: '', exportName: 'x' })).toThrow(OptionError);
  });

  it('keeps applying the previous inverse until the new one arrives, counting stale steps, and installs it without blocking', async () => {
    const sync = kroneckerBlock(layer, 'test', kfacEstimator);
    const block = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: true });
    const grad = tf.tensor2d(lowRankData(6, 4, 2, 5), [6, 4]);
    const data = (t: tf.Tensor) => Array.from(t.dataSync());
    for (const b of [sync, block]) {
      b.updateStatistics(batch1, 0);
      b.updateInverse(damping);
    }
    const before = tf.memory().numTensors;
    const old = sync.precondition(grad);
    holdInverseWorker(true);
    try {
      for (const b of [sync, block]) {
        b.updateStatistics(batch2, 0.5);
        b.updateInverse(damping);
      }
      for (let i = 0; i < 3; i++) {
        const d = block.precondition(grad);
        expect(data(d)).toEqual(data(old));
        d.dispose();
      }
      expect(block.diagnostics()).toMatchObject({ inverseWorkerStaleSteps: 3, inverseWorkerInstalls: 0 });
    } finally {
      holdInverseWorker(false);
    }
    for (let i = 0; i < 3000 && block.diagnostics().inverseWorkerInstalls === 0; i++) {
      await sleep(10);
      const d = tf.tidy(() => block.precondition(grad)); // installs inside a tidy, as the driver does
      d.dispose();
    }
    expect(block.diagnostics()).toMatchObject({ inverseWorkerInstalls: 1, inverseWorkerWaits: 0 });
    const fresh = sync.precondition(grad);
    const d = block.precondition(grad);
    expect(data(d)).toEqual(data(fresh));
    tf.dispose([old, fresh, d]);
    expect(tf.memory().numTensors).toBe(before); // the old inverse's tensors were released, the new ones kept
    grad.dispose();
    sync.dispose();
    block.dispose();
  });

  it('keeps one job per block: a refresh that finds one in flight installs it first', () => {
    const sync = kroneckerBlock(layer, 'test', twoTermEstimator);
    const block = kroneckerBlock(layer, 'test', twoTermEstimator, { inverseWorker: true });
    for (const b of [sync, block]) {
      b.updateStatistics(batch1, 0);
      b.updateInverse(damping);
      b.updateStatistics(batch2, 0.5);
      b.updateInverse(damping);
      b.updateStatistics(batch1, 0.5);
      b.updateInverse({ lambda: 5e-2, pi: 'one' });
    }
    const expected = inverseOf(sync);
    const actual = inverseOf(block);
    for (const k of Object.keys(expected)) expect(maxDiff(actual[k], expected[k])).toBeLessThanOrEqual(1e-12);
    expect(block.diagnostics()).toMatchObject({ inverseWorkerJobs: 2, inverseWorkerInstalls: 2 });
    sync.dispose();
    block.dispose();
  });

  it('returns worker errors as the same typed errors and keeps the previous inverse', () => {
    let terms: KroneckerTerm[] = [{ A: identity(6), G: identity(4) }];
    const block = kroneckerBlock(layer, 'test', () => ({ terms }), { inverseWorker: true });
    block.updateStatistics(batch1, 0);
    block.updateInverse(damping);
    const first = inverseOf(block);
    terms = [{ A: identity(6, -10), G: identity(4) }]; // A + π√λ I is negative definite
    block.updateStatistics(batch1, 0);
    block.updateInverse(damping);
    let kept = inverseOf(block);
    expect(block.inverseWorkerError()).toBeInstanceOf(NotPositiveDefiniteError);
    expect(block.inverseWorkerError()!.message).toMatch(/not positive definite.*Add damping/);
    for (const k of Object.keys(first)) expect(maxDiff(kept[k], first[k])).toBe(0);
    block.updateInverse({ lambda: Number.NaN, pi: 'one' });
    kept = inverseOf(block);
    expect(block.inverseWorkerError()).toBeInstanceOf(OptionError);
    expect(block.inverseWorkerError()!.message).toMatch(/damping λ must be a finite number > 0/);
    for (const k of Object.keys(first)) expect(maxDiff(kept[k], first[k])).toBe(0);
    terms = [{ A: identity(6, 1e308), G: identity(4) }]; // finite entries, but tr(A) overflows: NaN/Infinity statistics
    block.updateStatistics(batch1, 0);
    block.updateInverse(damping);
    kept = inverseOf(block);
    expect(block.inverseWorkerError()).toBeInstanceOf(NonFiniteError);
    expect(block.inverseWorkerError()!.message).toMatch(/non-finite traces.*raise the damping/);
    for (const k of Object.keys(first)) expect(maxDiff(kept[k], first[k])).toBe(0);
    expect(block.diagnostics()).toMatchObject({ inverseWorkerJobs: 3, inverseWorkerErrors: 3, inverseWorkerInstalls: 0 });
    block.dispose();
  });

  it('setState discards the job in flight; dispose cancels it and terminates the worker with the last block', async () => {
    const a = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: true });
    const b = kroneckerBlock(layer, 'test', kfacEstimator, { inverseWorker: true });
    for (const blk of [a, b]) {
      blk.updateStatistics(batch1, 0);
      blk.updateInverse(damping);
    }
    const saved = a.getState();
    const worker = currentInverseWorker();
    expect(worker).not.toBeNull();
    const exited = once(worker!, 'exit');
    holdInverseWorker(true);
    a.updateStatistics(batch2, 0.5);
    a.updateInverse({ lambda: 1, pi: 'one' });
    a.setState(saved);
    holdInverseWorker(false);
    const restored = inverseOf(a); // nothing in flight: no wait, the saved inverse
    for (const k of Object.keys(restored)) expect(maxDiff(restored[k], saved[k] as Matrix)).toBe(0);
    b.updateStatistics(batch2, 0.5);
    b.updateInverse(damping); // in flight while disposed
    a.dispose();
    expect(currentInverseWorker()).toBe(worker); // b still uses it
    b.dispose();
    expect(currentInverseWorker()).toBeNull();
    await exited;
  });

  it('trains with naturalGradient(withInverseWorker(plugin)): converges, counts jobs and leaks no tensors', async () => {
    const plugin = kroneckerPlugin({ id: 'kfac-test', title: 'KFAC (test)', reference: 'test', defaults: { tol: 1e-6, maxIterations: 10 }, estimator: () => kfacEstimator });
    expect(() => plugin.validateOptions!({ tol: 1e-6, maxIterations: 10, inverseWorker: 'yes' } as never)).toThrow(/inverseWorker/);
    const x = lowRankData(64, 8, 3, 4);
    const net = () => createDenseNetwork({ sizes: [8, 6, 8], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 2 });
    const options = { learningRate: 0.3, damping: 1e-2, tCov: 2, tInv: 4, seed: 1 };
    // The same run with every inverse on the main thread: the reference the worker run must match.
    const refModel = net();
    const refOpt = naturalGradient(withInverseWorker(plugin, false), options);
    const reference = (await train(refModel, refOpt, { x, y: x }, { epochs: 12, batchSize: 16, seed: 3 })).epochs;
    expect(refOpt.diagnostics()['block.inverseWorkerJobs']).toBeUndefined();
    refOpt.dispose();
    refModel.dispose();
    const model = net();
    const opt = naturalGradient(withInverseWorker(plugin), options);
    const before = tf.memory().numTensors;
    const { epochs } = await train(model, opt, { x, y: x }, { epochs: 12, batchSize: 16, seed: 3 });
    const last = epochs[epochs.length - 1].trainLoss;
    const decrease = reference[0].trainLoss - reference[reference.length - 1].trainLoss;
    expect(decrease).toBeGreaterThan(0);
    expect(Math.abs(last - reference[reference.length - 1].trainLoss)).toBeLessThan(0.1 * decrease);
    const diag = opt.diagnostics();
    expect(diag['block.inverseWorkerJobs']).toBe(2 * (48 / 4 - 1)); // 2 layers × every refresh after the first
    expect(diag['block.inverseWorkerInstalls'] + diag['block.inverseWorkerErrors']).toBeGreaterThan(0);
    expect(diag['block.inverseWorkerErrors']).toBe(0);
    const state = opt.getState(); // waits for jobs in flight
    expect(JSON.stringify(state)).toContain('inverse.aInverse');
    opt.dispose();
    expect(currentInverseWorker()).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  const dist = fileURLToPath(new URL('../dist/inverse-worker.js', import.meta.url));
  it.skipIf(!existsSync(dist))('runs from the built package (dist/inverse-worker.js, plain node)', () => {
    const index = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { selectBackend, identity } from '@fisherkit/core';
      import { kroneckerBlock } from ${JSON.stringify(index)};
      await selectBackend({ backend: 'cpu' });
      const est = (b) => ({ terms: [{ A: b.A, G: b.G }] });
      const run = (inverseWorker) => {
        const blk = kroneckerBlock({ index: 0, name: 'd', inputSize: 2, outputSize: 2 }, 't', est, { inverseWorker });
        blk.updateStatistics({ a: identity(3, 2), g: identity(2, 3), A: identity(3, 2), G: identity(2, 3) }, 0);
        blk.updateInverse({ lambda: 0.1, pi: 'one' });
        blk.updateStatistics({ a: identity(3, 1), g: identity(2, 1), A: identity(3, 5), G: identity(2, 7) }, 0.5);
        blk.updateInverse({ lambda: 0.1, pi: 'one' });
        const s = blk.getState();
        const out = { a: Array.from(s['inverse.aInverse'].data), jobs: blk.diagnostics().inverseWorkerJobs ?? 0, installs: blk.diagnostics().inverseWorkerInstalls ?? 0 };
        blk.dispose();
        return out;
      };
      console.log(JSON.stringify({ sync: run(false), worker: run(true) }));
    `;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', timeout: 60_000 }));
    expect(out.worker).toEqual({ ...out.sync, jobs: 1, installs: 1 });
  });
});
