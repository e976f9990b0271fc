/**
 * Cuppen's divide-and-conquer eigensolver for symmetric tridiagonal matrices (internal to the
 * eigen-solvers; not re-exported).
 */
import { gemmNT } from './gemm-kernel.js';
import { BOTTOM, DENSE, TOP, deflateRankOne } from './rank-one-deflation.js';
import { rankOneUpdateEigen } from './rank-one-update-eigen.js';
import { tridiagonalQl } from './tridiagonal-ql.js';

/**
 * Sub-problems of at most this order are solved by implicit QL ({@link tridiagonalQl}) instead
 * of being split further (measured: see packages/core/bench/linalg.ts and docs/benchmarks.md).
 */
export const DIVIDE_CONQUER_LEAF = 48;

/**
 * Orders above which `symmetricEigen` solves the tridiagonal problem by divide and conquer (and
 * back-transforms with blocked reflectors) instead of QL on the accumulated Q (measured).
 */
export const DIVIDE_CONQUER_MIN_ORDER = 64;

/**
 * Eigendecomposition `T = Z diag(d) Zᵀ` of the symmetric tridiagonal `T = tridiag(e, d, e)` by
 * divide and conquer. On return `d` holds the eigenvalues in ascending order and the returned
 * row-major n × n array `Z` the eigenvectors as columns; `e` is destroyed.
 *
 * T is scaled by its largest entry, then split recursively: with `m` the last row of the first
 * half and `β = e_m`,
 *
 *   `T = diag(T₁ − |β| e_m e_mᵀ, T₂ − |β| e₁e₁ᵀ) + |β| u uᵀ`,  `u = e_m + sign(β) e_{m+1}`,
 *
 * so from `T_i = Q_i D_i Q_iᵀ` (recursively, QL below {@link DIVIDE_CONQUER_LEAF})
 * `T = diag(Q₁, Q₂) (D + ρ z zᵀ) diag(Q₁, Q₂)ᵀ` with `z = (last row of Q₁, sign(β) · first row
 * of Q₂)/√2` and `ρ = 2|β|`. After deflation ({@link deflateRankOne}) the remaining k × k
 * problem is solved by {@link rankOneUpdateEigen} (`D + ρ z zᵀ = U Λ Uᵀ`) and the merged
 * eigenvectors are `diag(Q₁, Q₂) U`: two matrix products on the shared kernel, one for the rows
 * of the first half (over the columns supported there) and one for the second.
 *
 * @example
 * ```ts
 * const d = Float64Array.of(2, 2, 2), e = Float64Array.of(1, 1, 0);
 * const z = tridiagonalDivideConquer(d, e, 3); // d = [2 − √2, 2, 2 + √2]
 * ```
 */
export function tridiagonalDivideConquer(d: Float64Array, e: Float64Array, n: number): Float64Array {
  const z = new Float64Array(n * n);
  if (n === 0) return z;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]), i < n - 1 ? Math.abs(e[i]) : 0);
  if (scale === 0) {
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
    return z;
  }
  for (let i = 0; i < n; i++) {
    d[i] /= scale;
    e[i] /= scale;
  }
  e[n - 1] = 0;
  solve(d, e, z, n, 0, n);
  for (let i = 0; i < n; i++) d[i] *= scale;
  return z;
}

/** Solves the block `lo … lo + m − 1`: eigenvalues ascending in `d[lo …]`, vectors in `z`'s diagonal block. */
function solve(d: Float64Array, e: Float64Array, z: Float64Array, ldz: number, lo: number, m: number): void {
  if (m <= DIVIDE_CONQUER_LEAF) {
    leaf(d, e, z, ldz, lo, m);
    return;
  }
  const n1 = m >> 1;
  const mid = lo + n1 - 1;
  const beta = e[mid];
  const ab = Math.abs(beta);
  d[mid] -= ab;
  d[mid + 1] -= ab;
  solve(d, e, z, ldz, lo, n1);
  solve(d, e, z, ldz, lo + n1, m - n1);
  merge(d, z, ldz, lo, m, n1, beta);
}

/** QL on a small block, eigenpairs sorted ascending into place. */
function leaf(d: Float64Array, e: Float64Array, z: Float64Array, ldz: number, lo: number, m: number): void {
  const dd = d.slice(lo, lo + m);
  const ee = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) ee[i] = e[lo + i];
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  tridiagonalQl(dd, ee, v, m);
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => dd[x] - dd[y]);
  for (let c = 0; c < m; c++) d[lo + c] = dd[order[c]];
  for (let r = 0; r < m; r++) {
    const out = (lo + r) * ldz + lo;
    const src = r * m;
    for (let c = 0; c < m; c++) z[out + c] = v[src + order[c]];
  }
}

