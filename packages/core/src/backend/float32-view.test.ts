import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { backendFloat32View, emptyFloat32, float32View } from './float32-view.js';
import { selectBackend } from './select-backend.js';

describe.each(['wasm', 'cpu'] as const)('float32View on %s', (name) => {
  afterAll(() => tf.disposeVariables());

  it('reads the values in place and writes through to the tensor', async () => {
    await selectBackend({ backend: name });
    const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const view = float32View(t, 'write')!;
    expect(Array.from(view)).toEqual([1, 2, 3, 4, 5, 6]);
    view[4] = -7;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4, -7, 6]);
    expect(Array.from(backendFloat32View(tf.backend(), t)!)).toEqual([1, 2, 3, 4, -7, 6]); // what kernels see
    expect(backendFloat32View({}, t)).toBeNull(); // a backend it does not know
    t.dispose();
  });

  it('writes a variable in place, and refuses a write while its data is shared', async () => {
    await selectBackend({ backend: name });
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init); // shares init's data until init is disposed
    expect(float32View(v, 'write')).toBeNull();
    init.dispose();
    float32View(v, 'write')![0] = 10;
    expect(Array.from(v.dataSync())).toEqual([10, 2, 3]);
    const alias = tf.reshape(v, [3, 1]); // shares v's data
    expect(float32View(v, 'write')).toBeNull();
    expect(float32View(v, 'read')![0]).toBe(10);
    alias.dispose();
    expect(float32View(v, 'write')).not.toBeNull();
    v.dispose();
  });

  it('is null for other dtypes and throws for a disposed tensor', async () => {
    await selectBackend({ backend: name });
    const i = tf.tensor1d([1, 2], 'int32');
    expect(float32View(i, 'read')).toBeNull();
    i.dispose();
    expect(() => float32View(i, 'read')).toThrow(/disposed/);
  });
});

describe.each(['wasm', 'cpu'] as const)('emptyFloat32 on %s', (name) => {
  it('makes a writable float32 tensor of the shape, and a variable assigned it multiplies with the new values', async () => {
    await selectBackend({ backend: name });
    const w = tf.variable(tf.tidy(() => tf.ones([2, 2])));
    const x = tf.ones([1, 2]);
    const before = tf.matMul(x, w); // warms any cached packing of w
    const next = emptyFloat32([2, 2]);
    expect(next.shape).toEqual([2, 2]);
    float32View(next, 'write')!.set([1, 2, 3, 4]);
    w.assign(next);
    next.dispose();
    const after = tf.matMul(x, w);
    expect(Array.from(before.dataSync())).toEqual([2, 2]);
    expect(Array.from(after.dataSync())).toEqual([4, 6]);
    tf.dispose([w, x, before, after]);
  });
});
