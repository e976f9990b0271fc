import { NotPositiveDefiniteError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { symmetricEigen } from './symmetric-eigen.js';

/**
 * The symmetric positive definite inverse square root `A^{-1/2} = V diag(λ^{-1/2}) Vᵀ`,
 * from `A = V diag(λ) Vᵀ` (see {@link symmetricEigen}); the result is exactly symmetric and
 * satisfies `A^{-1/2} A A^{-1/2} = I`.
 *
 * @throws ShapeError / NonFiniteError for non-square, non-symmetric or non-finite input.
 * @throws NotPositiveDefiniteError when an eigenvalue is ≤ 0 (its `pivot` is the index of the
 * eigenvalue in ascending order and `value` the eigenvalue).
 *
 * @example
 * ```ts
 * inverseSqrtSpd(fromRows([[4, 0], [0, 9]])); // [[0.5, 0], [0, 1/3]]
 * ```
 */
export function inverseSqrtSpd(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(a);
  const n = values.length;
  for (let k = 0; k < n; k++) {
    if (!(values[k] > 0)) {
      const err = new NotPositiveDefiniteError(k, values[k], 'inverseSqrtSpd input');
      err.message =
        `inverseSqrtSpd input is not positive definite: eigenvalue ${k} (ascending) is ${values[k]} (must be > 0). ` +
        'Add damping (a multiple of the identity) or check the input for rank deficiency.';
      throw err;
    }
  }
  const v = vectors.data;
  const scaled = new Float64Array(n * n); // V diag(λ^{-1/4}), so the result is S Sᵀ
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) scaled[i * n + k] = v[i * n + k] / Math.sqrt(Math.sqrt(values[k]));
  }
  const out = zeros(n, n);
  const o = out.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += scaled[ri + k] * scaled[rj + k];
      o[ri + j] = s;
      o[rj + i] = s;
    }
  }
  return out;
}
