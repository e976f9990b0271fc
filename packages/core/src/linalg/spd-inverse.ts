import { zeros, type Matrix } from '../matrix/matrix.js';
import { cholesky } from './cholesky.js';

/**
 * Inverse of a symmetric positive definite matrix, exactly symmetric:
 * `A⁻¹ = L⁻ᵀ L⁻¹` with `A = L Lᵀ`. `L⁻¹` is formed row by row and `L⁻ᵀ L⁻¹` is accumulated as
 * a sum of rank-one terms over the rows of `L⁻¹` (lower triangle only, then mirrored), so
 * every inner loop is contiguous.
 *
 * @throws NotPositiveDefiniteError when `A` is not positive definite (see {@link cholesky}).
 *
 * @example
 * ```ts
 * spdInverse(fromRows([[2, 0], [0, 4]])); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function spdInverse(a: Matrix): Matrix {
  const l = cholesky(a);
  const n = l.rows;
  const x = lowerInverse(l);
  const out = zeros(n, n);
  const c = out.data;
  const xd = x.data;
  // c_ij = Σ_{k ≥ i} x_ki x_kj  for j ≤ i.
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const s = xd[rk + i];
      if (s === 0) continue;
      const ci = i * n;
      for (let j = 0; j <= i; j++) c[ci + j] += s * xd[rk + j];
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) c[j * n + i] = c[i * n + j];
  return out;
}

/** `L⁻¹` of a lower-triangular `L` with non-zero diagonal: `X_i = (e_i − Σ_{k<i} L_ik X_k) / L_ii`. */
function lowerInverse(l: Matrix): Matrix {
  const n = l.rows;
  const ld = l.data;
  const x = zeros(n, n);
  const xd = x.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const s = ld[ri + k];
      if (s === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) xd[ri + j] -= s * xd[rk + j];
    }
    xd[ri + i] += 1;
    const inv = 1 / ld[ri + i];
    for (let j = 0; j <= i; j++) xd[ri + j] *= inv;
  }
  return x;
}
