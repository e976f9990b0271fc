import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, NonFiniteError, OptionError, ShapeError, type Rng } from '@fisherkit/core';
import { selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from './dense-network.js';
import type { Activation, CaptureOptions, LossName } from './model.js';
import {
  disposeRefLayers,
  refForward,
  refGradients,
  refLayersFromWeights,
  relativeError,
  tensorFrom,
} from './reference.test-helper.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const OUTPUT: Record<LossName, Activation> = { bce: 'sigmoid', mse: 'linear', 'softmax-ce': 'linear' };
const HIDDEN: Activation[] = ['relu', 'sigmoid', 'tanh', 'linear'];

/** Targets of the right kind for each loss (soft labels for bce, one-hot for softmax-ce). */
function targetsFor(loss: LossName, rows: number, cols: number, rng: Rng): tf.Tensor2D {
  if (loss === 'bce') return tensorFrom(rows, cols, () => rng.uniform());
  if (loss === 'mse') return tensorFrom(rows, cols, () => rng.normal());
  const labels = Array.from({ length: rows }, () => rng.int(cols));
  return tensorFrom(rows, cols, (i, j) => (labels[i] === j ? 1 : 0));
}

function setup(loss: LossName, hidden: Activation, batch: number, seed = 3) {
  const sizes = [5, 7, 6, 4];
  const activations: Activation[] = [hidden, hidden, OUTPUT[loss]];
  const net = createDenseNetwork({ sizes, activations, loss, seed });
  const rng = createRng(seed + 100);
  const x = tensorFrom(batch, sizes[0], () => 2 * rng.normal());
  const y = targetsFor(loss, batch, sizes[sizes.length - 1], rng);
  return { net, x, y, activations };
}

function referenceGradients(net: DenseNetwork, activations: Activation[], loss: LossName, x: tf.Tensor2D, y: tf.Tensor2D) {
  const weights = net.getWeights();
  const layers = refLayersFromWeights(weights, activations);
  const grads = refGradients(layers, loss, x, y);
  disposeRefLayers(layers);
  tf.dispose(weights);
  return grads;
}

/** Per-example g of every layer for one example and target: the bias gradient of a batch of one. */
function referenceG(net: DenseNetwork, activations: Activation[], loss: LossName, xRow: tf.Tensor2D, target: tf.Tensor2D): number[][] {
  return referenceGradients(net, activations, loss, xRow, target).map((w) => w[w.length - 1]);
}

function rowOf(t: tf.Tensor2D, i: number): tf.Tensor2D {
  return tf.slice(t, [i, 0], [1, -1]);
}

describe('computeGradients', () => {
  for (const loss of ['bce', 'mse', 'softmax-ce'] as LossName[]) {
    for (const hidden of HIDDEN) {
      it(`matches tf.grads of the same loss (${loss}, ${hidden} hidden units)`, () => {
        const { net, x, y, activations } = setup(loss, hidden, 9);
        const result = net.computeGradients(x, y);
        const ref = referenceGradients(net, activations, loss, x, y);
        expect(result.gradients).toHaveLength(3);
        result.gradients.forEach((g, l) => {
          expect(g.shape).toEqual([net.layers[l].inputSize + 1, net.layers[l].outputSize]);
          expect(relativeError(g.arraySync(), ref[l])).toBeLessThan(1e-5);
        });
        const refLoss = tf.tidy(() => net.evaluate(x, y));
        expect(result.loss).toBeCloseTo(refLoss, 6);
        tf.dispose([...result.gradients, x, y]);
        net.dispose();
      });
    }
  }

  it('uses the exact softmax-ce derivative for soft labels that do not sum to one', () => {
    const { net, x, activations } = setup('softmax-ce', 'tanh', 6);
    const y = tensorFrom(6, 4, (i, j) => 0.1 * (i + j + 1));
    const result = net.computeGradients(x, y);
    const ref = referenceGradients(net, activations, 'softmax-ce', x, y);
    result.gradients.forEach((g, l) => expect(relativeError(g.arraySync(), ref[l])).toBeLessThan(1e-5));
    tf.dispose([...result.gradients, x, y]);
    net.dispose();
  });

  it('computes a finite bce loss and gradient for saturated logits (stable form)', () => {
    const net = createDenseNetwork({ sizes: [1, 1], activations: ['sigmoid'], loss: 'bce', seed: 1 });
    net.setWeights([tf.tensor2d([[200], [0]])]);
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor2d([[0]]);
    const r = net.computeGradients(x, y);
    expect(r.loss).toBeCloseTo(200, 3);
    expect(r.gradients[0].arraySync()).toEqual([[1], [1]]);
    tf.dispose([...r.gradients, x, y]);
    net.dispose();
  });
});

describe('computeGradients with capture', () => {
  for (const loss of ['bce', 'mse', 'softmax-ce'] as LossName[]) {
    it(`captures a_i (inputs + trailing 1) and g_i = per-example gradients for the sampled targets (${loss})`, () => {
      const { net, x, y, activations } = setup(loss, 'tanh', 10);
      const capture: CaptureOptions = { fisherBatchSize: 4, fisher: 'sampled', rng: createRng(11) };
      const r = net.computeGradients(x, y, capture);
      const rows = r.fisherRows!;
      const targets = r.fisherTargets!;
      expect(rows).toHaveLength(4);
      expect(new Set(rows).size).toBe(4);
      expect(targets.rows).toBe(4);
      expect(targets.cols).toBe(4);
      // sampled targets have the support of the predictive distribution
      const t = Array.from(targets.data);
      if (loss === 'bce') expect(t.every((v) => v === 0 || v === 1)).toBe(true);
      if (loss === 'softmax-ce') {
        for (let i = 0; i < 4; i++) expect(t.slice(4 * i, 4 * i + 4).sort()).toEqual([0, 0, 0, 1]);
      }
      // the batch gradients are not disturbed by the stacked Fisher rows
      const ref = referenceGradients(net, activations, loss, x, y);
      r.gradients.forEach((g, l) => expect(relativeError(g.arraySync(), ref[l])).toBeLessThan(1e-5));

      const weights = net.getWeights();
      const layers = refLayersFromWeights(weights, activations);
      const inputs = tf.tidy(() => refForward(layers, x).inputs.map((h) => h.arraySync() as number[][]));
      expect(r.captures).toHaveLength(3);
      r.captures!.forEach((c, l) => {
        const din = net.layers[l].inputSize;
        expect([c.a.rows, c.a.cols, c.g.rows, c.g.cols]).toEqual([4, din + 1, 4, net.layers[l].outputSize]);
        rows.forEach((row, i) => {
          const ai = Array.from(c.a.data.subarray(i * (din + 1), (i + 1) * (din + 1)));
          expect(ai[din]).toBe(1);
          expect(relativeError(ai.slice(0, din), inputs[l][row])).toBeLessThan(1e-6);
        });
      });
      rows.forEach((row, i) => {
        const xRow = rowOf(x, row);
        const target = tf.tensor2d(Array.from(targets.data.subarray(4 * i, 4 * i + 4)), [1, 4]);
        const g = referenceG(net, activations, loss, xRow, target);
        r.captures!.forEach((c, l) => {
          const dg = c.g.cols;
          expect(relativeError(c.g.data.subarray(i * dg, (i + 1) * dg), g[l])).toBeLessThan(1e-5);
        });
        tf.dispose([xRow, target]);
      });
      disposeRefLayers(layers);
      tf.dispose([...weights, ...r.gradients, x, y]);
      net.dispose();
    });
  }

  it('empirical Fisher: observed targets, g_i = per-example gradients of the observed loss', () => {
    const { net, x, y, activations } = setup('bce', 'relu', 8);
    const r = net.computeGradients(x, y, { fisherBatchSize: 3, fisher: 'empirical', rng: createRng(2) });
    const yRows = y.arraySync();
    r.fisherRows!.forEach((row, i) => {
      expect(Array.from(r.fisherTargets!.data.subarray(4 * i, 4 * i + 4))).toEqual(yRows[row]);
      const xRow = rowOf(x, row);
      const yRow = rowOf(y, row);
      const g = referenceG(net, activations, 'bce', xRow, yRow);
      r.captures!.forEach((c, l) => {
        const dg = c.g.cols;
        expect(relativeError(c.g.data.subarray(i * dg, (i + 1) * dg), g[l])).toBeLessThan(1e-5);
      });
      tf.dispose([xRow, yRow]);
    });
    tf.dispose([...r.gradients, x, y]);
    net.dispose();
  });

  it('sampled Bernoulli targets average to the model probabilities over many passes', () => {
    const net = createDenseNetwork({ sizes: [3, 4, 2], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 4 });
    const x = tensorFrom(2, 3, (i, j) => (i - 0.5) * (j + 1));
    const y = tf.zeros([2, 2]) as tf.Tensor2D;
    const p = net.predict(x);
    const probs = p.arraySync();
    const rng = createRng(9);
    const sums = [[0, 0], [0, 0]];
    const counts = [0, 0];
    const passes = 2000;
    for (let k = 0; k < passes; k++) {
      const r = net.computeGradients(x, y, { fisherBatchSize: 1, fisher: 'sampled', rng });
      const row = r.fisherRows![0];
      counts[row]++;
      sums[row][0] += r.fisherTargets!.data[0];
      sums[row][1] += r.fisherTargets!.data[1];
      tf.dispose(r.gradients);
    }
    for (const row of [0, 1]) {
      expect(counts[row]).toBeGreaterThan(passes * 0.4);
      for (const j of [0, 1]) {
        const q = probs[row][j];
        const sd = Math.sqrt((q * (1 - q)) / counts[row]);
        expect(Math.abs(sums[row][j] / counts[row] - q)).toBeLessThan(5 * sd);
      }
    }
    tf.dispose([p, x, y]);
    net.dispose();
  });

  it('same seed gives the same rows, targets and captures; another seed differs', () => {
    const run = (seed: number) => {
      const { net, x, y } = setup('mse', 'sigmoid', 12, 5);
      const r = net.computeGradients(x, y, { fisherBatchSize: 5, fisher: 'sampled', rng: createRng(seed) });
      tf.dispose([...r.gradients, x, y]);
      net.dispose();
      return { rows: r.fisherRows, targets: Array.from(r.fisherTargets!.data), captures: r.captures!.map((c) => [Array.from(c.a.data), Array.from(c.g.data)]) };
    };
    const a = run(21);
    expect(run(21)).toEqual(a);
    const b = run(22);
    expect(b.targets).not.toEqual(a.targets);
  });

  it('rejects a Fisher batch size outside [1, B] and an unknown Fisher kind', () => {
    const { net, x, y } = setup('mse', 'relu', 6);
    for (const m of [0, 7, 2.5]) {
      expect(() => net.computeGradients(x, y, { fisherBatchSize: m, fisher: 'sampled', rng: createRng(1) })).toThrow(OptionError);
    }
    expect(() => net.computeGradients(x, y, { fisherBatchSize: 7, fisher: 'sampled', rng: createRng(1) })).toThrow(/\[1, 6\]/);
    expect(() => net.computeGradients(x, y, { fisherBatchSize: 2, fisher: 'true' as never, rng: createRng(1) })).toThrow(/sampled/);
    const full = net.computeGradients(x, y, { fisherBatchSize: 6, fisher: 'sampled', rng: createRng(1) });
    expect([...full.fisherRows!].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    tf.dispose([...full.gradients, x, y]);
    net.dispose();
  });
});

describe('computeGradients input validation', () => {
  it('names wrong shapes, dtypes and non-finite entries', () => {
    const net = createDenseNetwork({ sizes: [3, 2], activations: ['linear'], loss: 'mse', seed: 0 });
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    const y = tf.zeros([4, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const wide = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => net.computeGradients(wide, y)).toThrow(ShapeError);
    expect(() => net.computeGradients(wide, y)).toThrow(/\[batch, 3\]/);
    expect(() => net.computeGradients(x, tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/x has 4 rows but y has 3/);
    expect(() => net.computeGradients(x, tf.zeros([4, 2], 'int32') as tf.Tensor2D)).toThrow(/float32/);
    const bad = tf.tensor2d([[0, 0, 0], [0, NaN, 0], [0, 0, 0], [0, 0, 0]]);
    expect(() => net.computeGradients(bad, y)).toThrow(NonFiniteError);
    expect(() => net.computeGradients(bad, y)).toThrow(/row 1, column 1/);
    const inf = tf.tensor2d([[0, 0], [0, 0], [0, 0], [Infinity, 0]]);
    expect(() => net.computeGradients(x, inf)).toThrow(/y has a non-finite entry Infinity at row 3/);
    tf.dispose([wide, bad, inf]);
    expect(tf.memory().numTensors).toBe(before + 2); // the two int32/[3,2] temporaries made inline
    tf.dispose([x, y]);
    net.dispose();
  });
});
