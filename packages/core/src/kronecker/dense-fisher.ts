import { ShapeError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { matmulTransA } from '../matrix/multiply.js';
import { assertFisherSamples } from './validate-kronecker.js';

/** Largest side `d_a · d_g` of a Fisher block that {@link denseFisher} will form. */
export const DENSE_FISHER_MAX_SIDE = 4096;

/**
 * The dense Fisher block of one layer, for small layers and tests:
 * `F = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ) = (1/m) Zᵀ Z` with rows `z_i = a_i ⊗ g_i`,
 * size `(d_a d_g) × (d_a d_g)`. Real layers must use the matrix-free {@link rfOperator} and metrics.
 *
 * @param a m × d_a homogeneous layer inputs (one sample per row).
 * @param g m × d_g pre-activation gradients (one sample per row).
 * @throws ShapeError when the rows differ, or when `d_a · d_g > 4096` (the block would be too big).
 * @throws NonFiniteError when a or g holds NaN/±Infinity.
 *
 * @example
 * ```ts
 * const f = denseFisher(fromRows([[1, 2]]), fromRows([[3]])); // [[9, 18], [18, 36]]
 * ```
 */
export function denseFisher(a: Matrix, g: Matrix): Matrix {
  const { m, da, dg } = assertFisherSamples(a, g, 'denseFisher');
  const n = da * dg;
  if (n > DENSE_FISHER_MAX_SIDE) {
    throw new ShapeError(
      `denseFisher: the block would be ${n} × ${n} (d_a = ${da}, d_g = ${dg}), above the ${DENSE_FISHER_MAX_SIDE}² limit; ` +
        'use the matrix-free rfOperator and fisherNormSquared / fisherKroneckerInner / relativeFisherError instead',
    );
  }
  const z = zeros(m, n);
  const zd = z.data;
  const ad = a.data;
  const gd = g.data;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < da; p++) {
      const s = ad[i * da + p];
      const o = i * n + p * dg;
      for (let q = 0; q < dg; q++) zd[o + q] = s * gd[i * dg + q];
    }
  }
  const f = matmulTransA(z, z);
  const fd = f.data;
  const inv = 1 / m;
  for (let k = 0; k < fd.length; k++) fd[k] *= inv;
  return f;
}
