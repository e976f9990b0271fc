import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { createRng, FisherkitError, OptionError, selectBackend, ShapeError } from '@fisherkit/core';
import { computeDenseGradients, createDenseNetwork, type Activation, type LossName } from '@fisherkit/fisher';
import { createOnnxGradientPass } from './onnx-gradient-pass.js';

type Case = { loss: LossName; sizes: number[]; activations: Activation[] };

const CASES: Case[] = [
  { loss: 'bce', sizes: [9, 12, 4, 12, 9], activations: ['relu', 'linear', 'relu', 'sigmoid'] },
  { loss: 'bce', sizes: [9, 7, 9], activations: ['sigmoid', 'sigmoid'] },
  { loss: 'mse', sizes: [6, 10, 8, 5], activations: ['tanh', 'relu', 'linear'] },
  { loss: 'softmax-ce', sizes: [5, 11, 4], activations: ['sigmoid', 'linear'] },
];

/** A batch whose targets suit the loss: bits (bce), reals (mse), rows of a distribution (softmax-ce). */
function batchFor(c: Case, rows: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = createRng(seed);
  const [inputs, outputs] = [c.sizes[0], c.sizes[c.sizes.length - 1]];
  const x = Float32Array.from({ length: rows * inputs }, () => rng.normal());
  let y = Float32Array.from({ length: rows * outputs }, () => (c.loss === 'mse' ? rng.normal() : rng.uniform() < 0.4 ? 1 : 0));
  if (c.loss === 'softmax-ce') {
    y = Float32Array.from({ length: rows * outputs }, () => rng.uniform());
    for (let r = 0; r < rows; r++) {
      const row = y.subarray(r * outputs, (r + 1) * outputs);
      const total = row.reduce((s, v) => s + v, 0);
      row.forEach((v, j) => (row[j] = v / total));
    }
  }
  return { x: tf.tensor2d(x, [rows, inputs]), y: tf.tensor2d(y, [rows, outputs]) };
}

/** max |a − b| / max |b|: a missing factor or a flipped sign makes this O(1). */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

describe.each(['wasm', 'cpu'] as const)('createOnnxGradientPass on %s', (backendName) => {
  it.each(CASES)('matches the tfjs pass: $loss over $sizes with $activations', async (c) => {
    await selectBackend({ backend: backendName });
    const net = createDenseNetwork({ ...c, seed: 3, biasInit: 0.1 });
    const pass = createOnnxGradientPass(net.denseLayers, net.loss, { threads: 2, backendName });
    // One session serves every batch size (B is symbolic): a full batch, then a short last one.
    for (const rows of [13, 5]) {
      const { x, y } = batchFor(c, rows, 5 + rows);
      const reference = computeDenseGradients(net.denseLayers, net.loss, x, y);
      const native = pass.run(net.denseLayers, x, y);
      expect(Math.abs(native.loss - reference.loss) / Math.abs(reference.loss)).toBeLessThan(1e-5);
      native.gradients.forEach((g, l) => {
        expect(g.shape).toEqual([c.sizes[l] + 1, c.sizes[l + 1]]);
        expect(relativeError(g.dataSync() as Float32Array, reference.gradients[l].dataSync() as Float32Array)).toBeLessThan(2e-5);
      });
      tf.dispose([x, y, ...reference.gradients, ...native.gradients]);
    }
    pass.dispose();
    net.dispose();
  });
});

describe('DenseStackModel.setGradientPass with the ONNX pass', () => {
  const c = CASES[0];

  it('runs plain passes natively, keeps capture passes on tfjs, and leaks no tensors over many steps', async () => {
    await selectBackend({ backend: 'wasm' });
    const net = createDenseNetwork({ ...c, seed: 1 });
    const pass = createOnnxGradientPass(net.denseLayers, net.loss, { threads: 1 });
    net.setGradientPass(pass);
    expect(net.gradientPassName).toBe('onnx-graph');
    const { x, y } = batchFor(c, 16, 2);
    const before = tf.memory();
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const r = net.computeGradients(x, y);
      losses.push(r.loss);
      const deltas = r.gradients.map((g) => tf.mul(g, -0.5) as tf.Tensor2D);
      net.applyDeltas(deltas);
      tf.dispose([...deltas, ...r.gradients]);
    }
    expect(losses[39]).toBeLessThan(0.9 * losses[0]);
    expect(pass.runs).toBe(40);
    const captured = net.computeGradients(x, y, { fisherBatchSize: 4, fisher: 'sampled', rng: createRng(9) });
    expect(pass.runs).toBe(40);
    expect(captured.captures).toHaveLength(c.sizes.length - 1);
    tf.dispose(captured.gradients);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    net.setGradientPass(null);
    expect(net.gradientPassName).toBe('tfjs');
    pass.dispose();
    tf.dispose([x, y]);
    net.dispose();
  });

  it('rejects a pass built for another model, a disposed pass, a wrong backend and bad options', async () => {
    await selectBackend({ backend: 'wasm' });
    const net = createDenseNetwork({ ...c, seed: 1 });
    const other = createDenseNetwork({ loss: 'bce', sizes: [9, 5, 9], activations: ['relu', 'sigmoid'], seed: 1 });
    const pass = createOnnxGradientPass(other.denseLayers, other.loss, { threads: 1 });
    expect(() => net.setGradientPass(pass)).toThrow(ShapeError);
    expect(() => net.setGradientPass(pass)).toThrow(/built for widths \[9, 5, 9\].*createOnnxGradientPass\(model.denseLayers, model.loss\)/);
    const { x, y } = batchFor(c, 4, 1);
    const own = createOnnxGradientPass(net.denseLayers, net.loss, { threads: 1 });
    net.setGradientPass(own);
    expect(() => net.computeGradients(x, tf.zeros([4, 3]) as tf.Tensor2D)).toThrow(ShapeError);
    own.dispose();
    expect(() => net.computeGradients(x, y)).toThrow(FisherkitError);
    expect(() => net.computeGradients(x, y)).toThrow(/disposed.*setGradientPass\(null\)/);
    net.setGradientPass(null);
    const cpuPass = createOnnxGradientPass(net.denseLayers, net.loss, { threads: 1, backendName: 'cpu' });
    expect(() => cpuPass.run(net.denseLayers, x, y)).toThrow(/active backend is wasm.*backendName: 'wasm'/);
    cpuPass.dispose();
    expect(() => createOnnxGradientPass(net.denseLayers, net.loss, { thread: 2 } as never)).toThrow(OptionError);
    expect(() => createOnnxGradientPass(net.denseLayers, net.loss, { threads: 0 })).toThrow(/threads must be a positive integer/);
    expect(() => createOnnxGradientPass(net.denseLayers, net.loss, { backendName: 'webgl' as never })).toThrow(/wasm' or 'cpu'/);
    expect(() => createOnnxGradientPass([], net.loss)).toThrow(/layers is empty/);
    expect(() => createOnnxGradientPass([net.denseLayers[0], net.denseLayers[2]], net.loss)).toThrow(/layer 1 .* takes 4 inputs but layer 0 has 12 outputs/);
    pass.dispose();
    tf.dispose([x, y]);
    net.dispose();
    other.dispose();
  });
});
