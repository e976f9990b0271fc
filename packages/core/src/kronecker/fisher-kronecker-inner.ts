import type { Matrix } from '../matrix/matrix.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { assertFisherSamples, assertKroneckerTerm } from './validate-kronecker.js';

/**
 * Frobenius inner product of a Fisher block with one Kronecker product, matrix-free (MATH.md §3):
 * `⟨F, A ⊗ G⟩ = (1/m) Σ_i (a_iᵀ A a_i)(g_iᵀ G g_i)` (cost `m (d_a² + d_g²)`).
 *
 * @throws ShapeError when the rows of a and g differ or the term's sides are not d_a and d_g.
 * @throws NonFiniteError on NaN/±Infinity.
 *
 * @example
 * ```ts
 * fisherKroneckerInner(a, g, { A, G }); // equals inner(denseFisher(a, g), kron(A, G))
 * ```
 */
export function fisherKroneckerInner(a: Matrix, g: Matrix, term: KroneckerTerm): number {
  const { m, da, dg } = assertFisherSamples(a, g, 'fisherKroneckerInner');
  assertKroneckerTerm(term, da, dg, 'fisherKroneckerInner term');
  let s = 0;
  for (let i = 0; i < m; i++) {
    s += quadratic(a.data, i * da, da, term.A.data) * quadratic(g.data, i * dg, dg, term.G.data);
  }
  return s / m;
}

/** `zᵀ W z` for the row z starting at `offset` of `z` (W is d × d row-major). */
function quadratic(z: Float64Array, offset: number, d: number, w: Float64Array): number {
  let total = 0;
  for (let p = 0; p < d; p++) {
    const zp = z[offset + p];
    if (zp === 0) continue;
    let s = 0;
    const wp = p * d;
    for (let q = 0; q < d; q++) s += w[wp + q] * z[offset + q];
    total += zp * s;
  }
  return total;
}
