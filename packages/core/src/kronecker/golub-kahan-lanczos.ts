/**
 * Thick-restarted Golub–Kahan–Lanczos bidiagonalisation of a flat {@link LinearMap} (internal core
 * of {@link topKroneckerPairs}, shared by its explicit and compressed paths).
 */
import { ShapeError } from '../errors.js';
import type { Rng } from '../random/rng.js';
import type { LinearMap } from './linear-map.js';
import { smallSvd, type SmallSvd } from './small-svd.js';
import { axpy, norm2, orthogonalizeInPlace } from './vector-ops.js';

/** Breakdown threshold of the bidiagonalisation, relative to the largest coefficient seen. */
const BREAKDOWN = 1e-13;

/** Outcome of {@link restartedLanczos}: the k leading Ritz triplets `(u_j, s_j, v_j)`. */
export interface LanczosOutcome {
  /** All p singular values of the last small matrix, descending (the first k are the answer). */
  s: Float64Array;
  /** Output-side Ritz vectors (unit), j < k. */
  u: Float64Array[];
  /** Input-side Ritz vectors (unit), j < k. */
  v: Float64Array[];
  /** Per pair, `max(‖M v_j − s_j u_j‖, ‖Mᵀu_j − s_j v_j‖) / s₁` from fresh products. */
  residuals: number[];
  converged: boolean;
  /** Lanczos steps (one `apply` and one `applyT` each). */
  iterations: number;
  restarts: number;
}

/**
 * The k leading singular triplets of `map` by Golub–Kahan–Lanczos with full reorthogonalisation and
 * thick restarts (see {@link topKroneckerPairs}): Krylov size p ≥ k (p ≤ min(nIn, nOut)), unit
 * `start` on the input side; while an estimated residual `|β_p P_{p,j}|` exceeds `tol·s₁`, restart
 * from the best `k + ⌊(p − k)/2⌋` Ritz vectors plus `v_{p+1}`; convergence is confirmed with fresh
 * products.
 *
 * @example
 * ```ts
 * const out = restartedLanczos(map, 2, 20, start, 1e-8, 50, createRng(1));
 * ```
 */
export function restartedLanczos(
  map: LinearMap,
  k: number,
  p: number,
  start: Float64Array,
  tol: number,
  maxRestarts: number,
  rng: Rng,
): LanczosOutcome {
  const solver = new Bidiagonalization(map, p, start, rng);
  let restarts = 0;
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
        return { s: svd.s, u: ritz.u, v: ritz.v, residuals, converged, iterations: solver.steps, restarts };
      }
    }
    solver.restart(svd, Math.min(p - 1, k + Math.floor((p - k) / 2)));
    restarts++;
  }
}

interface RitzPairs {
  u: Float64Array[];
  v: Float64Array[];
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
