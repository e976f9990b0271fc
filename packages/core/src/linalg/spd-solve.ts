import type { Matrix } from '../matrix/matrix.js';
import { cholesky } from './cholesky.js';
import { solveLower, solveLowerTransposed } from './triangular-solve.js';

/**
 * Solves `A X = B` for a symmetric positive definite `A` by Cholesky:
 * `A = L Lᵀ`, `X = L⁻ᵀ (L⁻¹ B)`. `B` may have many columns.
 *
 * @throws NotPositiveDefiniteError when `A` is not positive definite (see {@link cholesky}).
 *
 * @example
 * ```ts
 * const x = spdSolve(fromRows([[4, 2], [2, 5]]), fromRows([[2], [1]])); // [[0.5], [0]]
 * ```
 */
export function spdSolve(a: Matrix, b: Matrix): Matrix {
  const l = cholesky(a);
  return solveLowerTransposed(l, solveLower(l, b));
}
