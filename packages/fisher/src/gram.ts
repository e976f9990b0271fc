import { scaledGram, ShapeError, type Matrix } from '@fisherkit/core';

/**
 * Scaled Gram matrix `scale · XᵀX` of an m × n matrix X, exactly symmetric: core's `scaledGram`
 * (one symmetric rank-m update on the shared GEMM kernel, or on a Float64 product provider).
 *
 * @example
 * ```ts
 * const A = gram(a, 1 / a.rows); // (1/m) aᵀa
 * ```
 */
export function gram(x: Matrix, scale: number): Matrix {
  if (x.rows * x.cols !== x.data.length) throw new ShapeError(`gram: ${x.rows} × ${x.cols} matrix has ${x.data.length} entries`);
  return scaledGram(x, scale);
}
