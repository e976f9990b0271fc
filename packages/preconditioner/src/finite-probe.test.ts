import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@fisherkit/core';
import { finiteFromSums } from './finite-probe.js';

describe('finiteFromSums', () => {
  it('trusts finite sums, and tells an overflowing sum of finite entries from NaN and ±Infinity', async () => {
    await selectBackend({ backend: 'cpu' });
    const tensors = [
      tf.tensor1d([1, -2, 3]),
      tf.tensor1d([3e38, 3e38]), // finite entries, the sum overflows to Infinity
      tf.tensor1d([1, NaN]),
      tf.tensor1d([Infinity, 1]),
      tf.tensor1d([-Infinity, Infinity]),
    ];
    const sums = tf.tidy(() => tf.stack(tensors.map((t) => tf.sum(t))).dataSync());
    expect(Number.isFinite(sums[1])).toBe(false);
    const before = tf.memory().numTensors;
    expect(finiteFromSums(tensors, sums)).toEqual([true, true, false, false, false]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(tensors);
  });
});
