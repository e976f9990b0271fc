import { inner } from '../matrix/elementwise.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { assertKroneckerTerm, kroneckerTermSizes } from './validate-kronecker.js';

/**
 * Squared Frobenius norm of a sum of Kronecker products without forming it:
 * `‖Σ_k A_k ⊗ G_k‖_F² = Σ_{k,l} ⟨A_k, A_l⟩ ⟨G_k, G_l⟩` (using `⟨X₁ ⊗ Y₁, X₂ ⊗ Y₂⟩ = ⟨X₁, X₂⟩⟨Y₁, Y₂⟩`).
 * An empty sum has norm 0.
 *
 * @throws ShapeError when the terms disagree on d_a or d_g; NonFiniteError on NaN/±Infinity.
 *
 * @example
 * ```ts
 * kroneckerSumNormSquared([{ A, G }]); // = ‖A‖_F² ‖G‖_F²
 * ```
 */
export function kroneckerSumNormSquared(terms: KroneckerTerm[]): number {
  if (terms.length === 0) return 0;
  const { da, dg } = kroneckerTermSizes(terms[0], 'kroneckerSumNormSquared terms[0]');
  terms.forEach((t, k) => assertKroneckerTerm(t, da, dg, `kroneckerSumNormSquared terms[${k}]`));
  let total = 0;
  for (let k = 0; k < terms.length; k++) {
    total += inner(terms[k].A, terms[k].A) * inner(terms[k].G, terms[k].G);
    for (let l = k + 1; l < terms.length; l++) {
      total += 2 * inner(terms[k].A, terms[l].A) * inner(terms[k].G, terms[l].G);
    }
  }
  return total;
}
