import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRows, NonFiniteError, OptionError, selectBackend, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { createDenseNetwork, gram, type DenseNetwork, type GradientResult, type TrainableModel } from '@fisherkit/fisher';
import type { CurvatureBlock } from './contract.js';
import { kroneckerPlugin } from './kronecker-plugin.js';
import { naturalGradient } from './natural-gradient.js';
import { createNonFiniteGuard, type NumericalWarning } from './non-finite-guard.js';
import { lowRankData } from './test-helpers.js';

// Injects trouble into one layer at chosen steps, the way a diverging run or an overflow would.
interface Faults {
  gradient?: Map<number, number>; // step → layer whose gradient becomes NaN
  capture?: Map<number, number>; // step → layer whose a_i get an Infinity
}

function faulty(model: DenseNetwork, faults: Faults): TrainableModel & { calls: number } {
  const wrapped = {
    calls: 0,
    get layers() {
      return model.layers;
    },
    computeGradients(x: tf.Tensor2D, y: tf.Tensor2D, capture?: Parameters<DenseNetwork['computeGradients']>[2]): GradientResult {
      const step = wrapped.calls++;
      const r = model.computeGradients(x, y, capture);
      const gl = faults.gradient?.get(step);
      if (gl !== undefined) {
        const bad = tf.fill(r.gradients[gl].shape, NaN) as tf.Tensor2D;
        r.gradients[gl].dispose();
        r.gradients[gl] = bad;
      }
      const cl = faults.capture?.get(step);
      if (cl !== undefined && r.captures) r.captures[cl].a.data[0] = Infinity;
      return r;
    },
    evaluate: model.evaluate.bind(model),
    getWeights: model.getWeights.bind(model),
    setWeights: model.setWeights.bind(model),
    applyDeltas: model.applyDeltas.bind(model),
  };
  return wrapped as unknown as TrainableModel & { calls: number };
}

/** KFAC written through kroneckerPlugin; `scale` (per statistics update) lets a test make the factors overflow. */
function kfacLike(blocks: CurvatureBlock[], scale: (update: number) => number = () => 1) {
  let updates = 0;
  const plugin = kroneckerPlugin({
    id: 'kfac-like',
    title: 'KFAC for the numerical-trouble tests',
    reference: 'test',
    defaults: { tol: 1e-6, maxIterations: 10 },
    estimator: () => (batch) => {
      const s = scale(updates++);
      const A = gram(batch.a, s / batch.a.rows);
      return { terms: [{ A, G: gram(batch.g, 1 / batch.g.rows) } as KroneckerTerm] };
    },
  });
  const createBlock = plugin.createBlock.bind(plugin);
  plugin.createBlock = (layer, options) => {
    const b = createBlock(layer, options) as CurvatureBlock;
    blocks.push(b);
    return b;
  };
  return plugin;
}

const net = (): DenseNetwork => createDenseNetwork({ sizes: [6, 4, 6], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 3 });
const ctx = (step: number) => ({ step, epoch: 0 });
let x: tf.Tensor2D;
const layerWeights = (m: TrainableModel, l: number): number[] => {
  const ws = m.getWeights();
  const out = Array.from(ws[l].dataSync());
  tf.dispose(ws);
  return out;
};
const probe: Matrix = fromRows(Array.from({ length: 7 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(i + 2 * j + 1))));

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  x = tf.tensor2d(lowRankData(16, 6, 2, 3), [16, 6]);
});
afterAll(() => x.dispose());

