import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptionError, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, DenseNetwork } from './dense-network.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('createDenseNetwork', () => {
  it('builds one [d_in, d_out] kernel and [d_out] bias per layer with Xavier-uniform kernels and 0.01 biases', () => {
    const sizes = [60, 40, 30];
    const net = createDenseNetwork({ sizes, activations: ['relu', 'sigmoid'], loss: 'bce', seed: 7 });
    expect(net).toBeInstanceOf(DenseNetwork);
    expect(net.layers.map((l) => [l.index, l.inputSize, l.outputSize])).toEqual([[0, 60, 40], [1, 40, 30]]);
    const weights = net.getWeights();
    weights.forEach((w, l) => {
      const rows = w.arraySync();
      const r = Math.sqrt(6 / (sizes[l] + sizes[l + 1]));
      const kernel = rows.slice(0, -1).flat();
      expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(r);
      expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(0.8 * r); // spread over the whole interval
      const mean = kernel.reduce((s, v) => s + v, 0) / kernel.length;
      const variance = kernel.reduce((s, v) => s + v * v, 0) / kernel.length;
      expect(Math.abs(mean)).toBeLessThan(0.1 * r);
      expect(Math.abs(variance / ((r * r) / 3) - 1)).toBeLessThan(0.15); // variance of U(−r, r) is r²/3
      for (const b of rows[rows.length - 1]) expect(b).toBeCloseTo(0.01, 7);
    });
    tf.dispose(weights);
    net.dispose();
  });

  it('is reproducible from its seed, differs across seeds, and honours biasInit', () => {
    const make = (seed: number, biasInit?: number) =>
      createDenseNetwork({ sizes: [4, 3, 2], activations: ['tanh', 'linear'], loss: 'mse', seed, biasInit });
    const read = (seed: number, biasInit?: number) => {
      const net = make(seed, biasInit);
      const ws = net.getWeights();
      const out = ws.map((w) => w.arraySync());
      tf.dispose(ws);
      net.dispose();
      return out;
    };
    expect(read(5)).toEqual(read(5));
    expect(read(6)).not.toEqual(read(5));
    expect(read(5, 0.5)[1][3]).toEqual([0.5, 0.5]);
  });

  it('rejects bad sizes, activations and losses that do not match the output activation', () => {
    const ok = { sizes: [3, 2], activations: ['sigmoid' as const], loss: 'bce' as const, seed: 0 };
    expect(() => createDenseNetwork({ ...ok, sizes: [3] })).toThrow(/at least two positive integer/);
    expect(() => createDenseNetwork({ ...ok, sizes: [3, 0] })).toThrow(OptionError);
    expect(() => createDenseNetwork({ ...ok, sizes: [3, 2.5] })).toThrow(OptionError);
    expect(() => createDenseNetwork({ ...ok, activations: ['relu', 'sigmoid'] })).toThrow(/one activation per layer/);
    expect(() => createDenseNetwork({ ...ok, activations: ['gelu' as never] })).toThrow(/activations\[0\].*relu, sigmoid, tanh, linear/);
    expect(() => createDenseNetwork({ ...ok, activations: ['linear'] })).toThrow(/"bce" needs a "sigmoid" output/);
    expect(() => createDenseNetwork({ ...ok, loss: 'mse' })).toThrow(/"mse" needs a "linear" output/);
    expect(() => createDenseNetwork({ ...ok, loss: 'softmax-ce' })).toThrow(/softmax is part of the loss/);
    expect(() => createDenseNetwork({ ...ok, loss: 'hinge' as never })).toThrow(/bce, mse, softmax-ce/);
    expect(() => createDenseNetwork({ ...ok, seed: -1 })).toThrow(/seed/);
    expect(() => createDenseNetwork({ ...ok, biasInit: NaN })).toThrow(/biasInit/);
    expect(() => createDenseNetwork({ ...ok, init: 'he' as never })).toThrow(/xavier-uniform/);
  });
});
