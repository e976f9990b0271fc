/**
 * Blocked application of the orthogonal factor of a Householder tridiagonalisation to a matrix
 * (internal to the eigen-solvers; not re-exported).
 */
import { gemmNT } from './gemm-kernel.js';
import type { HouseholderTridiagonal } from './householder-tridiagonal.js';

/** Number of reflectors per block. */
export const BACK_TRANSFORM_BLOCK = 64;

/**
 * Copies the stored reflectors `j0 … j0 + b − 1` of a tridiagonalisation (row k of `a` holds
 * reflector k from column k + 1) into `vt` as rows (stride n, zero-padded) and into `v` as the
 * columns of V below row j0 (`v[r][s] = vt[s][j0 + 1 + r]`, stride `ldv`). Returns false, writing
 * nothing, when every reflector of the block is the identity (β = 0).
 * @example `if (gatherReflectorBlock(a, n, beta, j0, b, vt, v, 64)) compactWyFactor(vt, n, beta, j0, b, tm, 64)`
 */
export function gatherReflectorBlock(
  a: Float64Array,
  n: number,
  beta: Float64Array,
  j0: number,
  b: number,
  vt: Float64Array,
  v: Float64Array,
  ldv: number,
): boolean {
  let any = false;
  for (let s = 0; s < b; s++) if (beta[j0 + s] !== 0) any = true;
  if (!any) return false;
  const c0 = j0 + 1;
  vt.fill(0, 0, b * n);
  for (let s = 0; s < b; s++) {
    const k = j0 + s;
    if (beta[k] === 0) continue;
    const rk = k * n;
    const rs = s * n;
    for (let c = k + 1; c < n; c++) vt[rs + c] = a[rk + c];
  }
  for (let r = 0; r < n - c0; r++) for (let s = 0; s < b; s++) v[r * ldv + s] = vt[s * n + c0 + r];
  return true;
}

/**
 * Compact WY factor of the reflectors `j0 … j0 + b − 1`: `H_{j0} ⋯ H_{j0+b−1} = I − V T Vᵀ`
 * with V the reflectors as columns (`vt` holds them as rows, stride n, zero-padded) and T upper
 * triangular: `T_ii = β_i`, `T[<i, i] = −β_i T[<i, <i] (V[:, <i]ᵀ v_i)`. Writes T row-major into
 * `tm` (stride `ldt`).
 * @example `compactWyFactor(vt, n, beta, j0, b, tm, 32)`
 */
export function compactWyFactor(
  vt: Float64Array,
  n: number,
  beta: Float64Array,
  j0: number,
  b: number,
  tm: Float64Array,
  ldt: number,
): void {
  // Gram matrix G = Vᵀ V (the zero padding of vt restricts each dot to the rows both reach).
  const g = new Float64Array(b * b);
  gemmNT(b, b, n, vt, 0, n, vt, 0, n, g, 0, b); // g = −VᵀV
  tm.fill(0, 0, b * ldt);
  for (let i = 0; i < b; i++) {
    const bi = beta[j0 + i];
    tm[i * ldt + i] = bi;
    if (bi === 0 || i === 0) continue;
    for (let s = 0; s < i; s++) {
      let dot = 0;
      for (let q = s; q < i; q++) dot += tm[s * ldt + q] * g[q * b + i];
      tm[s * ldt + i] = bi * dot;
    }
  }
}

/**
 * `X ← X Qᵀ` for a row-major m × n `X`, where `Q = H_0 H_1 ⋯ H_{n−3}` is the orthogonal factor
 * of `t` (`Qᵀ A Q = T`). With `X = Zᵀ` for eigenvectors `Z` of T, the result is `(Q Z)ᵀ`: the
 * eigenvectors of A as rows.
 *
 * The reflectors are applied in blocks of {@link BACK_TRANSFORM_BLOCK}, last block first, in the
 * compact WY form ({@link compactWyFactor}): `X ← X − (X V)(V T)ᵀ`, matrix products on the
 * shared kernel restricted to the columns ≥ j0 + 1 that the block touches — about `2 m n²`
 * multiply-adds in all, at matrix-product speed.
 *
 * @example `applyTransposedQ(householderTridiagonal(work, n), x, n)`
 */
export function applyTransposedQ(t: HouseholderTridiagonal, x: Float64Array, m: number): void {
  const { n, reflectors: a, beta } = t;
  if (n <= 2) return;
  const nb = BACK_TRANSFORM_BLOCK;
  const vt = new Float64Array(nb * n); // block reflectors as rows (zero-padded), stride n
  const v = new Float64Array(n * nb); // their transpose, rows c ≥ j0 + 1, stride nb
  const y = new Float64Array(m * nb); // −X V, stride nb
  const tm = new Float64Array(nb * nb);
  const tt = new Float64Array(nb * nb); // Tᵀ
  const vtm = new Float64Array(n * nb); // −V T, stride nb
  for (let j1 = n - 2; j1 > 0; j1 -= nb) {
    const j0 = Math.max(0, j1 - nb);
    const b = j1 - j0;
    if (!gatherReflectorBlock(a, n, beta, j0, b, vt, v, nb)) continue;
    const c0 = j0 + 1;
    const w = n - c0;
    compactWyFactor(vt, n, beta, j0, b, tm, nb);
    // vtm = −V T (w × b): V times the transpose of tt = Tᵀ.
    for (let q = 0; q < b; q++) for (let s2 = 0; s2 < b; s2++) tt[q * nb + s2] = tm[s2 * nb + q];
    vtm.fill(0, 0, w * nb);
    gemmNT(w, b, b, v, 0, nb, tt, 0, nb, vtm, 0, nb);
    // y = −X[:, c0…] V.
    y.fill(0, 0, m * nb);
    gemmNT(m, b, w, x, c0, n, vt, c0, n, y, 0, nb);
    // X[:, c0…] −= (X V)(V T)ᵀ = y · vtmᵀ.
    gemmNT(m, w, b, y, 0, nb, vtm, 0, nb, x, c0, n);
  }
}
