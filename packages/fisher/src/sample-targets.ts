import type { Rng } from '@fisherkit/core';
import type { LossName } from './model.js';

/**
 * Draws one target per Fisher row from the model's predictive distribution, given its parameters
 * `params` (rows × cols, row-major): bce `ŷ_ij ~ Bernoulli(p_ij)`, mse `ŷ_ij ~ N(o_ij, 1)`,
 * softmax-ce `ŷ_i ~ Categorical(p_i)` as a one-hot row. Draw order is fixed (row by row, unit by
 * unit for bce and mse, one uniform per row for softmax-ce), so the same rng state gives the same
 * targets. Returns float32 values, the precision the network computes in.
 *
 * @example
 * ```ts
 * const yHat = sampleTargets('bce', new Float32Array([0.2, 0.9]), 1, 2, createRng(1));
 * ```
 */
export function sampleTargets(loss: LossName, params: ArrayLike<number>, rows: number, cols: number, rng: Rng): Float32Array {
  const out = new Float32Array(rows * cols);
  switch (loss) {
    case 'bce':
      for (let k = 0; k < rows * cols; k++) out[k] = rng.uniform() < params[k] ? 1 : 0;
      break;
    case 'mse':
      for (let k = 0; k < rows * cols; k++) out[k] = params[k] + rng.normal();
      break;
    case 'softmax-ce':
      for (let i = 0; i < rows; i++) out[i * cols + drawCategory(params, i * cols, cols, rng.uniform())] = 1;
      break;
  }
  return out;
}

/** Inverse-CDF draw of one category from probabilities `p[offset .. offset + n)`, given a uniform `u`. */
function drawCategory(p: ArrayLike<number>, offset: number, n: number, u: number): number {
  let total = 0;
  for (let j = 0; j < n; j++) total += p[offset + j];
  const threshold = u * total; // normalise away float32 round-off in the probabilities
  let cumulative = 0;
  for (let j = 0; j < n; j++) {
    cumulative += p[offset + j];
    if (threshold < cumulative) return j;
  }
  return n - 1;
}