/** Merges the solved halves `lo … lo + n1 − 1` and `lo + n1 … lo + m − 1` coupled by `beta`. */
function merge(d: Float64Array, z: Float64Array, ldz: number, lo: number, m: number, n1: number, beta: number): void {
  const n2 = m - n1;
  const qo = lo * ldz + lo;
  const dm = d.subarray(lo, lo + m);
  const w = new Float64Array(m);
  const sgn = beta >= 0 ? Math.SQRT1_2 : -Math.SQRT1_2;
  const lastRow = qo + (n1 - 1) * ldz;
  for (let c = 0; c < n1; c++) w[c] = Math.SQRT1_2 * z[lastRow + c];
  const firstRow = qo + n1 * ldz;
  for (let c = n1; c < m; c++) w[c] = sgn * z[firstRow + c];
  const rho = 2 * Math.abs(beta);
  const { k, kept, deflated, support } = deflateRankOne(dm, w, rho, m, n1, z, qo, ldz);

  // Kept columns grouped by support (top-only, dense, bottom-only) for the two products.
  let k1 = 0;
  let k2 = 0;
  for (let p = 0; p < k; p++) {
    const s = support[kept[p]];
    if (s === TOP) k1++;
    else if (s === DENSE) k2++;
  }
  const k3 = k - k1 - k2;
  const col = new Int32Array(k);
  let g1 = 0;
  let g2 = k1;
  let g3 = k1 + k2;
  for (let p = 0; p < k; p++) {
    const s = support[kept[p]];
    col[p] = s === TOP ? g1++ : s === DENSE ? g2++ : g3++;
  }
  const lambda = new Float64Array(k);
  const c = new Float64Array(m * k);
  if (k > 0) {
    const dl = new Float64Array(k);
    const zl = new Float64Array(k);
    for (let p = 0; p < k; p++) {
      dl[p] = dm[kept[p]];
      zl[p] = w[kept[p]];
    }
    const ut = new Float64Array(k * k);
    rankOneUpdateEigen(dl, zl, rho, k, lambda, ut, k, col, -1, new Float64Array(k * k));
    // Gathered kept columns, rows of the first half over top + dense, second half over dense + bottom.
    const kt = k1 + k2;
    const kb = k2 + k3;
    const top = new Float64Array(n1 * kt);
    const bot = new Float64Array(n2 * kb);
    const srcTop = new Int32Array(kt);
    const srcBot = new Int32Array(kb);
    for (let p = 0; p < k; p++) {
      const cp = col[p];
      if (cp < kt) srcTop[cp] = kept[p];
      if (cp >= k1) srcBot[cp - k1] = kept[p];
    }
    for (let r = 0; r < n1; r++) {
      const row = qo + r * ldz;
      const o = r * kt;
      for (let q = 0; q < kt; q++) top[o + q] = z[row + srcTop[q]];
    }
    for (let r = 0; r < n2; r++) {
      const row = qo + (n1 + r) * ldz;
      const o = r * kb;
      for (let q = 0; q < kb; q++) bot[o + q] = z[row + srcBot[q]];
    }
    // C = diag(Q₁, Q₂) U, with ut holding −Uᵀ (gemmNT subtracts).
    gemmNT(n1, k, kt, top, 0, kt, ut, 0, k, c, 0, k);
    gemmNT(n2, k, kb, bot, 0, kb, ut, k1, k, c, n1 * k, k);
  }

  // Eigenvalues ascending: the k new ones (already sorted) merged with the sorted deflated ones.
  const defl = Array.from(deflated).sort((x, y) => dm[x] - dm[y]);
  const nd = defl.length;
  // Output column t is column fromC[t] of C when ≥ 0, else column −1 − fromC[t] of the old block.
  const fromC = new Int32Array(m);
  const values = new Float64Array(m);
  let a = 0;
  let b = 0;
  for (let t = 0; t < m; t++) {
    if (b >= nd || (a < k && lambda[a] <= dm[defl[b]])) {
      values[t] = lambda[a];
      fromC[t] = a++;
    } else {
      values[t] = dm[defl[b]];
      fromC[t] = -1 - defl[b++];
    }
  }
  const out = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const row = qo + r * ldz;
    const rc = r * k;
    for (let t = 0; t < m; t++) {
      const f = fromC[t];
      out[t] = f >= 0 ? c[rc + f] : z[row - 1 - f];
    }
    z.set(out, row);
  }
  dm.set(values);
}
