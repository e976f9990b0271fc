import { zeros, type Matrix } from '../matrix/matrix.js';
import { cholesky } from './cholesky.js';
import { gemmNT } from './gemm-kernel.js';
import { forwardLowerRows } from './substitution-kernels.js';

/** Row-block size of the `L⁻ᵀ L⁻¹` product. */
const NB = 64;

/**
 * Inverse of a symmetric positive definite matrix, exactly symmetric:
 * `A⁻¹ = L⁻ᵀ L⁻¹` with `A = L Lᵀ`. `Y = L⁻ᵀ` (upper triangular) is formed by blocked forward
 * substitution on the rows of the identity, touching only its non-zero part; then the lower
 * triangle of `Y Yᵀ` is formed block row by block row as matrix products over the non-zero
 * columns (`(Y Yᵀ)_ij = Σ_{k ≥ i} Y_ik Y_jk` for j ≤ i), and mirrored. All three stages run on
 * the shared register-blocked kernel (`gemm-kernel.ts`).
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
  const y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) y[i * n + i] = 1;
  forwardLowerRows(l.data, n, y, n, true); // y = L⁻ᵀ
  const out = zeros(n, n);
  const c = out.data;
  // C[I, ≤I] −= Y[I, ≥I0] Y[≤I, ≥I0]ᵀ, then negate: C = Y Yᵀ on and below the diagonal blocks.
  for (let i0 = 0; i0 < n; i0 += NB) {
    const i1 = Math.min(n, i0 + NB);
    gemmNT(i1 - i0, i1, n - i0, y, i0 * n + i0, n, y, i0, n, c, i0 * n, n);
  }
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) c[ri + j] = -c[ri + j];
    for (let j = 0; j < i; j++) c[j * n + i] = c[ri + j];
  }
  return out;
}
