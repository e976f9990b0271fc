import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Matrix } from '@fisherkit/core';
import { createDenseNetwork, type LayerBatch, type LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from '../contract.js';

/** One layer the suite runs a plug-in on: its spec and two Fisher mini-batches of it. */
export interface ConformanceLayer {
  /** Human-readable description, used in test names. */
  name: string;
  layer: LayerSpec;
  /** The first Fisher mini-batch. */
  batch: LayerBatch;
  /** A second mini-batch of the same layer (running averages, leak and checkpoint cycles). */
  next: LayerBatch;
}

/**
 * Per-sample weights of the synthetic batches: sample i's `g_i` is multiplied by `w_i`, so sample
 * i contributes `w_i² vec(a_i a_iᵀ) vec(g_i g_iᵀ)ᵀ / m` to `R(F)`. A few heavy samples pull the
 * leading singular values of `R(F)` (and of the KFAC residual) apart, so the truncated SVDs the
 * suite compares against are well defined; the gaps are asserted in the tests.
 */
const SAMPLE_WEIGHTS = [3.2, 2.3, 1.6];

/**
 * A synthetic Fisher mini-batch of one dense layer: `a_i = [x_i; 1]` with `x_i ~ N(0, I)` (the
 * homogeneous input, last column 1) and `g_i ~ N(0, I)` scaled by {@link SAMPLE_WEIGHTS}.
 *
 * @example `const { a, g } = syntheticLayerBatch(12, 4, 3, 1); // m = 12, d_a = 4, d_g = 3`
 */
export function syntheticLayerBatch(m: number, da: number, dg: number, seed: number): LayerBatch {
  const rng = createRng(seed);
  const a = new Float64Array(m * da);
  const g = new Float64Array(m * dg);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < da - 1; p++) a[i * da + p] = rng.normal();
    a[i * da + da - 1] = 1;
    const w = SAMPLE_WEIGHTS[i] ?? 1;
    for (let q = 0; q < dg; q++) g[i * dg + q] = w * rng.normal();
  }
  return { a: matrix(m, da, a), g: matrix(m, dg, g) };
}

/**
 * The synthetic layers of the suite: `(m, d_a, d_g) = (12, 4, 3), (30, 6, 5), (7, 5, 4)` — the last
 * with fewer samples than `d_a·d_g`, so `F` is rank deficient.
 *
 * @example `for (const l of syntheticLayers()) block(l.layer).updateStatistics(l.batch, 0);`
 */
export function syntheticLayers(): ConformanceLayer[] {
  const shapes: [number, number, number, number][] = [
    [12, 4, 3, 101],
    [30, 6, 5, 202],
    [7, 5, 4, 303],
  ];
  return shapes.map(([m, da, dg, seed], index) => ({
    name: `synthetic layer m=${m}, d_a=${da}, d_g=${dg}`,
    layer: { index, name: `synthetic_${index}`, inputSize: da - 1, outputSize: dg },
    batch: syntheticLayerBatch(m, da, dg, seed),
    next: syntheticLayerBatch(m, da, dg, seed + 1),
  }));
}

/**
 * A real captured layer: the middle layer (6 → 5, so d_a = 7, d_g = 5) of an 8-6-5-8 tanh/sigmoid
 * network with binary cross-entropy, two Fisher mini-batches of 16 samples captured by
 * `computeGradients` with sampled targets from random inputs. Needs an initialised tfjs backend;
 * every tensor it creates is disposed.
 *
 * @example `const captured = capturedLayer(); // after selectBackend()`
 */
export function capturedLayer(seed = 7): ConformanceLayer {
  const net = createDenseNetwork({ sizes: [8, 6, 5, 8], activations: ['tanh', 'tanh', 'sigmoid'], loss: 'bce', seed });
  const rng = createRng(seed + 1000);
  const capture = (): LayerBatch => {
    const n = 32;
    const xs = new Float32Array(n * 8);
    for (let k = 0; k < xs.length; k++) xs[k] = rng.uniform();
    const x = tf.tensor2d(xs, [n, 8]);
    const result = net.computeGradients(x, x, { fisherBatchSize: 16, fisher: 'sampled', rng });
    tf.dispose([x, ...result.gradients]);
    if (!result.captures) throw new Error('computeGradients returned no captures');
    return result.captures[1];
  };
  const batch = capture();
  const next = capture();
  const layer = net.layers[1];
  net.dispose();
  return { name: `captured layer "${layer.name}" of an 8-6-5-8 network (m=16)`, layer: { ...layer }, batch, next };
}

function matrix(rows: number, cols: number, data: Float64Array): Matrix {
  return { rows, cols, data };
}

/**
 * Low-rank synthetic data in (0, 1) for small training tests: `x = sigmoid(gain · z Bᵀ)`,
 * `z ~ N(0, I_rank)`, B with N(0, 1) entries; row-major n × dim Float32Array.
 *
 * @example `const x = lowRankData(256, 16, 3, 1, 3) // 256 auto-encoder examples of width 16`
 */
export function lowRankData(n: number, dim: number, rank: number, seed: number, gain = 1): Float32Array {
  const rng = createRng(seed);
  const b = Array.from({ length: dim * rank }, () => rng.normal());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: rank }, () => rng.normal());
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += b[j * rank + k] * z[k];
      out[i * dim + j] = 1 / (1 + Math.exp(-gain * s));
    }
  }
  return out;
}

/**
 * The identity "approximation" (`Δ = DW`): with `klClip: null`, `naturalGradient(identityPlugin)` is
 * heavy-ball SGD with the driver's momentum and weight decay — the baseline that isolates what a
 * curvature plug-in adds.
 *
 * @example `naturalGradient(identityPlugin, { learningRate: 0.1, klClip: null })`
 */
export const identityPlugin: ApproximationPlugin = {
  id: 'identity',
  title: 'no preconditioning',
  reference: '-',
  defaults: {},
  createBlock: (layer) => ({
    layer,
    updateStatistics() {},
    updateInverse() {},
    precondition: (g) => g.clone(),
    terms: () => [],
    diagnostics: () => ({}),
    getState: () => ({}),
    setState() {},
    dispose() {},
  }),
};