describe('natural gradient under NaN/Infinity', () => {
  it('skips only the layer whose gradient is NaN, counts a warning, and goes on', () => {
    const warnings: NumericalWarning[] = [];
    const model = faulty(net(), { gradient: new Map([[3, 1]]) });
    const opt = naturalGradient(kfacLike([]), { learningRate: 0.05, damping: 1e-2, tCov: 2, tInv: 2, onWarning: (w) => warnings.push(w) });
    for (let t = 0; t < 3; t++) opt.step(model, x, x, ctx(t));
    const before = [layerWeights(model, 0), layerWeights(model, 1)];
    const loss = opt.step(model, x, x, ctx(3));
    expect(Number.isFinite(loss)).toBe(true);
    expect(layerWeights(model, 1)).toEqual(before[1]); // skipped
    expect(layerWeights(model, 0)).not.toEqual(before[0]); // the healthy layer moved
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ layerIndex: 1, step: 3, cause: 'gradient', count: 1 });
    expect(warnings[0].message).toMatch(/layer "dense_1", step 3: the gradient is not finite.*learning rate/);
    const after = layerWeights(model, 1);
    opt.step(model, x, x, ctx(4));
    expect(layerWeights(model, 1)).not.toEqual(after); // back to normal
    expect(opt.diagnostics()['nonFinite.gradient']).toBe(1);
    opt.dispose();
  });

  it('keeps the previous statistics when a capture holds Infinity', () => {
    const blocks: CurvatureBlock[] = [];
    const warnings: NumericalWarning[] = [];
    const model = faulty(net(), { capture: new Map([[2, 0]]) });
    const opt = naturalGradient(kfacLike(blocks), { learningRate: 0.05, damping: 1e-2, tCov: 2, tInv: 2, onWarning: (w) => warnings.push(w) });
    opt.step(model, x, x, ctx(0));
    opt.step(model, x, x, ctx(1));
    const termsBefore = blocks[0].terms();
    const otherBefore = blocks[1].terms();
    opt.step(model, x, x, ctx(2));
    expect(blocks[0].terms()).toEqual(termsBefore);
    expect(blocks[1].terms()).not.toEqual(otherBefore); // the other layer updated as usual
    expect(warnings.map((w) => [w.layerIndex, w.step, w.cause])).toEqual([[0, 2, 'statistics']]);
    expect(blocks[0].terms().every((t) => [...t.A.data, ...t.G.data].every(Number.isFinite))).toBe(true);
    opt.dispose();
  });

  it('keeps the previous inverse when a refresh overflows, then stops after maxNonFinite failed refreshes naming the damping', () => {
    const blocks: CurvatureBlock[] = [];
    const warnings: NumericalWarning[] = [];
    // Layer 0's A factor is ~1e308 from the second step on (the estimator runs for layers 0, 1, 0, 1, …): its trace overflows at the refresh.
    const plugin = kfacLike(blocks, (u) => (u >= 2 && u % 2 === 0 ? 1e308 : 1));
    const model = faulty(net(), {});
    const opt = naturalGradient(plugin, { learningRate: 0.05, damping: 1e-2, tCov: 1, tInv: 1, decay: 0, maxNonFinite: 3, onWarning: (w) => warnings.push(w) });
    opt.step(model, x, x, ctx(0));
    const applyBefore = (blocks[0] as CurvatureBlock & { preconditionExact(m: Matrix): Matrix }).preconditionExact(probe);
    opt.step(model, x, x, ctx(1));
    const applyAfter = (blocks[0] as CurvatureBlock & { preconditionExact(m: Matrix): Matrix }).preconditionExact(probe);
    expect(Array.from(applyAfter.data)).toEqual(Array.from(applyBefore.data));
    expect(warnings.map((w) => [w.layerIndex, w.cause])).toEqual([[0, 'inverse']]);
    opt.step(model, x, x, ctx(2));
    expect(warnings).toHaveLength(2);
    let error: unknown;
    try {
      opt.step(model, x, x, ctx(3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as Error).message).toMatch(/layer "dense_0", step 3: NaN\/Infinity 3 times in a row in the inverse.*raise the damping/);
    opt.dispose();
  });

  it('stops a run whose gradient keeps being NaN, naming the layer, the step and the learning rate', () => {
    const faults = new Map(Array.from({ length: 10 }, (_, i) => [5 + i, 0] as [number, number]));
    const model = faulty(net(), { gradient: faults });
    const seen: NumericalWarning[] = [];
    const opt = naturalGradient(kfacLike([]), { learningRate: 0.05, damping: 1e-2, tCov: 5, tInv: 5, maxNonFinite: 4, onWarning: (w) => seen.push(w) });
    const before = tf.memory().numTensors;
    let error: Error | null = null;
    for (let t = 0; t < 15 && !error; t++) {
      try {
        opt.step(model, x, x, ctx(t));
      } catch (e) {
        error = e as Error;
      }
    }
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error!.message).toMatch(/natural-gradient\(kfac-like\), layer "dense_0", step 8: NaN\/Infinity 4 times in a row in the gradient; stopping: the learning rate is probably too large/);
    expect(seen.map((w) => w.consecutive)).toEqual([1, 2, 3]);
    opt.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('validates maxNonFinite and onWarning', () => {
    expect(() => naturalGradient(kfacLike([]), { maxNonFinite: 0 })).toThrow(OptionError);
    expect(() => naturalGradient(kfacLike([]), { onWarning: 'log' as never })).toThrow(/onWarning must be a function/);
  });
});

describe('createNonFiniteGuard', () => {
  it('counts per cause, resets runs on success, and warns through console.warn by default', () => {
    const guard = createNonFiniteGuard('opt', ['a', 'b'], { maxConsecutive: 2, onWarning: () => {} });
    guard.report(0, 1, 'gradient');
    guard.succeeded(0, 'gradient');
    guard.report(0, 3, 'gradient');
    guard.report(1, 3, 'inverse');
    expect(guard.counts()).toEqual({ 'nonFinite.gradient': 2, 'nonFinite.inverse': 1 });
    expect(() => guard.report(0, 4, 'gradient')).toThrow(/layer "a", step 4: NaN\/Infinity 2 times in a row/);
    expect(() => createNonFiniteGuard('opt', [], { maxConsecutive: 1.5 })).toThrow(OptionError);
  });
});
