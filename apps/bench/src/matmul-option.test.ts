import * as tf from '@tensorflow/tfjs-core';
import { float64ProductProvider, selectBackend } from '@fisherkit/core';
import { kfacStatistics } from '@fisherkit/fisher';
import { kroneckerBlock } from '@fisherkit/preconditioner';
import { syntheticLayerBatch } from '@fisherkit/preconditioner/conformance';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { installMatMul, parseMatMul } from './matmul-option.js';

describe('--matmul', () => {
  it('parses the kernel and its threads, refusing what does not fit', () => {
    expect(parseMatMul(undefined, undefined)).toEqual({ kernel: 'backend' });
    expect(parseMatMul('onnx', '1')).toEqual({ kernel: 'onnx', threads: 1 });
    expect(() => parseMatMul('blas', undefined)).toThrow(/--matmul must be backend or onnx, got "blas"/);
    expect(() => parseMatMul(undefined, '2')).toThrow(/--matmul-threads applies to --matmul onnx only/);
    expect(() => parseMatMul('onnx', '0')).toThrow(CliError);
    expect(() => parseMatMul('onnx', '1.5')).toThrow(/--matmul-threads/);
  });

  it('onnx replaces the float32 matMul, gives the same products, records itself and uninstalls', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    const a = tf.randomNormal([256, 300], 0, 1, 'float32', 1);
    const b = tf.randomNormal([300, 200], 0, 1, 'float32', 2);
    const before = tf.matMul(a, b, false, false).dataSync().slice();
    const installed = await installMatMul({ kernel: 'onnx', threads: 1 }, backend);
    expect(installed.info).toEqual({
      kernel: 'onnx',
      threads: 1,
      ortVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      float64Products: 'ONNX Runtime DGEMM: 1 thread(s) on the main thread, 1 in the inverse worker',
    });
    expect(float64ProductProvider()?.name).toMatch(/DGEMM, 1 thread$/);
    const after = tf.matMul(a, b).dataSync();
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(after[i] - before[i]) / (1 + Math.abs(before[i])));
    expect(worst).toBeLessThan(1e-4);
    installed.uninstall();
    expect(Array.from(tf.matMul(a, b).dataSync())).toEqual(Array.from(before));
    expect(float64ProductProvider()).toBeUndefined();
    tf.dispose([a, b]);
  });

  it('onnx also sets up the inverse worker thread (its preload loads matmul-onnx there)', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    const installed = await installMatMul({ kernel: 'onnx', threads: 1 }, backend);
    try {
      const layer = { index: 0, name: 'dense', inputSize: 5, outputSize: 4 };
      const block = kroneckerBlock(layer, 'test', (batch) => ({ terms: [kfacStatistics(batch)] }), { inverseWorker: true });
      block.updateStatistics(syntheticLayerBatch(30, 6, 4, 11), 0);
      block.updateInverse({ lambda: 1e-2, pi: 'tracenorm' });
      block.updateStatistics(syntheticLayerBatch(30, 6, 4, 12), 0.5);
      block.updateInverse({ lambda: 1e-2, pi: 'tracenorm' });
      block.getState();
      expect(block.diagnostics()).toMatchObject({ inverseWorkerInstalls: 1, inverseWorkerFallbacks: 0, inverseWorkerErrors: 0 });
      block.dispose();
    } finally {
      installed.uninstall();
    }
  });

  it('the backend kernel is a no-op choice, and onnx refuses a backend it cannot serve', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    expect((await installMatMul({ kernel: 'backend' }, backend)).info).toEqual({ kernel: 'backend' });
    await expect(installMatMul({ kernel: 'onnx' }, { ...backend, name: 'tensorflow' })).rejects.toThrow(/add --backend wasm/);
  });
});
