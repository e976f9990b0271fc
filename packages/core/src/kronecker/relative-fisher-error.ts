import { FisherkitError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { fisherKroneckerInner } from './fisher-kronecker-inner.js';
import { fisherNormSquared } from './fisher-norm-squared.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { kroneckerSumNormSquared } from './kronecker-sum-norm-squared.js';
import { assertFisherSamples } from './validate-kronecker.js';

/**
 * Relative Frobenius error of a Kronecker-sum approximation of a Fisher block, matrix-free
 * (MATH.md §7, "Error 1"):
 *
 *     ‖F − Σ_k A_k ⊗ G_k‖_F² = ‖F‖_F² − 2 Σ_k ⟨F, A_k ⊗ G_k⟩ + Σ_{k,l} ⟨A_k, A_l⟩⟨G_k, G_l⟩
 *
 * divided by `‖F‖_F`. The expansion cancels, so errors below ~1e-8 are resolved only to round-off;
 * a squared error in `[−1e-12 ‖F‖², 0)` is round-off and reads as 0, anything more negative throws.
 *
 * @throws ShapeError / NonFiniteError for inconsistent or non-finite input.
 * @throws FisherkitError (code `degenerate`) when F = 0, where the relative error is undefined;
 *   (code `internal`) when the squared error is clearly negative (a bug, never silently clamped).
 *
 * @example
 * ```ts
 * const err = relativeFisherError(a, g, [kfacTerm]); // ‖F − A ⊗ G‖_F / ‖F‖_F
 * ```
 */
export function relativeFisherError(a: Matrix, g: Matrix, terms: KroneckerTerm[]): number {
  assertFisherSamples(a, g, 'relativeFisherError');
  const normF2 = fisherNormSquared(a, g);
  if (normF2 === 0) {
    throw new FisherkitError(
      'degenerate',
      'relativeFisherError: the Fisher block is zero (all a_i or all g_i vanish), so a relative error is undefined; skip this layer or report the absolute error',
    );
  }
  let cross = 0;
  for (const t of terms) cross += fisherKroneckerInner(a, g, t);
  let err2 = normF2 - 2 * cross + kroneckerSumNormSquared(terms);
  if (err2 < 0) {
    if (err2 < -1e-12 * normF2) {
      throw new FisherkitError(
        'internal',
        `relativeFisherError: squared error ${err2} is negative beyond round-off (‖F‖² = ${normF2}); this is a bug, please report it`,
      );
    }
    err2 = 0;
  }
  return Math.sqrt(err2 / normF2);
}
