import { ShapeError, type Matrix } from '@fisherkit/core';
import { gram } from './gram.js';
import { assertLayerBatch } from './layer-batch.js';
import type { LayerBatch } from './model.js';
import { perExampleGradients } from './per-example-gradients.js';

/** Largest `d_a · d_g` for which {@link exactFisherBlock} forms the dense block. */
export const EXACT_BLOCK_MAX_SIZE = 4096;

/**
 * The exact Fisher block of one layer on its Fisher mini-batch, formed densely from per-example
 * gradients: `F = (1/m) Σ_i vec(DW_i) vec(DW_i)ᵀ = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`
 * ((d_a·d_g)², Float64, exactly symmetric). For small layers, tests and diagnostics only: throws
 * a {@link ShapeError} above `d_a · d_g = 4096`.
 *
 * @example
 * ```ts
 * const F = exactFisherBlock(captures[4]); // e.g. 31·25 = 775 → 775 × 775
 * ```
 */
export function exactFisherBlock(batch: LayerBatch): Matrix {
  const m = assertLayerBatch(batch);
  const size = batch.a.cols * batch.g.cols;
  if (size > EXACT_BLOCK_MAX_SIZE) {
    throw new ShapeError(
      `exactFisherBlock: the layer's block is (d_a·d_g)² = ${size}² (d_a = ${batch.a.cols}, d_g = ${batch.g.cols}), ` +
        `above the ${EXACT_BLOCK_MAX_SIZE}² limit for a dense block; use a smaller layer, or matrix-free products with the Kronecker factors`,
    );
  }
  return gram(perExampleGradients(batch), 1 / m);
}
