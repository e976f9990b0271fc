import { OptionError, ShapeError } from '../errors.js';
import { generalizedSymmetricEigen } from '../linalg/index.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { matmul, matmulTransA, matmulTransB } from '../matrix/multiply.js';
import type { KroneckerTerm } from './kronecker-term.js';

/**
 * How the diagonal `D_ij = 1 + s_G,i s_A,j` of a two-term inverse is made safe:
 * - `abs`: `D_ij = 1 + |s_G,i| |s_A,j|` (always ≥ 1, so the preconditioner is positive definite;
 *   the rule of the paper's authors, the default);
 * - `exact`: `D_ij = max(1 + s_G,i s_A,j, floor)` (the exact inverse wherever the approximation is
 *   positive definite, the floor elsewhere).
 */
export type TwoTermRule = 'abs' | 'exact';

/** Options of {@link twoTermKroneckerInverse}. */
export interface TwoTermInverseOptions {
  rule?: TwoTermRule;
  /** Positive floor of the `exact` rule (default 1e-3). */
  floor?: number;
}

/**
 * The factored inverse of `M = Ā ⊗ Ḡ + A₂ ⊗ G₂` (MATH.md §5): with the generalized eigenproblems
 * `A₂ K_A = Ā K_A diag(s_A)`, `K_Aᵀ Ā K_A = I` (and likewise for G),
 * `M⁻¹ vec(V) = vec( K_G [ (K_Gᵀ V K_A) ⊘ D ] K_Aᵀ )` with `D_ij = 1 + s_G,i s_A,j` (made safe by the rule).
 */
export interface TwoTermInverse {
  KA: Matrix;
  sA: Float64Array;
  KG: Matrix;
  sG: Float64Array;
  /** d_g × d_a divisor after the rule. */
  D: Matrix;
  /** Entries where `1 + s_G,i s_A,j ≤ 0`, i.e. where the approximation is indefinite. */
  indefiniteEntries: number;
}

/**
 * Factors the inverse of a damped sum of two Kronecker products `Ā ⊗ Ḡ + A₂ ⊗ G₂`, where the first
 * term is already damped (Ā, Ḡ symmetric positive definite) and the second is symmetric, possibly
 * indefinite. Used by Deflation, Lanczos and KFAC-corrected.
 *
 * Formula: `M = (K_A ⊗ K_G)⁻ᵀ [I + diag(s_A) ⊗ diag(s_G)] (K_A ⊗ K_G)⁻¹`.
 *
 * @example
 * ```ts
 * const inv = twoTermKroneckerInverse({ A: aBar, G: gBar }, { A: r2, G: s2 });
 * const delta = applyTwoTermKroneckerInverse(inv, dw); // ≈ M⁻¹ vec(DW), DW is d_g × d_a
 * ```
 */
export function twoTermKroneckerInverse(
  first: KroneckerTerm,
  second: KroneckerTerm,
  options: TwoTermInverseOptions = {},
): TwoTermInverse {
  const rule = options.rule ?? 'abs';
  const floor = options.floor ?? 1e-3;
  if (rule !== 'abs' && rule !== 'exact') {
    throw new OptionError(`unknown inverse rule "${String(rule)}"; use "abs" or "exact"`);
  }
  if (!(floor > 0) || !Number.isFinite(floor)) {
    throw new OptionError(`the floor of the exact inverse rule must be a positive number, got ${floor}`);
  }
  if (first.A.rows !== second.A.rows || first.G.rows !== second.G.rows) {
    throw new ShapeError(
      `the two Kronecker terms differ in size: ${first.A.rows}/${first.G.rows} vs ${second.A.rows}/${second.G.rows}`,
    );
  }
  const a = generalizedSymmetricEigen(second.A, first.A);
  const g = generalizedSymmetricEigen(second.G, first.G);
  const dg = g.values.length;
  const da = a.values.length;
  const D = zeros(dg, da);
  let indefiniteEntries = 0;
  for (let i = 0; i < dg; i++) {
    for (let j = 0; j < da; j++) {
      const exact = 1 + g.values[i] * a.values[j];
      if (exact <= 0) indefiniteEntries++;
      D.data[i * da + j] =
        rule === 'abs' ? 1 + Math.abs(g.values[i]) * Math.abs(a.values[j]) : Math.max(exact, floor);
    }
  }
  return { KA: a.vectors, sA: a.values, KG: g.vectors, sG: g.values, D, indefiniteEntries };
}

/**
 * Applies a {@link TwoTermInverse} to a d_g × d_a matrix in Float64 (the exact reference; the
 * training path applies the same factors with tfjs matMuls):
 * `Δ = K_G [ (K_Gᵀ V K_A) ⊘ D ] K_Aᵀ`.
 *
 * @example `applyTwoTermKroneckerInverse(twoTermKroneckerInverse(first, second), dw)`
 */
export function applyTwoTermKroneckerInverse(inv: TwoTermInverse, v: Matrix): Matrix {
  if (v.rows !== inv.KG.rows || v.cols !== inv.KA.rows) {
    throw new ShapeError(`the gradient must be ${inv.KG.rows} × ${inv.KA.rows} (d_g × d_a), got ${v.rows} × ${v.cols}`);
  }
  const inner = matmul(matmulTransA(inv.KG, v), inv.KA);
  for (let k = 0; k < inner.data.length; k++) inner.data[k] /= inv.D.data[k];
  return matmulTransB(matmul(inv.KG, inner), inv.KA);
}
