import { transpose } from '../matrix/multiply.js';
import { assertSymmetric } from '../matrix/validate.js';
import { ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { cholesky } from './cholesky.js';
import { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
import { solveLower, solveLowerTransposed } from './triangular-solve.js';

/**
 * Generalized symmetric-definite eigenproblem `B x = s A x` (B symmetric, A symmetric positive
 * definite): returns `K` (columns = eigenvectors) and ascending `s` with
 * `Kᵀ A K = I` and `Kᵀ B K = diag(s)`.
 *
 * Method: `A = L Lᵀ`, `C = L⁻¹ B L⁻ᵀ` (symmetrised), `C = E diag(s) Eᵀ`, `K = L⁻ᵀ E`.
 *
 * @throws ShapeError when the matrices are not square, not symmetric, or differ in size.
 * @throws NonFiniteError when either holds NaN or ±Infinity.
 * @throws NotPositiveDefiniteError when `A` is not positive definite.
 *
 * @example
 * ```ts
 * const { values, vectors: k } = generalizedSymmetricEigen(a2, addIdentity(a1, damping));
 * // a2 k = (a1 + damping I) k diag(values)
 * ```
 */
export function generalizedSymmetricEigen(b: Matrix, a: Matrix): SymmetricEigen {
  assertSymmetric(b, 'generalizedSymmetricEigen: B');
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(
      `generalizedSymmetricEigen: B is ${b.rows} × ${b.cols} but A is ${a.rows} × ${a.cols}; both must be the same square size`,
    );
  }
  const l = cholesky(a);
  const y = solveLower(l, b); // L⁻¹ B
  const c = solveLower(l, transpose(y)); // L⁻¹ (L⁻¹ B)ᵀ = L⁻¹ B L⁻ᵀ
  const n = c.rows;
  const cd = c.data;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (cd[i * n + j] + cd[j * n + i]);
      cd[i * n + j] = m;
      cd[j * n + i] = m;
    }
  }
  const { values, vectors } = symmetricEigen(c);
  return { values, vectors: solveLowerTransposed(l, vectors) };
}
