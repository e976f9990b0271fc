import { OptionError, ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { orientKroneckerTerm } from './orient-kronecker-term.js';
import { smallSvd, type SmallSvd } from './small-svd.js';
import { defaultStartVector, symmetricRandom } from './start-vector.js';
import { axpy, norm2, normalizeInPlace, orthogonalizeInPlace } from './vector-ops.js';
import {
  assertFiniteNorm,
  assertOperator,
  integerOption,
  positiveOption,
  warmStartData,
} from './iteration-options.js';
import { createRng, type Rng } from '../random/rng.js';
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

/** A linear map between flat vector spaces (the operator, possibly transposed). */
interface LinearMap {
  nIn: number;
  nOut: number;
  apply(v: Float64Array): Float64Array;
  applyT(u: Float64Array): Float64Array;
}

/** Breakdown threshold of the bidiagonalisation, relative to the largest coefficient seen. */
const BREAKDOWN = 1e-13;
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
  const map = linearMap(op, transposed);
  const p = Math.min(krylovSize, dims);
  const start = startVector(op, transposed, warm);
  const solver = new Bidiagonalization(map, p, start, createRng(RANDOM_SEED));

  let restarts = 0;
  let outcome: { svd: SmallSvd; ritz: RitzPairs; residuals: number[]; converged: boolean };
  for (;;) {
    solver.extend();
    const svd = smallSvd(solver.b, p);
    const sigma1 = svd.s[0];
    let estimated = true;
    for (let j = 0; j < k; j++) {
      if (Math.abs(solver.lastBeta * svd.p[j][p - 1]) > tol * sigma1) estimated = false;
    }
    const canRestart = restarts < maxRestarts && solver.vNext !== null;
    if (estimated || !canRestart) {
      const ritz = solver.ritzVectors(svd, k);
      const residuals = explicitResiduals(map, ritz, svd.s, k);
      const converged = residuals.every((r) => r <= tol);
      if (converged || !canRestart) {
        outcome = { svd, ritz, residuals, converged };
        break;
      }
    }
    solver.restart(svd, Math.min(p - 1, k + Math.floor((p - k) / 2)));
    restarts++;
  }

  const terms: KroneckerTerm[] = [];
  const sigmas: number[] = [];
  for (let j = 0; j < k; j++) {
    const sigma = outcome.svd.s[j];
    const root = Math.sqrt(sigma);
    const inVec = outcome.ritz.v[j];
    const outVec = outcome.ritz.u[j];
    const x = transposed ? inVec : outVec;
    const y = transposed ? outVec : inVec;
    const term = orientKroneckerTerm(
      { A: fromData(da, da, x.map((e) => root * e)), G: fromData(dg, dg, y.map((e) => root * e)) },
      { reference: references[j], rule: j === 0 ? 'trace' : 'largest-entry' },
    );
    terms.push(term);
    sigmas.push(sigma);
  }
  return { terms, sigmas, iterations: solver.steps, restarts, converged: outcome.converged, residuals: outcome.residuals };
}

interface RitzPairs {
  u: Float64Array[];
  v: Float64Array[];
}

function linearMap(op: KroneckerOperator, transposed: boolean): LinearMap {
  const { da, dg } = op;
  const times = (v: Float64Array): Float64Array => product(op.times(fromData(dg, dg, v.slice())), da, 'op.times');
  const transposeTimes = (u: Float64Array): Float64Array =>
    product(op.transposeTimes(fromData(da, da, u.slice())), dg, 'op.transposeTimes');
  return transposed
    ? { nIn: da * da, nOut: dg * dg, apply: transposeTimes, applyT: times }
    : { nIn: dg * dg, nOut: da * da, apply: times, applyT: transposeTimes };
}

function product(result: Matrix, d: number, what: string): Float64Array {
  if (result == null || result.rows !== d || result.cols !== d) {
    throw new ShapeError(`topKroneckerPairs: ${what} returned ${result == null ? String(result) : `${result.rows} × ${result.cols}`}, expected ${d} × ${d}`);
  }
  const out = result.data.slice();
  assertFiniteNorm(norm2(out), 'topKroneckerPairs');
  return out;
}

/** Unit start vector on the iteration's input side. */
function startVector(op: KroneckerOperator, transposed: boolean, warm: Float64Array | undefined): Float64Array {
  const d = transposed ? op.da : op.dg;
  if (warm !== undefined && norm2(warm) > 0) {
    let v = warm;
    if (transposed) v = product(op.times(fromData(op.dg, op.dg, warm)), op.da, 'op.times');
    if (normalizeInPlace(v) > 0) {
      axpy(0.01, symmetricRandom(d, RANDOM_SEED), v);
      normalizeInPlace(v);
      return v;
    }
  }
  return defaultStartVector(d, 0.1);
}

