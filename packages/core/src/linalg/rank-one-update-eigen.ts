/**
 * Eigendecomposition of a diagonal matrix plus a positive rank-one update, `D + ρ z zᵀ`, with
 * eigenvectors that are orthogonal to working precision (internal to the eigen-solvers; not
 * re-exported).
 */
import { secularRoot } from './secular-equation.js';

/**
 * Eigenpairs of `D + ρ z zᵀ` for strictly increasing `d` (length k), `ρ > 0` and non-zero `z`
 * (what remains after deflation).
 *
 * The eigenvalues are the roots of the secular equation ({@link secularRoot}). The textbook
 * eigenvector `u_j ∝ (D − λ_j I)⁻¹ z` loses orthogonality when the computed `λ_j` are not
 * exact, so (Gu & Eisenstat) `z` is first replaced by the vector `ẑ` for which the computed
 * roots are the exact eigenvalues of `D + ρ ẑ ẑᵀ` (Löwner's formula),
 *
 *   `ẑ_i² = (1/ρ) Π_j (λ_j − d_i) / Π_{j≠i} (d_j − d_i)`,  `sign(ẑ_i) = sign(z_i)`,
 *
 * and then `u_j = (D − λ_j I)⁻¹ ẑ / ‖·‖`. Every difference `d_i − λ_j` comes from the root finder
 * (relative to the nearer pole), so each product has a small relative error and the vectors
 * are orthogonal to working precision.
 *
 * Writes `λ_j` to `lambda[j]` (ascending) and `scale · u_j[i]` to
 * `ut[j · ldu + col[i]]` (row j of `ut` is eigenvector j, its entries placed by `col`); `delta`
 * is k × k scratch.
 *
 * @example
 * ```ts
 * const lambda = new Float64Array(2), ut = new Float64Array(4), delta = new Float64Array(4);
 * rankOneUpdateEigen(Float64Array.of(0, 1), Float64Array.of(0.6, 0.8), 1, 2, lambda, ut, 2, Int32Array.of(0, 1), 1, delta);
 * // lambda, ut: the eigenpairs of [[0.36, 0.48], [0.48, 1.64]]
 * ```
 */
export function rankOneUpdateEigen(
  d: Float64Array,
  z: Float64Array,
  rho: number,
  k: number,
  lambda: Float64Array,
  ut: Float64Array,
  ldu: number,
  col: Int32Array,
  scale: number,
  delta: Float64Array,
): void {
  for (let j = 0; j < k; j++) {
    const o = secularRoot(d, z, rho, k, j, delta, j * k);
    lambda[j] = d[o] - delta[j * k + o];
  }
  // Löwner's ẑ from all the differences before they are overwritten by the vectors.
  const zhat = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const di = d[i];
    let p = -delta[i * k + i] / rho;
    for (let j = 0; j < k; j++) {
      if (j !== i) p *= -delta[j * k + i] / (d[j] - di);
    }
    const r = Math.sqrt(p);
    zhat[i] = z[i] >= 0 ? r : -r;
  }
  for (let j = 0; j < k; j++) {
    const row = j * k;
    let ss = 0;
    for (let i = 0; i < k; i++) {
      const u = zhat[i] / delta[row + i];
      delta[row + i] = u;
      ss += u * u;
    }
    const f = scale / Math.sqrt(ss);
    const out = j * ldu;
    for (let i = 0; i < k; i++) ut[out + col[i]] = delta[row + i] * f;
  }
}
