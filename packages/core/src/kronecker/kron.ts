import { zeros, type Matrix } from '../matrix/matrix.js';
import { assertFinite } from '../matrix/validate.js';

/**
 * Dense Kronecker product `X ⊗ Y` of a p × q matrix X and an r × s matrix Y: the pr × qs matrix
 * whose (i, j) block of size r × s is `X_ij · Y`, i.e. `(X ⊗ Y)[i·r + k, j·s + l] = X_ij Y_kl`.
 * For tests and small references only: it has pq·rs entries. A NaN/±Infinity entry of X or Y is
 * a NonFiniteError (it would spread over whole blocks of the product).
 *
 * @example
 * ```ts
 * kron(identity(2), fromRows([[1, 2], [3, 4]]));
 * // [[1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 1, 2], [0, 0, 3, 4]]
 * ```
 */
export function kron(x: Matrix, y: Matrix): Matrix {
  assertFinite(x, 'kron: X');
  assertFinite(y, 'kron: Y');
  const p = x.rows;
  const q = x.cols;
  const r = y.rows;
  const s = y.cols;
  const out = zeros(p * r, q * s);
  const od = out.data;
  const xd = x.data;
  const yd = y.data;
  const width = q * s;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < q; j++) {
      const xij = xd[i * q + j];
      if (xij === 0) continue;
      for (let k = 0; k < r; k++) {
        const o = (i * r + k) * width + j * s;
        const yk = k * s;
        for (let l = 0; l < s; l++) od[o + l] = xij * yd[yk + l];
      }
    }
  }
  return out;
}
