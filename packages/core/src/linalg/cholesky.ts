import { NotPositiveDefiniteError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { assertFinite, assertSymmetric } from '../matrix/validate.js';

/**
 * Cholesky factor of a symmetric positive definite matrix: the lower-triangular `L` with
 * positive diagonal such that `A = L Lᵀ`.
 *
 * Row-by-row (Cholesky–Banachiewicz) order, so every inner loop is a dot product of two
 * contiguous rows of `L`:
 * `L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj`, `L_ii = sqrt(A_ii − Σ_{k<i} L_ik²)`.
 *
 * @throws ShapeError when `a` is not square or not symmetric.
 * @throws NonFiniteError when `a` holds NaN or ±Infinity.
 * @throws NotPositiveDefiniteError naming the first pivot `A_ii − Σ L_ik²` that is ≤ 0.
 *
 * @example
 * ```ts
 * const l = cholesky(fromRows([[4, 2], [2, 5]])); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(a: Matrix): Matrix {
  assertSymmetric(a, 'cholesky input');
  assertFinite(a, 'cholesky input');
  const n = a.rows;
  const l = zeros(n, n);
  const ad = a.data;
  const ld = l.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      ld[ri + j] = (ad[ri + j] - rowDot(ld, ri, rj, j)) / ld[rj + j];
    }
    const pivot = ad[ri + i] - rowDot(ld, ri, ri, i);
    if (!(pivot > 0)) throw new NotPositiveDefiniteError(i, pivot, 'cholesky input');
    ld[ri + i] = Math.sqrt(pivot);
  }
  return l;
}

/** `Σ_{k<len} d[p + k] · d[q + k]` with four independent accumulators (faster in V8). */
function rowDot(d: Float64Array, p: number, q: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += d[p + k] * d[q + k];
    s1 += d[p + k + 1] * d[q + k + 1];
    s2 += d[p + k + 2] * d[q + k + 2];
    s3 += d[p + k + 3] * d[q + k + 3];
  }
  for (; k < len; k++) s0 += d[p + k] * d[q + k];
  return s0 + s1 + (s2 + s3);
}
