import { zeros, type Matrix } from '../matrix/matrix.js';
import { assertSymmetric } from '../matrix/validate.js';
import { applyTransposedQ } from './householder-back-transform.js';
import { accumulateQ, householderTridiagonal } from './householder-tridiagonal.js';
import { DIVIDE_CONQUER_MIN_ORDER, tridiagonalDivideConquer } from './tridiagonal-divide-conquer.js';
import { tridiagonalQl } from './tridiagonal-ql.js';

/** Eigenvalues (ascending) and orthonormal eigenvectors (the columns of `vectors`). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Matrix;
}

/**
 * Eigendecomposition of a real symmetric matrix, `A = V diag(λ) Vᵀ` with `VᵀV = I` and
 * `λ₁ ≤ … ≤ λ_n`.
 *
 * Householder tridiagonalisation `Qᵀ A Q = T` (fused rank-two update and symmetric product, one
 * pass over the upper triangle per step), then:
 * - for n > {@link DIVIDE_CONQUER_MIN_ORDER}: divide and conquer on `T = Z Λ Zᵀ`
 *   (`tridiagonal-divide-conquer.ts`: deflation, secular equation, Gu–Eisenstat eigenvectors,
 *   merges as matrix products) and the back-transform `V = Q Z` with the reflectors applied in
 *   blocks (compact WY, `householder-back-transform.ts`), so almost all of the `O(n³)` work
 *   after the reduction runs on the matrix-product kernel;
 * - otherwise: blocked backward accumulation of `Q`, then implicit QL sweeps with Wilkinson
 *   shifts on `T`, whose plane rotations are recorded and applied to `V = Q Z` in batches.
 *
 * The input is symmetrised as `(A + Aᵀ)/2` before use.
 *
 * @throws ShapeError when `a` is not square or not symmetric (to a relative 1e-8).
 * @throws NonFiniteError when `a` holds NaN or ±Infinity.
 * @throws ConvergenceError if a QL sweep limit is hit (values near overflow).
 *
 * @example
 * ```ts
 * const { values, vectors } = symmetricEigen(fromRows([[2, 1], [1, 2]]));
 * // values = [1, 3]; vectors columns ∝ [1, −1]/√2 and [1, 1]/√2
 * ```
 */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  assertSymmetric(a, 'symmetricEigen input');
  const n = a.rows;
  const work = new Float64Array(n * n);
  const ad = a.data;
  // Inputs far from 1 in magnitude are scaled by an exact power of two (undone on the values),
  // so the reduction neither underflows nor overflows.
  const [s1, s2] = powerOfTwoScale(ad);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) work[i * n + j] = 0.5 * (ad[i * n + j] + ad[j * n + i]) * s1 * s2;
  }
  const result = eigenOfSymmetricUpper(work, n);
  if (s1 !== 1) for (let i = 0; i < n; i++) result.values[i] = result.values[i] / s1 / s2;
  return result;
}

/**
 * `2^-round(log2 max|x|)` as two factors (one power of two alone overflows for subnormal inputs)
 * when max|x| lies outside [2⁻⁶⁴, 2⁶⁴]; [1, 1] otherwise and for a zero matrix.
 */
function powerOfTwoScale(x: Float64Array): [number, number] {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]));
  if (max === 0 || (max >= 2 ** -64 && max <= 2 ** 64)) return [1, 1];
  const k = -Math.round(Math.log2(max));
  return [2 ** Math.ceil(k / 2), 2 ** Math.floor(k / 2)];
}

function eigenOfSymmetricUpper(work: Float64Array, n: number): SymmetricEigen {
  const t = householderTridiagonal(work, n);
  if (n <= DIVIDE_CONQUER_MIN_ORDER) {
    const q = accumulateQ(t);
    tridiagonalQl(t.d, t.e, q, n);
    return sortedPairs(t.d, q, n);
  }
  // T = Z Λ Zᵀ (ascending), then Vᵀ = Zᵀ Qᵀ with the reflectors applied in blocks.
  const z = tridiagonalDivideConquer(t.d, t.e, n);
  transposeInPlace(z, n);
  applyTransposedQ(t, z, n);
  transposeInPlace(z, n);
  return { values: t.d, vectors: { rows: n, cols: n, data: z } };
}

function transposeInPlace(x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = x[i * n + j];
      x[i * n + j] = x[j * n + i];
      x[j * n + i] = v;
    }
  }
}

/** Sorts eigenpairs ascending, permuting the columns of `v` alike. */
function sortedPairs(d: Float64Array, v: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const values = new Float64Array(n);
  const vectors = zeros(n, n);
  const out = vectors.data;
  for (let c = 0; c < n; c++) values[c] = d[order[c]];
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let c = 0; c < n; c++) out[ri + c] = v[ri + order[c]];
  }
  return { values, vectors };
}
