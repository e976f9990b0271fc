import * as tf from '@tensorflow/tfjs-core';
import { float64ProductProvider, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, kfacStatistics } from '@fisherkit/fisher';
import { kroneckerBlock } from '@fisherkit/preconditioner';
import { syntheticLayerBatch } from '@fisherkit/preconditioner/conformance';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { installMatMul, parseMatMul } from './matmul-option.js';

describe('--matmul', () => {
  it('parses the kernel and its threads, refusing what does not fit', () => {
    expect(parseMatMul(undefined, undefined)).toEqual({ kernel: 'backend', gradientPass: 'tfjs' });
    expect(parseMatMul('onnx', '1')).toEqual({ kernel: 'onnx', threads: 1, gradientPass: 'onnx' });
    expect(parseMatMul('onnx', undefined, 'tfjs')).toEqual({ kernel: 'onnx', gradientPass: 'tfjs' });
    expect(() => parseMatMul(undefined, undefined, 'onnx')).toThrow(/--gradient-pass onnx runs on ONNX Runtime: add --matmul onnx/);
    expect(() => parseMatMul('onnx', undefined, 'xla')).toThrow(/--gradient-pass must be tfjs or onnx, got "xla"/);
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
    const installed = await installMatMul({ kernel: 'onnx', threads: 1, gradientPass: 'onnx' }, backend);
    expect(installed.info).toEqual({
      kernel: 'onnx',
      threads: 1,
      ortVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      float64Products: 'ONNX Runtime DGEMM: 1 thread(s) on the main thread, 1 in the inverse worker',
      gradientPass: 'onnx-graph (1 thread(s))',
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
    const installed = await installMatMul({ kernel: 'onnx', threads: 1, gradientPass: 'tfjs' }, backend);
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

  it('attaches the ONNX gradient pass to a model and detaches it (tfjs choice: nothing attached)', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    const model = createDenseNetwork({ sizes: [6, 5, 6], activations: ['relu', 'sigmoid'], loss: 'bce', seed: 0 });
    const tfjsOnly = await installMatMul({ kernel: 'onnx', threads: 1, gradientPass: 'tfjs' }, backend);
    tfjsOnly.attachGradientPass(model)();
    expect(model.gradientPassName).toBe('tfjs');
    tfjsOnly.uninstall();
    const installed = await installMatMul({ kernel: 'onnx', threads: 1, gradientPass: 'onnx' }, backend);
    const detach = installed.attachGradientPass(model);
    expect(model.gradientPassName).toBe('onnx-graph');
    detach();
    expect(model.gradientPassName).toBe('tfjs');
    installed.uninstall();
    model.dispose();
  });

  it('the backend kernel is a no-op choice, and onnx refuses a backend it cannot serve', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    expect((await installMatMul({ kernel: 'backend', gradientPass: 'tfjs' }, backend)).info).toEqual({ kernel: 'backend', gradientPass: 'tfjs' });
    await expect(installMatMul({ kernel: 'onnx', gradientPass: 'onnx' }, { ...backend, name: 'tensorflow' })).rejects.toThrow(/add --backend wasm/);
  });
});
