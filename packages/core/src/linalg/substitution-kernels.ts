/**
 * Blocked triangular substitutions on the rows of a right-hand-side panel (internal to the
 * linear-algebra routines; not re-exported): the bulk of the work goes through the shared
 * register-blocked kernel of `gemm-kernel.ts`.
 */
import { gemmNT } from './gemm-kernel.js';

/** Block size of the blocked substitutions. */
const NB = 64;

/** `out = xᵀ` for the row-major r × c `x` (`out` is c × r). */
export function transposeData(x: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i0 = 0; i0 < r; i0 += 32) {
    const i1 = Math.min(r, i0 + 32);
    for (let j0 = 0; j0 < c; j0 += 32) {
      const j1 = Math.min(c, j0 + 32);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = x[i * c + j];
    }
  }
  return out;
}

/**
 * Blocked forward substitution on rows: every row `x` of the row-major p × n `xt` becomes
 * `L⁻¹ x` (so `xt ← xt L⁻ᵀ`); only the lower triangle of the row-major n × n `l` is read.
 * Per block of {@link NB} unknowns `I`, the contributions of all earlier unknowns are subtracted
 * by one matrix product, `X[:, I] −= X[:, <I] L[I, <I]ᵀ` ({@link gemmNT}), then each row finishes
 * the block with a short substitution along contiguous rows of `L`.
 *
 * With `identityRhs` the rows start as the identity (`p = n`, `xt = I`): row r stays zero in
 * columns < r, so only the non-zero parts are touched and `xt` ends as `L⁻ᵀ` (upper triangular).
 * @example `forwardLowerRows(l.data, n, xt, p, false)`
 */
export function forwardLowerRows(l: Float64Array, n: number, xt: Float64Array, p: number, identityRhs: boolean): void {
  for (let i0 = 0; i0 < n; i0 += NB) {
    const i1 = Math.min(n, i0 + NB);
    const ib = i1 - i0;
    if (identityRhs) {
      // Rows r < i0 in strips: row r is zero before column r.
      for (let r0 = 0; r0 < i0; r0 += NB) {
        const rb = Math.min(NB, i0 - r0);
        gemmNT(rb, ib, i0 - r0, xt, r0 * n + r0, n, l, i0 * n + r0, n, xt, r0 * n + i0, n);
      }
    } else {
      gemmNT(p, ib, i0, xt, 0, n, l, i0 * n, n, xt, i0, n);
    }
    const rows = identityRhs ? i1 : p;
    // Four rows at a time share each load of L's row i (rows past the identity's staircase only).
    let r = 0;
    if (!identityRhs) for (; r + 3 < rows; r += 4) forwardBlockFourRows(l, n, xt, r * n, i0, i1);
    for (; r < rows; r++) {
      const rr = r * n;
      const start = identityRhs ? Math.max(i0, r) : i0;
      for (let i = start; i < i1; i++) {
        const li = i * n;
        let s0 = xt[rr + i];
        let s1 = 0;
        let k = start;
        for (; k + 1 < i; k += 2) {
          s0 -= l[li + k] * xt[rr + k];
          s1 -= l[li + k + 1] * xt[rr + k + 1];
        }
        if (k < i) s0 -= l[li + k] * xt[rr + k];
        xt[rr + i] = (s0 + s1) / l[li + i];
      }
    }
  }
}

/**
 * Blocked back substitution on rows: every row `x` of the row-major p × n `xt` becomes `U⁻¹ x`;
 * only the upper triangle of the row-major n × n `u` is read. Blocks of {@link NB} unknowns from
 * the last: `X[:, I] −= X[:, >I] U[I, >I]ᵀ` by {@link gemmNT}, then a short substitution per row.
 * @example `backwardUpperRows(u.data, n, xt, p)`
 */
export function backwardUpperRows(u: Float64Array, n: number, xt: Float64Array, p: number): void {
  for (let i1 = n; i1 > 0; i1 -= NB) {
    const i0 = Math.max(0, i1 - NB);
    gemmNT(p, i1 - i0, n - i1, xt, i1, n, u, i0 * n + i1, n, xt, i0, n);
    let r = 0;
    for (; r + 3 < p; r += 4) backwardBlockFourRows(u, n, xt, r * n, i0, i1);
    for (; r < p; r++) {
      const rr = r * n;
      for (let i = i1 - 1; i >= i0; i--) {
        const ui = i * n;
        let s0 = xt[rr + i];
        let s1 = 0;
        let k = i + 1;
        for (; k + 1 < i1; k += 2) {
          s0 -= u[ui + k] * xt[rr + k];
          s1 -= u[ui + k + 1] * xt[rr + k + 1];
        }
        if (k < i1) s0 -= u[ui + k] * xt[rr + k];
        xt[rr + i] = (s0 + s1) / u[ui + i];
      }
    }
  }
}


/** The in-block forward substitution of {@link forwardLowerRows} for the four rows starting at `rr`. */
function forwardBlockFourRows(l: Float64Array, n: number, xt: Float64Array, rr: number, i0: number, i1: number): void {
  const r1 = rr + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  for (let i = i0; i < i1; i++) {
    const li = i * n;
    let s0 = xt[rr + i];
    let s1 = xt[r1 + i];
    let s2 = xt[r2 + i];
    let s3 = xt[r3 + i];
    for (let k = i0; k < i; k++) {
      const v = l[li + k];
      s0 -= v * xt[rr + k];
      s1 -= v * xt[r1 + k];
      s2 -= v * xt[r2 + k];
      s3 -= v * xt[r3 + k];
    }
    const d = l[li + i];
    xt[rr + i] = s0 / d;
    xt[r1 + i] = s1 / d;
    xt[r2 + i] = s2 / d;
    xt[r3 + i] = s3 / d;
  }
}

/** The in-block back substitution of {@link backwardUpperRows} for the four rows starting at `rr`. */
function backwardBlockFourRows(u: Float64Array, n: number, xt: Float64Array, rr: number, i0: number, i1: number): void {
  const r1 = rr + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  for (let i = i1 - 1; i >= i0; i--) {
    const ui = i * n;
    let s0 = xt[rr + i];
    let s1 = xt[r1 + i];
    let s2 = xt[r2 + i];
    let s3 = xt[r3 + i];
    for (let k = i + 1; k < i1; k++) {
      const v = u[ui + k];
      s0 -= v * xt[rr + k];
      s1 -= v * xt[r1 + k];
      s2 -= v * xt[r2 + k];
      s3 -= v * xt[r3 + k];
    }
    const d = u[ui + i];
    xt[rr + i] = s0 / d;
    xt[r1 + i] = s1 / d;
    xt[r2 + i] = s2 / d;
    xt[r3 + i] = s3 / d;
  }
}
