import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { selectBackend } from './select-backend.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';

/** The slice by its definition, on nested index arithmetic over a flat row-major array. */
function reference(values: number[], shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1));
  const out: number[] = [];
  const walk = (d: number, offset: number): void => {
    if (d === shape.length) {
      out.push(values[offset]);
      return;
    }
    for (let i = 0; i < size[d]; i++) walk(d + 1, offset + (begin[d] + i) * strides[d]);
  };
  walk(0, 0);
  return out;
}

describe('wasm Slice kernel reading the heap in place', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
    expect(installWasmSliceFix('wasm')).toBe(true); // idempotent after selectBackend installed it
    expect(installWasmSliceFix('no-such-backend')).toBe(false);
  });

  it('matches the definition on random slices of ranks 1–5, float32, int32 and bool', () => {
    const rng = createRng(5);
    const pick = (n: number) => Math.floor(rng.uniform() * n);
    for (let trial = 0; trial < 120; trial++) {
      const rank = 1 + (trial % 5);
      const shape = Array.from({ length: rank }, () => 1 + pick(6));
      const count = shape.reduce((p, q) => p * q, 1);
      const values = Array.from({ length: count }, (_, i) => (trial % 3 === 2 ? i % 2 : i * 3 - 7));
      const begin = shape.map((n) => pick(n));
      const size = shape.map((n, d) => (pick(4) === 0 ? -1 : pick(n - begin[d] + 1)));
      const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
      const x = tf.tensor(values, shape, dtype);
      const got = tf.slice(x, begin, size);
      const extent = size.map((s, d) => (s === -1 ? shape[d] - begin[d] : s));
      expect(got.shape).toEqual(extent);
      expect(got.dtype).toBe(dtype);
      const want = reference(values, shape, begin, extent).map((v) => (dtype === 'bool' ? (v ? 1 : 0) : v));
      expect(Array.from(got.dataSync())).toEqual(want);
      tf.dispose([x, got]);
    }
  });

  it('never copies the whole input out of the heap (the original kernel calls readSync)', () => {
    const backend = tf.backend() as unknown as { readSync: (...a: unknown[]) => unknown };
    const readSync = backend.readSync;
    let reads = 0;
    backend.readSync = (...a: unknown[]) => {
      reads++;
      return readSync.apply(backend, a);
    };
    try {
      const x = tf.ones([785, 100]);
      const parts = [tf.slice(x, [0, 0], [784, -1]), tf.slice(x, [784, 0], [1, -1]), tf.slice(x, [0, 3], [10, 20])];
      expect(reads).toBe(0);
      tf.dispose([x, ...parts]);
    } finally {
      backend.readSync = readSync;
    }
  });

  it('splits a stacked [K; b] gradient as before: the kernel rows and the bias row', () => {
    const w = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    expect(tf.slice(w, [0, 0], [2, -1]).arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(tf.slice(w, [2, 0], [1, -1]).arraySync()).toEqual([[7, 8, 9]]);
    expect(tf.slice(w, [0, 1], [3, 2]).arraySync()).toEqual([[2, 3], [5, 6], [8, 9]]);
    expect(tf.slice(w, [1, 1], [0, 2]).shape).toEqual([0, 2]);
    tf.dispose(w);
  });

  it('keeps slice gradients and string slices, and leaks no tensors', () => {
    const before = tf.memory().numTensors;
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.slice(x, [1, 0], [1, 2]), 2)))(tf.tensor2d([[1, 2], [3, 4]])).arraySync());
    expect(g).toEqual([[0, 0], [2, 2]]);
    const s = tf.tensor1d(['a', 'b', 'c'], 'string');
    const t = tf.slice(s, [1], [2]);
    expect(t.arraySync()).toEqual(['b', 'c']);
    tf.dispose([s, t]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
