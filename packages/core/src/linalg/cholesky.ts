import { NotPositiveDefiniteError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { assertFinite, assertSymmetric } from '../matrix/validate.js';
import { gemmNTLower } from './gemm-kernel.js';

/**
 * Cholesky factor of a symmetric positive definite matrix: the lower-triangular `L` with
 * positive diagonal such that `A = L Lᵀ`.
 *
 * Right-looking blocked algorithm (blocks of 64): `L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj`,
 * `L_ii = sqrt(A_ii − Σ_{k<i} L_ik²)`, with the sums over earlier blocks subtracted as
 * matrix products by the shared register-blocked kernel (`gemm-kernel.ts`), so every inner loop
 * runs along contiguous rows of `L`.
 *
 * @throws ShapeError when `a` is not square or not symmetric.
 * @throws NonFiniteError when `a` holds NaN or ±Infinity.
 * @throws NotPositiveDefiniteError naming the first pivot `A_ii − Σ L_ik²` that is ≤ 0.
 *
 * @example
 * ```ts
 * const l = cholesky(fromRows([[4, 2], [2, 5]])); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(a: Matrix): Matrix {
  assertSymmetric(a, 'cholesky input');
  assertFinite(a, 'cholesky input');
  const n = a.rows;
  const l = zeros(n, n);
  const ld = l.data;
  const ad = a.data;
  // Work on the lower triangle of a copy; the strict upper triangle is cleared at the end.
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) ld[i * n + j] = ad[i * n + j];
  choleskyInPlace(ld, n);
  return l;
}

/** Block size of the right-looking blocked Cholesky. */
const NB = 64;

/**
 * Right-looking blocked Cholesky on the lower triangle of the row-major n × n `w` (overwritten
 * by `L`; the strict upper triangle is zeroed). Per block column of width ≤ {@link NB}: factor
 * the diagonal block row by row, solve the panel below it against the block's transpose (each
 * row a short forward substitution along contiguous rows), then subtract the panel's outer
 * product from the trailing lower triangle with the shared {@link gemmNTLower} kernel, which
 * carries ~all of the n³/3 flops.
 */
function choleskyInPlace(w: Float64Array, n: number): void {
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    const kb = k1 - k0;
    // Diagonal block (already updated by the earlier blocks): Cholesky–Banachiewicz.
    for (let i = k0; i < k1; i++) {
      const ri = i * n;
      for (let j = k0; j < i; j++) {
        const rj = j * n;
        w[ri + j] = (w[ri + j] - rowDot(w, ri + k0, rj + k0, j - k0)) / w[rj + j];
      }
      const pivot = w[ri + i] - rowDot(w, ri + k0, ri + k0, i - k0);
      if (!(pivot > 0)) throw new NotPositiveDefiniteError(i, pivot, 'cholesky input');
      w[ri + i] = Math.sqrt(pivot);
    }
    if (k1 === n) break;
    // Panel: L_ij = (W_ij − Σ_{k0≤p<j} L_ip L_jp) / L_jj for i ≥ k1, k0 ≤ j < k1.
    for (let i = k1; i < n; i++) {
      const ri = i * n;
      for (let j = k0; j < k1; j++) {
        const rj = j * n;
        w[ri + j] = (w[ri + j] - rowDot(w, ri + k0, rj + k0, j - k0)) / w[rj + j];
      }
    }
    // Trailing update of the lower triangle: W[k1…, k1…] −= P Pᵀ with P = L[k1…, k0…k1).
    const m = n - k1;
    gemmNTLower(m, m, kb, w, k1 * n + k0, n, w, k1 * n + k0, n, w, k1 * n + k1, n, 0);
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) w[i * n + j] = 0;
}

/** `Σ_{k<len} d[p + k] · d[q + k]` with four independent accumulators (faster in V8). */
function rowDot(d: Float64Array, p: number, q: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += d[p + k] * d[q + k];
    s1 += d[p + k + 1] * d[q + k + 1];
    s2 += d[p + k + 2] * d[q + k + 2];
    s3 += d[p + k + 3] * d[q + k + 3];
  }
  for (; k < len; k++) s0 += d[p + k] * d[q + k];
  return s0 + s1 + (s2 + s3);
}