/** Per pair, `max(‖M v − σu‖, ‖Mᵀu − σv‖) / σ₁` from fresh products. */
function explicitResiduals(map: LinearMap, ritz: RitzPairs, s: Float64Array, k: number): number[] {
  const sigma1 = s[0];
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    if (sigma1 === 0) {
      out.push(0);
      continue;
    }
    const r1 = map.apply(ritz.v[j]);
    axpy(-s[j], ritz.u[j], r1);
    const r2 = map.applyT(ritz.u[j]);
    axpy(-s[j], ritz.v[j], r2);
    out.push(Math.max(norm2(r1), norm2(r2)) / sigma1);
  }
  return out;
}

/**
 * Golub–Kahan–Lanczos state: orthonormal `v` (input side, length up to p + 1 with `vNext`),
 * orthonormal `u` (output side), and the p × p upper-triangular `b` with `M V = U B`.
 */
class Bidiagonalization {
  readonly b: Float64Array;
  v: Float64Array[];
  u: Float64Array[] = [];
  vNext: Float64Array | null;
  lastBeta = 0;
  steps = 0;
  private scale = 0;

  constructor(
    private readonly map: LinearMap,
    private readonly p: number,
    start: Float64Array,
    private readonly rng: Rng,
  ) {
    this.b = new Float64Array(p * p);
    this.v = [];
    this.vNext = start;
  }

  /** Runs Lanczos steps until the basis has p vectors on each side. */
  extend(): void {
    const { map, p, b } = this;
    for (let j = this.u.length; j < p; j++) {
      if (this.vNext === null) throw new ShapeError('topKroneckerPairs: internal error, Krylov basis exhausted early');
      this.v.push(this.vNext);
      this.vNext = null;
      this.steps++;
      // Output side: u_j = (M v_j − Σ_i B_ij u_i) / α_j, coefficients from full reorthogonalisation.
      const t = map.apply(this.v[j]);
      const c = orthogonalizeInPlace(t, this.u);
      for (let i = 0; i < j; i++) b[i * p + j] = c[i];
      let alpha = norm2(t);
      this.scale = Math.max(this.scale, alpha, ...Array.from(c, Math.abs));
      if (alpha <= BREAKDOWN * this.scale) {
        alpha = 0;
        this.u.push(this.randomOrthogonal(this.u, map.nOut) ?? new Float64Array(map.nOut));
      } else {
        this.u.push(t.map((e) => e / alpha));
      }
      b[j * p + j] = alpha;
      // Input side: v_{j+1} = (Mᵀ u_j − α_j v_j − …) / β_j, fully reorthogonalised against V.
      const r = map.applyT(this.u[j]);
      orthogonalizeInPlace(r, this.v);
      let beta = norm2(r);
      this.scale = Math.max(this.scale, beta);
      if (beta <= BREAKDOWN * this.scale) {
        beta = 0;
        this.vNext = this.randomOrthogonal(this.v, map.nIn);
      } else {
        this.vNext = r.map((e) => e / beta);
      }
      this.lastBeta = beta;
    }
  }

  /** Current Ritz vectors `U P_j`, `V Q_j` for j < count. */
  ritzVectors(svd: SmallSvd, count: number): RitzPairs {
    const u: Float64Array[] = [];
    const v: Float64Array[] = [];
    for (let j = 0; j < count; j++) {
      u.push(combination(this.u, svd.p[j], this.map.nOut));
      v.push(combination(this.v, svd.q[j], this.map.nIn));
    }
    return { u, v };
  }

  /** Thick restart: keep the leading `keep` Ritz triplets and continue from v_{p+1}. */
  restart(svd: SmallSvd, keep: number): void {
    const { p, b } = this;
    const ritz = this.ritzVectors(svd, keep);
    b.fill(0);
    for (let i = 0; i < keep; i++) b[i * p + i] = svd.s[i];
    this.u = ritz.u;
    this.v = ritz.v;
  }

  /** A unit vector orthogonal to `basis` from the seeded generator, or null if none is left. */
  private randomOrthogonal(basis: Float64Array[], n: number): Float64Array | null {
    if (basis.length >= n) return null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const x = new Float64Array(n);
      for (let e = 0; e < n; e++) x[e] = this.rng.normal();
      const before = norm2(x);
      orthogonalizeInPlace(x, basis);
      const after = norm2(x);
      if (after > 1e-6 * before) {
        for (let e = 0; e < n; e++) x[e] /= after;
        return x;
      }
    }
    return null;
  }
}

/** `Σ_i coef[i] · basis[i]`. */
function combination(basis: Float64Array[], coef: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < basis.length; i++) if (coef[i] !== 0) axpy(coef[i], basis[i], out);
  return out;
}
