import { ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { transposeData, weightedGram } from './sample-products.js';

/**
 * The scaled Gram matrix of the columns of an m × n matrix,
 *
 *     scale · Xᵀ X = scale · Σ_i x_i x_iᵀ        (n × n, exactly symmetric)
 *
 * the unit-weight case of the R(F) kernels' weighted Gram matrix: one symmetric rank-m update on
 * the shared matrix-product kernel (lower triangle, then mirrored), so it runs on the WebAssembly
 * SIMD kernel or on a Float64 product provider (`useFloat64Products`). Cost `n² m / 2`
 * multiply-adds.
 *
 * @throws {ShapeError} when `x.data` does not hold `rows · cols` entries.
 * @example
 * ```ts
 * const A = scaledGram(activations, 1 / activations.rows); // (1/m) aᵀa, the KFAC factor
 * ```
 */
export function scaledGram(x: Matrix, scale: number): Matrix {
  const m = x.rows;
  const n = x.cols;
  if (m * n !== x.data.length) throw new ShapeError(`scaledGram: a ${m} × ${n} matrix needs ${m * n} entries, got ${x.data.length}`);
  return weightedGram(transposeData(x.data, m, n), m, n, new Float64Array(m).fill(1), scale);
}
