import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { installTransposedMatMulFix } from './wasm-transpose-fix.js';
import { selectBackend } from './select-backend.js';

function reference(a: number[][], b: number[][], ta: boolean, tb: boolean): number[][] {
  const A = ta ? a[0].map((_, j) => a.map((r) => r[j])) : a;
  const B = tb ? b[0].map((_, j) => b.map((r) => r[j])) : b;
  return A.map((row) => B[0].map((_, j) => row.reduce((s, v, k) => s + v * B[k][j], 0)));
}

describe('transposed matMul fix on wasm', () => {
  beforeAll(async () => {
    const info = await selectBackend({ backend: 'wasm' });
    expect(info.transposedMatMulFix).toBe(true);
  });

  it('keeps the values of every transpose combination, batched too', () => {
    const a = [[1, 2, 3], [4, 5, 6]];
    const b = [[7, 8, 9], [1, -2, 3]];
    const bt = [[7, 1], [8, -2], [9, 3]];
    const cases: [number[][], number[][], boolean, boolean][] = [
      [a, bt, false, false],
      [a, b, false, true],
      [b, b, true, false],
      [bt, a, true, true],
    ];
    for (const [x, y, ta, tb] of cases) {
      const out = tf.matMul(tf.tensor2d(x), tf.tensor2d(y), ta, tb).arraySync();
      expect(out).toEqual(reference(x, y, ta, tb));
    }
    const batched = tf.matMul(tf.tensor3d([a, a]), tf.tensor3d([b, b]), false, true).arraySync();
    expect(batched).toEqual([reference(a, b, false, true), reference(a, b, false, true)]);
  });

  it('gives the same gradients as the unpatched cpu backend and leaks no tensors', async () => {
    const x = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
    const w = [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]];
    const grads = () =>
      tf.tidy(() => {
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww))));
        return g([tf.tensor2d(x), tf.tensor2d(w)]).map((t) => t.arraySync() as number[][]);
      });
    const before = tf.memory().numTensors;
    const onWasm = grads();
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const onCpu = grads();
    await tf.setBackend('wasm');
    for (let k = 0; k < 2; k++) {
      onWasm[k].flat().forEach((v, i) => expect(v).toBeCloseTo(onCpu[k].flat()[i], 5));
    }
  });

  it('is idempotent and reports unknown backends', () => {
    expect(installTransposedMatMulFix('wasm')).toBe(true);
    expect(installTransposedMatMulFix('no-such-backend')).toBe(false);
  });
});
