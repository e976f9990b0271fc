import { fromData, zeros, type Matrix } from '../matrix/matrix.js';
import { assertShape } from '../matrix/validate.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { orientKroneckerTerm } from './orient-kronecker-term.js';
import { defaultStartVector, symmetricRandom } from './start-vector.js';
import { axpy, norm2 } from './vector-ops.js';
import {
  assertFiniteNorm,
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

  const starts: Float64Array[] = [];
  if (options.warmStart !== undefined) starts.push(warmStartData(options.warmStart, dg, 'leadingKroneckerPair warmStart'));
  starts.push(defaultStartVector(dg, 0.1), symmetricRandom(dg, FALLBACK_SEED));

  let y: Float64Array | undefined;
  let w: Float64Array | undefined;
  for (const s of starts) {
    const n = norm2(s);
    if (n === 0) continue;
    const candidate = s.map((v) => v / n);
    const product = op.times(fromData(dg, dg, candidate));
    assertShape(product, da, da, 'leadingKroneckerPair: op.times result');
    const pn = norm2(product.data);
    assertFiniteNorm(pn, 'leadingKroneckerPair');
    if (pn > 0) {
      y = candidate;
      w = product.data.slice();
      break;
    }
  }
  if (y === undefined || w === undefined) return zeroResult(da, dg, 0);

  let x = new Float64Array(da * da);
  let sigma = 0;
  let residual = Infinity;
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const wn = norm2(w);
    assertFiniteNorm(wn, 'leadingKroneckerPair');
    if (wn === 0) return zeroResult(da, dg, iterations);
    x = w.map((v) => v / wn);
    const z = op.transposeTimes(fromData(da, da, x));
    assertShape(z, dg, dg, 'leadingKroneckerPair: op.transposeTimes result');
    sigma = norm2(z.data);
    assertFiniteNorm(sigma, 'leadingKroneckerPair');
    if (sigma === 0) return zeroResult(da, dg, iterations);
    y = z.data.map((v) => v / sigma);
    const next = op.times(fromData(dg, dg, y));
    w = next.data.slice();
    const r = w.slice();
    axpy(-sigma, x, r);
    residual = norm2(r) / sigma;
    if (residual <= tol) {
      converged = true;
      break;
    }
  }
  const root = Math.sqrt(sigma);
  const term = orientKroneckerTerm(
    { A: fromData(da, da, x.map((v) => root * v)), G: fromData(dg, dg, y.map((v) => root * v)) },
    { reference: options.reference, rule: 'trace' },
  );
  return { term, sigma, iterations, converged, residual };
}

function zeroResult(da: number, dg: number, iterations: number): LeadingPairResult {
  return { term: { A: zeros(da, da), G: zeros(dg, dg) }, sigma: 0, iterations, converged: true, residual: 0 };
}
