import type { Matrix } from '../matrix/matrix.js';
import { matmulTransB } from '../matrix/multiply.js';
import { samplePairCache } from './sample-pair-cache.js';
import { assertFisherSamples } from './validate-kronecker.js';

/**
 * Squared Frobenius norm of a Fisher block without forming it (MATH.md §3):
 * `‖F‖_F² = (1/m²) Σ_{i,j} (a_iᵀa_j)² (g_iᵀg_j)²`, from the Gram matrices `a aᵀ` and `g gᵀ`
 * (cost `m² (d_a + d_g)`).
 *
 * @throws ShapeError when a and g have different row counts; NonFiniteError on NaN/±Infinity.
 *
 * @example
 * ```ts
 * const normF = Math.sqrt(fisherNormSquared(a, g)); // equals frobeniusNorm(denseFisher(a, g))
 * ```
 */
export function fisherNormSquared(a: Matrix, g: Matrix): number {
  const { m } = assertFisherSamples(a, g, 'fisherNormSquared');
  return cachedNormSquared(a, g, () => normSquared(a, g, m));
}

const cachedNormSquared = samplePairCache<number>();

function normSquared(a: Matrix, g: Matrix, m: number): number {
  const ka = matmulTransB(a, a).data;
  const kg = matmulTransB(g, g).data;
  let diagonal = 0;
  let offDiagonal = 0;
  for (let i = 0; i < m; i++) {
    const ii = i * m + i;
    const d = ka[ii] * kg[ii];
    diagonal += d * d;
    for (let j = i + 1; j < m; j++) {
      const e = ka[i * m + j] * kg[i * m + j];
      offDiagonal += e * e;
    }
  }
  return (diagonal + 2 * offDiagonal) / (m * m);
}
