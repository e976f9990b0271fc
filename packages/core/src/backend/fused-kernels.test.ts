import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { float32View } from './float32-view.js';
import { fusedAdam, fusedKernelPath, fusedMomentum, fusedSumAndDot } from './fused-kernels.js';
import { selectBackend } from './select-backend.js';

const n = 4 * 257 + 3; // a tail that the SIMD groups do not cover

function randomArrays(count: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Array.from({ length: n }, () => Math.fround(rng.normal())));
}

describe.each([
  ['wasm', 'wasm-simd'],
  ['cpu', 'js'],
] as const)('fused kernels on %s tensors', (backend, path) => {
  /** Tensors holding `values` and their writable views (taken after every allocation). */
  async function arrays(values: number[][]): Promise<{ views: Float32Array[]; dispose(): void }> {
    await selectBackend({ backend });
    const ts = values.map((v) => tf.tensor1d(v));
    const views = ts.map((t) => float32View(t, 'write')!);
    expect(fusedKernelPath(views)).toBe(path);
    return { views, dispose: () => tf.dispose(ts) };
  }

  it('fusedSumAndDot gives Σ g and Σ d g', async () => {
    const [g, d] = randomArrays(2, 1);
    const a = await arrays([g, d]);
    const [s, dot] = fusedSumAndDot(a.views[0], a.views[1]);
    expect(s).toBeCloseTo(g.reduce((x, y) => x + y, 0), 9);
    expect(dot).toBeCloseTo(g.reduce((x, gi, i) => x + gi * d[i], 0), 9);
    a.views[0][n - 1] = Number.NaN; // the tail too
    expect(Number.isNaN(fusedSumAndDot(a.views[0], a.views[1])[0])).toBe(true);
    a.views[0][n - 1] = 0;
    a.views[0][5] = Infinity;
    expect(Number.isFinite(fusedSumAndDot(a.views[0], a.views[1])[0])).toBe(false);
    a.dispose();
  });

  it.each([false, true])('fusedMomentum (Nesterov %s) follows its formula on every element', async (nesterov) => {
    const [d, v, w] = randomArrays(3, 2);
    const a = await arrays([d, v, w, new Array(n).fill(0)]);
    const c = { scale: 0.7, weightDecay: 0.05, momentum: 0.9, nesterov, learningRate: 0.3 };
    fusedMomentum(a.views[0], a.views[1], a.views[2], a.views[3], c);
    for (let i = 0; i < n; i++) {
      const u = c.scale * d[i] + c.weightDecay * w[i];
      const vi = c.momentum * v[i] + u;
      expect(a.views[1][i]).toBeCloseTo(vi, 5);
      expect(a.views[3][i]).toBeCloseTo(w[i] - c.learningRate * (nesterov ? u + c.momentum * vi : vi), 5);
      expect(a.views[2][i]).toBe(w[i]);
    }
    a.dispose();
  });

  it('fusedAdam follows its formula on every element', async () => {
    const [g, m, v0, w] = randomArrays(4, 3);
    const v = v0.map((x) => Math.fround(x * x));
    const a = await arrays([g, m, v, w, new Array(n).fill(0)]);
    const c = { learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-7, weightDecay: 0.01, t: 3 };
    fusedAdam(a.views[0], a.views[1], a.views[2], a.views[3], a.views[4], c);
    for (let i = 0; i < n; i++) {
      const gi = g[i] + c.weightDecay * w[i];
      const mi = c.beta1 * m[i] + (1 - c.beta1) * gi;
      const vi = c.beta2 * v[i] + (1 - c.beta2) * gi * gi;
      const step = (c.learningRate * mi) / (1 - c.beta1 ** c.t) / (Math.sqrt(vi / (1 - c.beta2 ** c.t)) + c.epsilon);
      expect(a.views[1][i]).toBeCloseTo(mi, 5);
      expect(a.views[2][i]).toBeCloseTo(vi, 5);
      expect(Math.abs(a.views[4][i] - (w[i] - step))).toBeLessThan(2e-6 * (1 + Math.abs(w[i])));
    }
    a.dispose();
  });
});

describe('fusedKernelPath', () => {
  it('is js for arrays outside the wasm heap', () => {
    expect(fusedKernelPath([new Float32Array(8)])).toBe('js');
  });
});
