import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

describe('selectBackend', () => {
  const saved = process.env.FISHERKIT_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.FISHERKIT_BACKEND;
    else process.env.FISHERKIT_BACKEND = saved;
  });

  it('falls back to wasm when tfjs-node is not installed', async () => {
    delete process.env.FISHERKIT_BACKEND;
    const info = await selectBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('honours FISHERKIT_BACKEND=cpu', async () => {
    process.env.FISHERKIT_BACKEND = 'cpu';
    const info = await selectBackend();
    expect(info).toEqual({ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', transposedMatMulFix: false });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails clearly when the forced backend is not installed', async () => {
    process.env.FISHERKIT_BACKEND = 'tensorflow';
    await expect(selectBackend()).rejects.toThrow(/not available: install @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node/);
  });

  it('rejects an unknown backend name', async () => {
    await expect(selectBackend({ backend: 'webgpu' as never })).rejects.toThrow(/unknown backend "webgpu".*tensorflow, wasm, cpu/);
  });
});
