import { zeros, type Matrix } from '../matrix/matrix.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { orientKroneckerTerm } from './orient-kronecker-term.js';
import { defaultStartVector, symmetricRandom } from './start-vector.js';
import { operatorView } from './linear-map.js';
import { powerIteration } from './power-iteration.js';
import {
  assertOperator,
  integerOption,
  positiveOption,
  warmStartData,
} from './iteration-options.js';
import { assertKroneckerTerm } from './validate-kronecker.js';

/** Options of {@link leadingKroneckerPair}. */
export interface LeadingPairOptions {
  /** Relative tolerance: stop when `‖op.times(Y) − σX‖_F ≤ tol·σ` for unit X, Y (default 1e-6). */
  tol?: number;
  /** Iteration cap (default 100); one iteration = one `times` and one `transposeTimes`. */
  maxIterations?: number;
  /** d_g × d_g start for Y, e.g. the previous G (any scale; default: a deterministic start). */
  warmStart?: Matrix;
  /** Previous estimate of this pair; fixes the joint sign so that `⟨A, reference.A⟩ ≥ 0`. */
  reference?: KroneckerTerm;
}

/** Result of {@link leadingKroneckerPair}. */
export interface LeadingPairResult {
  /** `A = √σ X`, `G = √σ Y`, symmetrised and sign-fixed. */
  term: KroneckerTerm;
  /** Estimated largest singular value σ₁ of the operator. */
  sigma: number;
  /** Iterations used. */
  iterations: number;
  /** Whether the relative residual met `tol` (false: stopped at `maxIterations`). */
  converged: boolean;
  /** Relative residual `‖op.times(Y) − σX‖_F / σ` of the returned (unsymmetrised) pair. */
  residual: number;
}

/** Seed of the random start used when the default start is annihilated by the operator. */
const FALLBACK_SEED = 0x9e3779b9;

/**
 * Leading singular triplet of a Kronecker operator by power iteration alternating the two products
 * (KPSVD, MATH.md §4.1): `X ← R(Y)/‖R(Y)‖`, `Y ← Rᵀ(X)/σ` with `σ = ‖Rᵀ(X)‖`, until
 * `‖R(Y) − σX‖_F ≤ tol·σ`. Returns `A = √σ X`, `G = √σ Y`, the best single Kronecker product
 * `A ⊗ G` (for `R = rfOperator(a, g)`: minimising `‖F − A ⊗ G‖_F`).
 *
 * Factors are symmetrised, `(X + Xᵀ)/2`, and the joint sign is fixed by `reference` when given
 * (`⟨A, ref.A⟩ ≥ 0`), else by `tr(A) > 0` (see {@link orientKroneckerTerm}); for a Fisher block
 * the leading A and G are then PSD. Start: `warmStart`, else `I/√d_g` plus a small fixed seeded
 * symmetric perturbation, else (if the operator annihilates it) a seeded random symmetric matrix.
 * A zero operator gives σ = 0 and zero factors (converged). When the cap is hit the result is the
 * last iterate with `converged: false` and its residual — check it.
 *
 * When the operator has a {@link KroneckerOperator.compressed} form (e.g. {@link rfOperator} with
 * `m² ≤ d_a² + d_g²`, or a {@link deflatedOperator} of it by same-batch terms) the same iteration
 * runs on its m-dimensional isometric coordinates — starts enter as their projections onto the
 * operator's right space, which the operator cannot tell from the starts themselves — and only the
 * final X and Y are lifted: identical iterates, residuals, iteration counts and results (to
 * rounding), at `2m²` instead of `m(d_a² + d_g²)` per iteration.
 *
 * @throws OptionError for a non-positive tol or a maxIterations that is not an integer ≥ 1.
 * @throws ShapeError when warmStart or reference has the wrong shape.
 * @throws NonFiniteError when an operator product is not finite.
 *
 * @example
 * ```ts
 * const { term, sigma, converged } = leadingKroneckerPair(rfOperator(a, g), { tol: 1e-8 });
 * // F ≈ term.A ⊗ term.G; next refresh: { warmStart: term.G, reference: term }
 * ```
 */
export function leadingKroneckerPair(op: KroneckerOperator, options: LeadingPairOptions = {}): LeadingPairResult {
  assertOperator(op, 'leadingKroneckerPair');
  const tol = positiveOption(options.tol, 1e-6, 'leadingKroneckerPair tol');
  const maxIterations = integerOption(options.maxIterations, 100, 1, 'leadingKroneckerPair maxIterations');
  const { da, dg } = op;
  if (options.reference !== undefined) assertKroneckerTerm(options.reference, da, dg, 'leadingKroneckerPair reference');
  const warm = options.warmStart === undefined ? undefined : warmStartData(options.warmStart, dg, 'leadingKroneckerPair warmStart');

  const { map, coordinates } = operatorView(op, false, 'leadingKroneckerPair');
  function* starts(): Generator<Float64Array> {
    if (warm !== undefined) yield coordinates.encodeRight(warm);
    yield coordinates.encodeRight(defaultStartVector(dg, 0.1));
    yield coordinates.encodeRight(symmetricRandom(dg, FALLBACK_SEED));
  }
  const { x, y, sigma, iterations, converged, residual } = powerIteration(map, starts(), tol, maxIterations, 'leadingKroneckerPair');
  if (x === null || y === null) {
    return { term: { A: zeros(da, da), G: zeros(dg, dg) }, sigma: 0, iterations, converged: true, residual: 0 };
  }
  const root = Math.sqrt(sigma);
  const term = orientKroneckerTerm(
    { A: scaled(coordinates.liftLeft(x), root), G: scaled(coordinates.liftRight(y), root) },
    { reference: options.reference, rule: 'trace' },
  );
  return { term, sigma, iterations, converged, residual };
}

/** Scales a (freshly lifted) matrix in place. */
function scaled(m: Matrix, s: number): Matrix {
  const d = m.data;
  for (let e = 0; e < d.length; e++) d[e] *= s;
  return m;
}
