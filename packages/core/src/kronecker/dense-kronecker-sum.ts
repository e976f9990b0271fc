import { ShapeError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { kron } from './kron.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { assertKroneckerTerm, kroneckerTermSizes } from './validate-kronecker.js';

/**
 * The dense matrix `F̃ = Σ_k A_k ⊗ G_k` of a Kronecker-sum approximation, size `(d_a d_g)²`.
 * For tests and small layers only.
 *
 * @throws ShapeError when `terms` is empty or the terms disagree on d_a or d_g.
 *
 * @example
 * ```ts
 * const approx = denseKroneckerSum([{ A, G }, { A: A2, G: G2 }]); // A ⊗ G + A2 ⊗ G2
 * ```
 */
export function denseKroneckerSum(terms: KroneckerTerm[]): Matrix {
  if (!Array.isArray(terms) || terms.length === 0) {
    throw new ShapeError('denseKroneckerSum needs at least one Kronecker term { A, G }');
  }
  const { da, dg } = kroneckerTermSizes(terms[0], 'denseKroneckerSum terms[0]');
  const n = da * dg;
  const out = zeros(n, n);
  for (let t = 0; t < terms.length; t++) {
    assertKroneckerTerm(terms[t], da, dg, `denseKroneckerSum terms[${t}]`);
    const k = kron(terms[t].A, terms[t].G).data;
    for (let e = 0; e < k.length; e++) out.data[e] += k[e];
  }
  return out;
}
