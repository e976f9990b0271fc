import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@fisherkit/core';
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
    expect(installed.info).toEqual({ kernel: 'onnx', threads: 1, ortVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    const after = tf.matMul(a, b).dataSync();
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(after[i] - before[i]) / (1 + Math.abs(before[i])));
    expect(worst).toBeLessThan(1e-4);
    installed.uninstall();
    expect(Array.from(tf.matMul(a, b).dataSync())).toEqual(Array.from(before));
    tf.dispose([a, b]);
  });

  it('the backend kernel is a no-op choice, and onnx refuses a backend it cannot serve', async () => {
    const backend = await selectBackend({ backend: 'wasm' });
    expect((await installMatMul({ kernel: 'backend' }, backend)).info).toEqual({ kernel: 'backend' });
    await expect(installMatMul({ kernel: 'onnx' }, { ...backend, name: 'tensorflow' })).rejects.toThrow(/add --backend wasm/);
  });
});
