import { ShapeError, spdInverse, twoTermKroneckerInverse, type KroneckerTerm, type Matrix, type TwoTermInverseOptions } from '@fisherkit/core';
import type { Damping } from './contract.js';
import { dampedFactors } from './damping.js';

/** The Float64 factors of a damped single-term inverse: `Δ = Ā⁻¹ · DWᵀ · Ḡ⁻¹`. */
export interface SingleTermFactors {
  kind: 'single';
  aInverse: Matrix;
  gInverse: Matrix;
  /** The π the damping used. */
  pi: number;
}

/** The Float64 factors of a damped two-term inverse (MATH.md §5). */
export interface TwoTermFactors {
  kind: 'two';
  KA: Matrix;
  KG: Matrix;
  /** The d_g × d_a divisor after the rule. */
  D: Matrix;
  pi: number;
  indefiniteEntries: number;
}

/** What {@link inverseFactors} returns: plain Float64 data, so it can cross a worker boundary. */
export type InverseFactors = SingleTermFactors | TwoTermFactors;

/**
 * The Float64 part of a Kronecker block's inverse refresh, with no tfjs: damps the first term
 * (MATH.md §2) and inverts one term (`Ā⁻¹`, `Ḡ⁻¹`) or two terms (generalized eigendecompositions,
 * MATH.md §5). This is the work the inverse worker thread runs; `singleTermInverse` and
 * `twoTermInverse` upload its result. Throws the typed errors of `dampedFactors`, `spdInverse` and
 * `twoTermKroneckerInverse` (OptionError, NonFiniteError, NotPositiveDefiniteError, ShapeError).
 *
 * @example
 * ```ts
 * const f = inverseFactors([{ A, G }], { lambda: 1e-3, pi: 'tracenorm' });
 * if (f.kind === 'single') console.log(f.aInverse.rows, f.pi);
 * ```
 */
export function inverseFactors(
  terms: readonly KroneckerTerm[],
  damping: Damping,
  options: TwoTermInverseOptions = {},
): InverseFactors {
  if (terms.length !== 1 && terms.length !== 2) {
    throw new ShapeError(`a Kronecker inverse needs 1 or 2 terms, got ${terms.length}`);
  }
  const damped = dampedFactors(terms[0].A, terms[0].G, damping);
  if (terms.length === 1) {
    return { kind: 'single', aInverse: spdInverse(damped.A), gInverse: spdInverse(damped.G), pi: damped.pi };
  }
  const inv = twoTermKroneckerInverse({ A: damped.A, G: damped.G }, terms[1], options);
  return { kind: 'two', KA: inv.KA, KG: inv.KG, D: inv.D, pi: damped.pi, indefiniteEntries: inv.indefiniteEntries };
}
