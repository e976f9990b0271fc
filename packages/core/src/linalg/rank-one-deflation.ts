/**
 * Deflation of the rank-one merge problem `D + ρ z zᵀ` of the divide-and-conquer tridiagonal
 * eigensolver (internal to the eigen-solvers; not re-exported).
 */

const EPS = Number.EPSILON;

/** Which rows of a merge column can be non-zero: the first half, both, or the second half. */
export const TOP = 1;
export const DENSE = 2;
export const BOTTOM = 3;

/** Result of {@link deflateRankOne}. */
export interface RankOneDeflation {
  /** Number of non-deflated pairs. */
  k: number;
  /** Block columns of the non-deflated pairs, in increasing order of `d` (length ≥ k). */
  kept: Int32Array;
  /** Block columns of the deflated pairs (eigenvalue `d[c]`, eigenvector column c); n − k of them. */
  deflated: Int32Array;
  /** Row support of every block column: {@link TOP}, {@link DENSE} or {@link BOTTOM}. */
  support: Int8Array;
}

/**
 * Deflates `D + ρ z zᵀ` (`ρ > 0`, `‖z‖ = 1`, n = n1 + n2, where the eigenvector columns
 * `0 … n1 − 1` of the block `Q` are zero below row n1 and the others zero above it).
 *
 * With `tol = 8 ε max(maxᵢ|d_i|, maxᵢ|z_i|)`:
 * - a pair with `ρ |z_i| ≤ tol` is already an eigenpair to within `tol` and is deflated;
 * - for two neighbouring (in sorted order) kept pairs `i < j`, the plane rotation
 *   `G = [c −s; s c]`, `c = z_j/τ`, `s = −z_i/τ`, `τ = hypot(z_i, z_j)`, moves all of their
 *   weight into `z_j` (`z_i ← 0`, `z_j ← τ`) at the price of an off-diagonal entry
 *   `(d_j − d_i) c s`; when that is ≤ tol the pair i is deflated with the rotated value
 *   `d_i c² + d_j s²` (and `d_j ← d_i s² + d_j c²`), and the columns i and j of `Q` are rotated
 *   alike (`Q_i ← c Q_i + s Q_j`, `Q_j ← c Q_j − s Q_i`).
 *
 * Both are backward-stable perturbations of size tol. `d`, `z` and the columns of `Q` (block at
 * `q[qo …]`, row stride `ldq`) are updated in place.
 *
 * @example `const { k, kept } = deflateRankOne(d, z, rho, n, n1, q, lo * N + lo, N)`
 */
export function deflateRankOne(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  n: number,
  n1: number,
  q: Float64Array,
  qo: number,
  ldq: number,
): RankOneDeflation {
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y]);
  const support = new Int8Array(n);
  for (let c = 0; c < n; c++) support[c] = c < n1 ? TOP : BOTTOM;
  let dmax = 0;
  let zmax = 0;
  for (let i = 0; i < n; i++) {
    dmax = Math.max(dmax, Math.abs(d[i]));
    zmax = Math.max(zmax, Math.abs(z[i]));
  }
  const tol = 8 * EPS * Math.max(dmax, zmax);
  const kept = new Int32Array(n);
  const deflated = new Int32Array(n);
  let k = 0;
  let nd = 0;
  let prev = -1;
  for (const c of order) {
    if (rho * Math.abs(z[c]) <= tol) {
      deflated[nd++] = c;
      continue;
    }
    if (prev < 0) {
      prev = c;
      continue;
    }
    const tau = Math.hypot(z[c], z[prev]);
    const cs = z[c] / tau;
    const sn = -z[prev] / tau;
    if (Math.abs((d[c] - d[prev]) * cs * sn) <= tol) {
      z[c] = tau;
      z[prev] = 0;
      for (let r = 0; r < n; r++) {
        const o = qo + r * ldq;
        const x = q[o + prev];
        const y = q[o + c];
        q[o + prev] = cs * x + sn * y;
        q[o + c] = cs * y - sn * x;
      }
      if (support[prev] !== support[c]) {
        support[prev] = DENSE;
        support[c] = DENSE;
      }
      const c2 = cs * cs;
      const s2 = sn * sn;
      const dp = d[prev] * c2 + d[c] * s2;
      d[c] = d[prev] * s2 + d[c] * c2;
      d[prev] = dp;
      deflated[nd++] = prev;
    } else {
      kept[k++] = prev;
    }
    prev = c;
  }
  if (prev >= 0) kept[k++] = prev;
  return { k, kept, deflated: deflated.subarray(0, nd), support };
}
