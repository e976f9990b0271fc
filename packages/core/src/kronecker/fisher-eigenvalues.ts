import { fromData, type Matrix } from '../matrix/matrix.js';
import { matmulTransB } from '../matrix/multiply.js';
import { symmetricEigen } from '../linalg/index.js';
import { assertFisherSamples } from './validate-kronecker.js';

/**
 * Eigenvalues of a Fisher block without forming it (MATH.md §3): the nonzero eigenvalues of
 * `F = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ) = Zᵀ Z / m` (rows `z_i = a_i ⊗ g_i`) are those of the
 * m × m Gram matrix `K = Z Zᵀ / m`, `K_ij = (a_iᵀa_j)(g_iᵀg_j) / m`. Returns all m eigenvalues of K,
 * sorted descending: the first `rank(F)` are F's nonzero eigenvalues, the rest are zero up to
 * round-off (possibly tiny negatives, returned as computed). F's remaining `d_a d_g − m` eigenvalues
 * (when m < d_a d_g) are exactly 0 and not listed.
 *
 * @throws ShapeError when the rows of a and g differ; NonFiniteError on NaN/±Infinity.
 *
 * @example
 * ```ts
 * const lambda = fisherEigenvalues(a, g); // lambda[0] = largest eigenvalue of F
 * ```
 */
export function fisherEigenvalues(a: Matrix, g: Matrix): Float64Array {
  const { m } = assertFisherSamples(a, g, 'fisherEigenvalues');
  const ka = matmulTransB(a, a).data;
  const kg = matmulTransB(g, g).data;
  const k = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      const v = (ka[i * m + j] * kg[i * m + j]) / m;
      k[i * m + j] = v;
      k[j * m + i] = v;
    }
  }
  const gram: Matrix = fromData(m, m, k);
  const ascending = symmetricEigen(gram).values;
  return ascending.slice().reverse();
}
