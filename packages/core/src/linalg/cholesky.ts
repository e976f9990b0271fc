import { NotPositiveDefiniteError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { assertSymmetric } from '../matrix/validate.js';
import { gemmNTLower } from './gemm-kernel.js';

/**
 * Cholesky factor of a symmetric positive definite matrix: the lower-triangular `L` with
 * positive diagonal such that `A = L Lᵀ`.
 *
 * Right-looking blocked algorithm (blocks of 256, each panel factored recursively down to 16 columns): `L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj`,
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
  const n = a.rows;
  // Work on the lower triangle of a copy (one memory copy: cheaper than a fresh zeroed matrix
  // filled row by row); the strict upper triangle is cleared at the end.
  const l: Matrix = { rows: n, cols: n, data: a.data.slice() };
  choleskyInPlace(l.data, n);
  return l;
}

/** Block size of the right-looking blocked Cholesky. */
const NB = 256;

/**
 * Right-looking blocked Cholesky on the lower triangle of the row-major n × n `w` (overwritten
 * by `L`; the strict upper triangle is zeroed). Per block column of width ≤ {@link NB}: factor
 * its tall panel ({@link factorPanel}), then subtract the panel's outer product from the
 * trailing lower triangle with the shared {@link gemmNTLower} kernel, which carries ~all of the
 * n³/3 flops.
 */
function choleskyInPlace(w: Float64Array, n: number): void {
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    factorPanel(w, n, k0, k1);
    if (k1 === n) break;
    // Trailing update of the lower triangle: W[k1…, k1…] −= P Pᵀ with P = L[k1…, k0…k1).
    const m = n - k1;
    gemmNTLower(m, m, k1 - k0, w, k1 * n + k0, n, w, k1 * n + k0, n, w, k1 * n + k1, n, 0);
  }
  for (let i = 0; i < n; i++) w.fill(0, i * n + i + 1, (i + 1) * n);
}

/** Panels of at most this many columns are factored directly (see {@link factorPanel}). */
const IB = 16;

/**
 * Factors the tall panel of columns `k0 … k1 − 1`, rows `k0 … n − 1` (already updated by the
 * earlier block columns), recursively: the left half of the columns is factored, its outer
 * product is subtracted from the right half's lower trapezoid with the shared kernel
 * (`W[h…, h…k1) −= L[h…, k0…h) L[h…k1, k0…h)ᵀ`, an inner dimension of half the width, so most
 * of the panel's flops run at matrix-product speed), then the right half is factored. Panels of
 * at most {@link IB} columns are factored directly: the diagonal block row by row
 * (Cholesky–Banachiewicz, naming a failing pivot), the rows below it by short forward
 * substitutions (`L_ij = (W_ij − Σ_{k0≤p<j} L_ip L_jp) / L_jj`).
 */
function factorPanel(w: Float64Array, n: number, k0: number, k1: number): void {
  if (k1 - k0 > IB) {
    const h = k0 + (((k1 - k0) >> 1) & ~3 || (k1 - k0) >> 1);
    factorPanel(w, n, k0, h);
    gemmNTLower(n - h, k1 - h, h - k0, w, h * n + k0, n, w, h * n + k0, n, w, h * n + h, n, 0);
    factorPanel(w, n, h, k1);
    return;
  }
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
  // Four rows at a time share each load of the diagonal block's row j (dots of at most IB terms).
  let i = k1;
  for (; i + 3 < n; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let s0 = w[r0 + j];
      let s1 = w[r1 + j];
      let s2 = w[r2 + j];
      let s3 = w[r3 + j];
      for (let p = k0; p < j; p++) {
        const l = w[rj + p];
        s0 -= w[r0 + p] * l;
        s1 -= w[r1 + p] * l;
        s2 -= w[r2 + p] * l;
        s3 -= w[r3 + p] * l;
      }
      const d = w[rj + j];
      w[r0 + j] = s0 / d;
      w[r1 + j] = s1 / d;
      w[r2 + j] = s2 / d;
      w[r3 + j] = s3 / d;
    }
  }
  for (; i < n; i++) {
    const ri = i * n;
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      let s = w[ri + j];
      for (let p = k0; p < j; p++) s -= w[ri + p] * w[rj + p];
      w[ri + j] = s / w[rj + j];
    }
  }
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
