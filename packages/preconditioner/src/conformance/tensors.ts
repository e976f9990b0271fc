import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Matrix } from '@fisherkit/core';
import type { CurvatureBlock } from '../contract.js';

/** A block that may also offer the Float64 reference path of the fisherkit Kronecker block. */
export type BlockWithExact = CurvatureBlock & { preconditionExact?: (grad: Matrix) => Matrix };

/**
 * A rows × cols Float64 matrix of independent N(0, 1) entries from a seeded generator.
 *
 * @example `const x = randomMatrix(7, 4, 3); // a [d_a, d_g] gradient`
 */
export function randomMatrix(seed: number, rows: number, cols: number): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = rng.normal();
  return { rows, cols, data };
}

/**
 * `block.precondition` on a Float64 `[d_a, d_g]` matrix: uploads it as float32, preconditions, and
 * downloads the result as Float64 (every tensor disposed).
 *
 * @example `const p = preconditionFloat32(block, grad); // ≈ (F̃ + damping)⁻¹ grad`
 */
export function preconditionFloat32(block: CurvatureBlock, grad: Matrix): Matrix {
  const input = tf.tensor2d(Float32Array.from(grad.data), [grad.rows, grad.cols]);
  try {
    const out = block.precondition(input);
    const data = Float64Array.from(out.dataSync());
    const shape = out.shape;
    out.dispose();
    if (shape[0] !== grad.rows || shape[1] !== grad.cols) {
      throw new Error(`precondition returned shape [${shape.join(', ')}], expected [${grad.rows}, ${grad.cols}]`);
    }
    return { rows: grad.rows, cols: grad.cols, data };
  } finally {
    input.dispose();
  }
}

/**
 * The most precise preconditioner application a block offers: `preconditionExact` (Float64) when
 * present, else {@link preconditionFloat32}. `exact` says which one ran (to pick tolerances).
 *
 * @example `const { result, exact } = preconditionBest(block, x);`
 */
export function preconditionBest(block: BlockWithExact, grad: Matrix): { result: Matrix; exact: boolean } {
  if (typeof block.preconditionExact === 'function') return { result: block.preconditionExact(grad), exact: true };
  return { result: preconditionFloat32(block, grad), exact: false };
}
