import { describe, expect, it } from 'vitest';
import { createRng } from '@fisherkit/core';
import { sampleTargets } from './sample-targets.js';

describe('sampleTargets', () => {
  const n = 20000;

  it('bce: Bernoulli(p) draws average to p', () => {
    const p = [0.05, 0.5, 0.9];
    const params = Array.from({ length: n }, () => p).flat();
    const t = sampleTargets('bce', params, n, 3, createRng(1));
    p.forEach((q, j) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += t[i * 3 + j];
      expect(Math.abs(s / n - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / n));
    });
    expect(t.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('mse: N(o, 1) draws have mean o and unit variance', () => {
    const o = [-2, 3];
    const t = sampleTargets('mse', Array.from({ length: n }, () => o).flat(), n, 2, createRng(2));
    o.forEach((mu, j) => {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        s += t[i * 2 + j] - mu;
        s2 += (t[i * 2 + j] - mu) ** 2;
      }
      expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
    });
  });

  it('softmax-ce: one-hot Categorical(p) draws with frequencies p', () => {
    const p = [0.1, 0.6, 0.3];
    const t = sampleTargets('softmax-ce', Array.from({ length: n }, () => p).flat(), n, 3, createRng(3));
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const row = Array.from(t.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      counts[row.indexOf(1)]++;
    }
    p.forEach((q, j) => expect(Math.abs(counts[j] / n - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / n)));
  });

  it('is a fixed function of the rng state', () => {
    const params = [0.3, 0.7, 0.2, 0.8];
    expect(sampleTargets('bce', params, 2, 2, createRng(4))).toEqual(sampleTargets('bce', params, 2, 2, createRng(4)));
    const a = Array.from(sampleTargets('mse', params, 2, 2, createRng(4)));
    const b = Array.from(sampleTargets('mse', params, 2, 2, createRng(5)));
    expect(a).not.toEqual(b);
  });
});
