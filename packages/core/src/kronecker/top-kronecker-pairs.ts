import { OptionError, ShapeError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { restartedLanczos } from './golub-kahan-lanczos.js';
import { operatorView, type FactorCoordinates, type LinearMap } from './linear-map.js';
import { orientKroneckerTerm } from './orient-kronecker-term.js';
import { defaultStartVector, symmetricRandom } from './start-vector.js';
import { axpy, norm2, normalizeInPlace } from './vector-ops.js';
import { assertOperator, integerOption, positiveOption, warmStartData } from './iteration-options.js';
import { createRng } from '../random/rng.js';
import { assertKroneckerTerm } from './validate-kronecker.js';

/** Options of {@link topKroneckerPairs}. */
export interface TopPairsOptions {
  /** Relative tolerance: converged when `‖R v_j − σ_j u_j‖` and `‖Rᵀu_j − σ_j v_j‖ ≤ tol·σ₁` for all j ≤ k (default 1e-8). */
  tol?: number;
  /** Krylov (bidiagonalisation) size p ≥ k + 1 (default `min(max(2k + 8, 20), min(d_a², d_g²))`). */
  krylovSize?: number;
  /** Maximum number of thick restarts (default 50). */
  maxRestarts?: number;
  /** d_g × d_g start for the right vectors, e.g. the previous leading G. */
  warmStart?: Matrix;
  /** Previous estimates of the pairs: `references[j]` fixes the sign of pair j (`⟨A_j, ref.A⟩ ≥ 0`). */
  references?: KroneckerTerm[];
}

/** Result of {@link topKroneckerPairs}. */
export interface TopPairsResult {
  /** `A_j = √σ_j X_j`, `G_j = √σ_j Y_j`, symmetrised and sign-fixed, by descending σ_j. */
  terms: KroneckerTerm[];
  /** The k largest singular values σ₁ ≥ … ≥ σ_k of the operator. */
  sigmas: number[];
  /** Lanczos steps used in all (one step = one `times` and one `transposeTimes`). */
  iterations: number;
  /** Thick restarts performed. */
  restarts: number;
  /** Whether every pair met the tolerance (false: stopped after `maxRestarts`). */
  converged: boolean;
  /** Per pair, `max(‖R v_j − σ_j u_j‖, ‖Rᵀu_j − σ_j v_j‖) / σ₁`, measured with fresh products. */
  residuals: number[];
}

const RANDOM_SEED = 0x4c616e63; // "Lanc"

/**
 * The k leading singular triplets of a Kronecker operator — the best rank-k KPSVD
 * `F ≈ Σ_{j≤k} A_j ⊗ G_j` for `R = rfOperator(a, g)` (MATH.md §3, §4.3) — by thick-restarted
 * Golub–Kahan–Lanczos bidiagonalisation with full reorthogonalisation:
 * `R V_p = U_p B_p`, `Rᵀ U_p = V_p B_pᵀ + β_p v_{p+1} e_pᵀ`; the small `B_p = P Σ Qᵀ` is
 * decomposed by one-sided Jacobi; Ritz pairs `(U_p P_j, σ_j, V_p Q_j)` have residual `|β_p P_{p,j}|`.
 * While some `j ≤ k` exceeds `tol·σ₁`, restart from the best `k + ⌊(p − k)/2⌋` Ritz vectors plus
 * `v_{p+1}` (so the Krylov space keeps growing, unlike a fixed size-2 process). Convergence is
 * confirmed with fresh products of both `times` and `transposeTimes` before it is reported.
 * The iteration runs on the side of the smaller dimension, so when `p = min(d_a², d_g²)` one pass is
 * exact. Breakdowns (rank-deficient operators) continue with seeded random orthogonal vectors;
 * singular values beyond the rank come out ≈ 0 with zero-scale factors.
 *
 * Each factor is symmetrised `(X + Xᵀ)/2` and the joint sign fixed (see {@link orientKroneckerTerm}):
 * pair j follows `references[j]` when given; otherwise pair 1 has `tr(A₁) > 0` and later pairs have
 * their largest-|entry| of A positive. Exactly repeated singular values are found only as far as
 * rounding separates them (a Krylov method sees one vector per distinct value from one start).
 *
 * When the operator has a {@link KroneckerOperator.compressed} form the same bidiagonalisation runs
 * on its m-dimensional isometric coordinates (Krylov size at most m there; a start enters as its
 * projection onto the operator's spans, whose complement the operator annihilates) and only the
 * final Ritz vectors are lifted. Singular values, residuals (the same quantities) and factors agree
 * with the explicit path to rounding; the Krylov spaces on the output side coincide, and on the input
 * side they lack the start's annihilated component, so restarts are never more frequent. Pairs
 * beyond m (a block of rank ≤ m) come out with σ = 0 and zero factors.
 *
 * @throws OptionError when k is not an integer in [1, min(d_a², d_g²)], krylovSize < k + 1,
 *   tol ≤ 0 or maxRestarts < 0.
 * @throws ShapeError when warmStart or a reference has the wrong shape.
 * @throws NonFiniteError when an operator product is not finite.
 *
 * @example
 * ```ts
 * const { terms, sigmas, converged } = topKroneckerPairs(rfOperator(a, g), 2);
 * // Lanczos method: F ≈ terms[0].A ⊗ terms[0].G + terms[1].A ⊗ terms[1].G
 * ```
 */
export function topKroneckerPairs(op: KroneckerOperator, k: number, options: TopPairsOptions = {}): TopPairsResult {
  assertOperator(op, 'topKroneckerPairs');
  const { da, dg } = op;
  const dims = Math.min(da * da, dg * dg);
  if (!Number.isInteger(k) || k < 1 || k > dims) {
    throw new OptionError(`topKroneckerPairs: k must be an integer in [1, min(d_a², d_g²) = ${dims}], got ${String(k)}`);
  }
  const tol = positiveOption(options.tol, 1e-8, 'topKroneckerPairs tol');
  const krylovSize =
    options.krylovSize === undefined
      ? Math.max(2 * k + 8, 20)
      : integerOption(options.krylovSize, 0, k + 1, 'topKroneckerPairs krylovSize');
  const maxRestarts = integerOption(options.maxRestarts, 50, 0, 'topKroneckerPairs maxRestarts');
  const references = options.references ?? [];
  if (!Array.isArray(references)) throw new ShapeError('topKroneckerPairs references must be an array of Kronecker terms');
  references.slice(0, k).forEach((r, j) => {
    if (r !== undefined) assertKroneckerTerm(r, da, dg, `topKroneckerPairs references[${j}]`);
  });
  const warm = options.warmStart === undefined ? undefined : warmStartData(options.warmStart, dg, 'topKroneckerPairs warmStart');

  const transposed = dg * dg > da * da;
  const { map, coordinates } = operatorView(op, transposed, 'topKroneckerPairs');
  // In compressed coordinates the spaces have min(nIn, nOut) ≤ m dimensions: a Krylov space that
  // fills them is exact, and pairs beyond them are zero.
  const p = Math.min(krylovSize, dims, map.nIn, map.nOut);
  const found = Math.min(k, p);
  const start = startVector(map, coordinates, transposed, transposed ? da : dg, warm);
  const outcome = restartedLanczos(map, found, p, start, tol, maxRestarts, createRng(RANDOM_SEED));

  const terms: KroneckerTerm[] = [];
  const sigmas: number[] = [];
  const residuals: number[] = [];
  for (let j = 0; j < k; j++) {
    if (j >= found) {
      terms.push({ A: zeros(da, da), G: zeros(dg, dg) });
      sigmas.push(0);
      residuals.push(0);
      continue;
    }
    const sigma = outcome.s[j];
    const root = Math.sqrt(sigma);
    const inVec = outcome.v[j];
    const outVec = outcome.u[j];
    const A = coordinates.liftLeft(transposed ? inVec : outVec);
    const G = coordinates.liftRight(transposed ? outVec : inVec);
    for (let e = 0; e < A.data.length; e++) A.data[e] *= root;
    for (let e = 0; e < G.data.length; e++) G.data[e] *= root;
    const term = orientKroneckerTerm({ A, G }, { reference: references[j], rule: j === 0 ? 'trace' : 'largest-entry' });
    terms.push(term);
    sigmas.push(sigma);
    residuals.push(outcome.residuals[j]);
  }
  return { terms, sigmas, iterations: outcome.iterations, restarts: outcome.restarts, converged: outcome.converged, residuals };
}

/**
 * Unit start vector on the iteration's input side (`dIn` × `dIn` factors): the warm start (pushed
 * through the operator when the iteration runs transposed) plus a 1% seeded symmetric perturbation,
 * else the default start; in compressed coordinates, the projections of these.
 */
function startVector(
  map: LinearMap,
  coordinates: FactorCoordinates,
  transposed: boolean,
  dIn: number,
  warm: Float64Array | undefined,
): Float64Array {
  const encodeIn = transposed ? coordinates.encodeLeft : coordinates.encodeRight;
  if (warm !== undefined && norm2(warm) > 0) {
    let v = coordinates.encodeRight(warm);
    if (transposed) v = map.applyT(v);
    if (normalizeInPlace(v) > 0) {
      axpy(0.01, encodeIn(symmetricRandom(dIn, RANDOM_SEED)), v);
      normalizeInPlace(v);
      return v;
    }
  }
  const v = encodeIn(defaultStartVector(dIn, 0.1));
  normalizeInPlace(v);
  return v;
}
