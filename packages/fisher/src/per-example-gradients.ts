import { fromData, type Matrix } from '@fisherkit/core';
import { assertLayerBatch } from './layer-batch.js';
import type { LayerBatch } from './model.js';

/**
 * Per-example weight gradients of one layer: row i is `vec(DW_i) = vec(g_i a_iᵀ) = a_i ⊗ g_i`
 * (column-major vec of the d_g × d_a gradient), so the result is m × (d_a·d_g) with entry
 * `(i, p·d_g + q) = a_ip · g_iq`.
 *
 * @example
 * ```ts
 * const V = perExampleGradients(captures[0]); // m × (d_a d_g)
 * ```
 */
export function perExampleGradients(batch: LayerBatch): Matrix {
  const m = assertLayerBatch(batch);
  const { a, g } = batch;
  const da = a.cols;
  const dg = g.cols;
  const n = da * dg;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < da; p++) {
      const ap = a.data[i * da + p];
      const base = i * n + p * dg;
      for (let q = 0; q < dg; q++) out[base + q] = ap * g.data[i * dg + q];
    }
  }
  return fromData(m, n, out);
}
