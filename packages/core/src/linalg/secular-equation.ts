/**
 * Roots of the secular equation of a symmetric rank-one update (internal to the eigen-solvers;
 * not re-exported).
 *
 * The eigenvalues of `D + ρ z zᵀ` (`D = diag(d)`, `d₀ < d₁ < … < d_{k−1}`, `ρ > 0`, every
 * `z_i ≠ 0`) are the k roots of
 *
 *   `f(λ) = 1 + ρ Σ_i z_i² / (d_i − λ)`,
 *
 * one in each interval `(d_j, d_{j+1})` and the last in `(d_{k−1}, d_{k−1} + ρ‖z‖²)`. The
 * eigenvectors need the differences `d_i − λ_j` to high relative accuracy, which `λ_j` itself
 * does not give when it lies close to a pole, so each root is found as `λ_j = d_o + τ` with the
 * origin `d_o` at the nearer end of its interval and every difference formed as
 * `(d_i − d_o) − τ`.
 */

const EPS = Number.EPSILON;
const MAX_ITERATIONS = 200;

/**
 * Root `j` (0-based) of `f(λ) = 1 + ρ Σ_{i<k} z_i² / (d_i − λ)` for strictly increasing `d`,
 * `ρ > 0` and non-zero `z`.
 *
 * Writes `delta[off + i] = d_i − λ_j` for `i < k` and returns the origin index `o`, so that
 * `λ_j = d_o − delta[off + o]` (the stored `delta[off + o] = −τ` is exact).
 *
 * The iteration is Li's "middle way": the sums over the poles left and right of the root,
 * `ψ(τ) = Σ_{i≤j}` and `φ(τ) = Σ_{i>j}`, are each replaced by a rational function `a + b/δ` of
 * the nearest pole matching value and slope at the current `τ`, and the model's root (a quadratic
 * in the step) is taken; the method converges quadratically. A bracket `[lo, hi]` on which `f`
 * changes sign is kept, and a step leaving it is replaced by bisection, so the iteration cannot
 * diverge. It stops when `|f(τ)|` is below the bound on the rounding error of its evaluation,
 * `ε (8 (1 + Σ|ρ z_i²/δ_i|) + |τ| f′(τ))`, or when the bracket has shrunk to a few ulps.
 *
 * @example
 * ```ts
 * const delta = new Float64Array(2);
 * const o = secularRoot(Float64Array.of(0, 1), Float64Array.of(Math.SQRT1_2, Math.SQRT1_2), 1, 2, 0, delta, 0);
 * const lambda = [0, 1][o] - delta[o]; // 1 − √2/2, the smaller eigenvalue of [[0.5, 0.5], [0.5, 1.5]]
 * ```
 */
export function secularRoot(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  j: number,
  delta: Float64Array,
  off: number,
): number {
  if (k === 1) {
    delta[off] = -rho * z[0] * z[0];
    return 0;
  }
  let o: number;
  let lo: number;
  let hi: number;
  if (j < k - 1) {
    const mid = 0.5 * (d[j + 1] - d[j]);
    let f = 1;
    const dj = d[j];
    for (let i = 0; i < k; i++) f += (rho * z[i] * z[i]) / (d[i] - dj - mid);
    if (f >= 0) {
      o = j;
      lo = 0;
      hi = mid;
    } else {
      o = j + 1;
      lo = -mid;
      hi = 0;
    }
  } else {
    let zz = 0;
    for (let i = 0; i < k; i++) zz += z[i] * z[i];
    o = k - 1;
    lo = 0;
    hi = rho * zz;
  }
  const dOrigin = d[o];
  for (let i = 0; i < k; i++) delta[off + i] = d[i] - dOrigin;
  const last = j === k - 1;
  let tau = 0.5 * (lo + hi);
  for (let iter = 0; iter < MAX_ITERATIONS; iter++) {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let i = 0; i <= j; i++) {
      const del = delta[off + i] - tau;
      const t = (rho * z[i]) / del;
      const term = t * z[i];
      psi += term;
      dpsi += term / del;
    }
    for (let i = j + 1; i < k; i++) {
      const del = delta[off + i] - tau;
      const t = (rho * z[i]) / del;
      const term = t * z[i];
      phi += term;
      dphi += term / del;
    }
    const f = 1 + psi + phi;
    const bound = EPS * (8 * (1 + phi - psi) + Math.abs(tau) * (dpsi + dphi));
    if (Math.abs(f) <= bound) break;
    if (f < 0) lo = tau;
    else hi = tau;
    if (hi - lo <= 2 * EPS * Math.max(Math.abs(lo), Math.abs(hi))) break;
    const a = delta[off + j] - tau; // δ_j < 0
    let eta = NaN;
    if (last) {
      // Model c + s/(a − η) = 0 with s = a² ψ′, c = f − a ψ′.
      const c = f - a * dpsi;
      if (c > 0) eta = a + (a * a * dpsi) / c;
    } else {
      const b = delta[off + j + 1] - tau; // δ_{j+1} > 0
      const s = a * a * dpsi;
      const t = b * b * dphi;
      const c = f - a * dpsi - b * dphi;
      // c (a − η)(b − η) + s (b − η) + t (a − η) = 0  ⇔  c η² − B η + a b f = 0.
      const bq = c * (a + b) + s + t;
      const cq = a * b * f;
      if (c === 0) {
        eta = cq / bq;
      } else {
        const disc = bq * bq - 4 * c * cq;
        if (disc >= 0) {
          const q = 0.5 * (bq + (bq >= 0 ? Math.sqrt(disc) : -Math.sqrt(disc)));
          const r1 = q / c;
          const r2 = cq / q;
          eta = r1 > a && r1 < b ? r1 : r2;
        }
      }
    }
    let next = tau + eta;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === tau) break;
    tau = next;
  }
  for (let i = 0; i < k; i++) delta[off + i] -= tau;
  delta[off + o] = -tau;
  return o;
}
