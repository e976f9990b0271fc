import type { Matrix } from '@fisherkit/core';
import { gram } from './gram.js';
import { assertLayerBatch } from './layer-batch.js';
import type { LayerBatch } from './model.js';

/** The two KFAC factors of one layer. */
export interface KfacFactors {
  /** Input-side factor `A = (1/m) Σ_i a_i a_iᵀ` (d_a × d_a). */
  A: Matrix;
  /** Output-gradient-side factor `G = (1/m) Σ_i g_i g_iᵀ` (d_g × d_g). */
  G: Matrix;
}

/**
 * KFAC statistics of one layer's Fisher mini-batch: `A = (1/m) aᵀa`, `G = (1/m) gᵀg`
 * (Float64, exactly symmetric), so that `F ≈ A ⊗ G`.
 *
 * @example
 * ```ts
 * const r = model.computeGradients(x, y, { fisherBatchSize: 128, fisher: 'sampled', rng });
 * const { A, G } = kfacStatistics(r.captures![4]);
 * ```
 */
export function kfacStatistics(batch: LayerBatch): KfacFactors {
  const m = assertLayerBatch(batch);
  return { A: gram(batch.a, 1 / m), G: gram(batch.g, 1 / m) };
}
