/**
 * Shared register-blocked matrix-product kernel of the linear-algebra routines (internal; not
 * re-exported): `C −= A Bᵀ` on row-major panels, so every inner loop walks contiguous rows of A
 * and B (a dot product along k).
 *
 * The C block is covered by 4 × 4 tiles whose 16 sums stay in registers while 4 rows of A and
 * 4 rows of B are streamed along k (8 loads per 16 multiply-adds instead of 2 per 1); k is cut
 * into chunks of {@link KC} so the 8 row segments of a tile stay in L1 while the tile loop runs.
 * Edge tiles (m or n not a multiple of 4) fall back to 1 × 4, 4 × 1 and 1 × 1 dot products.
 */

import { float64ProductProvider, gemmNTOnProvider, packedRows } from './float64-products.js';
import { gemmNTWasm } from './gemm-wasm.js';

/** Length of the k chunks (doubles): 8 row segments of 256 doubles fit a 32 KiB L1 cache. */
export const KC = 256;

/**
 * Products with at least this many multiply-adds (m·n·k), and every dimension ≥ 4, go to the
 * WebAssembly SIMD kernel (`gemm-wasm.ts`, about 2.5× the plain-JavaScript rate on the reference
 * machine); smaller ones, where packing and copying C would dominate, stay in JavaScript.
 */
export const WASM_MIN_WORK = 16384;

/**
 * `C[i][j] −= Σ_{p<k} A[i][p] · B[j][p]` for `i < m`, `j < n`, where `A[i][p] = a[ao + i·lda + p]`,
 * `B[j][p] = b[bo + j·ldb + p]` and `C[i][j] = c[co + i·ldc + j]`. C may alias neither A nor B
 * on the entries it writes. Large products run on the WebAssembly SIMD kernel where the runtime
 * has one ({@link WASM_MIN_WORK}), the rest (and everything elsewhere) on {@link gemmNTPlain};
 * both sum each entry in the same order.
 * @example `gemmNT(m, n, k, a, 0, k, b, 0, k, c, 0, n)` // C −= A Bᵀ for dense row-major A, B, C
 */
export function gemmNT(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
): void {
  const provider = float64ProductProvider();
  if (provider !== undefined && m * n * k >= provider.minWork && m > 0 && n > 0 && k > 0) {
    gemmNTOnProvider(provider, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
    return;
  }
  if (m >= 4 && n >= 4 && k >= 4 && m * n * k >= WASM_MIN_WORK && gemmNTWasm(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc)) {
    return;
  }
  gemmNTPlain(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
}

/**
 * {@link gemmNT} in plain JavaScript (the fallback where WebAssembly SIMD is unavailable).
 * @example `gemmNTPlain(m, n, k, a, 0, k, b, 0, k, c, 0, n)`
 */
export function gemmNTPlain(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
): void {
  if (m <= 0 || n <= 0 || k <= 0) return;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // Blocks of B rows small enough (≤ 128 KiB) to stay in L2 while all of A streams past them.
    const nc = Math.max(16, (16384 / kc) & ~3);
    for (let j0 = 0; j0 < n; j0 += nc) {
      const nb = Math.min(nc, n - j0);
      gemmChunk(m, nb, kc, a, ao + p0, lda, b, bo + j0 * ldb + p0, ldb, c, co + j0, ldc);
    }
  }
}

function gemmChunk(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
): void {
  const m4 = m - (m & 3);
  const n4 = n - (n & 3);
  let i = 0;
  for (; i < m4; i += 4) {
    const a0 = ao + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = co + i * ldc;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = bo + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const x2 = a[a2 + p];
        const x3 = a[a3 + p];
        const y0 = b[b0 + p];
        const y1 = b[b1 + p];
        const y2 = b[b2 + p];
        const y3 = b[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      const r0 = c0 + j;
      const r1 = r0 + ldc;
      const r2 = r1 + ldc;
      const r3 = r2 + ldc;
      c[r0] -= s00; c[r0 + 1] -= s01; c[r0 + 2] -= s02; c[r0 + 3] -= s03;
      c[r1] -= s10; c[r1 + 1] -= s11; c[r1 + 2] -= s12; c[r1 + 3] -= s13;
      c[r2] -= s20; c[r2 + 1] -= s21; c[r2 + 2] -= s22; c[r2 + 3] -= s23;
      c[r3] -= s30; c[r3 + 1] -= s31; c[r3 + 2] -= s32; c[r3 + 3] -= s33;
    }
    for (; j < n; j++) {
      const b0 = bo + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p];
        s0 += a[a0 + p] * y;
        s1 += a[a1 + p] * y;
        s2 += a[a2 + p] * y;
        s3 += a[a3 + p] * y;
      }
      c[c0 + j] -= s0;
      c[c0 + ldc + j] -= s1;
      c[c0 + 2 * ldc + j] -= s2;
      c[c0 + 3 * ldc + j] -= s3;
    }
  }
  for (; i < m; i++) {
    const a0 = ao + i * lda;
    const c0 = co + i * ldc;
    let j = 0;
    for (; j < n4; j += 4) {
      const b0 = bo + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p];
        s0 += x * b[b0 + p];
        s1 += x * b[b1 + p];
        s2 += x * b[b2 + p];
        s3 += x * b[b3 + p];
      }
      c[c0 + j] -= s0;
      c[c0 + j + 1] -= s1;
      c[c0 + j + 2] -= s2;
      c[c0 + j + 3] -= s3;
    }
    for (; j < n; j++) {
      const b0 = bo + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p] * b[b0 + p];
      c[c0 + j] -= s;
    }
  }
}

/**
 * `C −= A Bᵀ` as {@link gemmNT}, but only the tiles that meet the lower triangle `j ≤ i + off`
 * of C are computed (tiles on the diagonal are computed whole, so a few entries above it are
 * written too). For symmetric rank-k updates (`B = A`), where only the lower triangle is kept.
 * Large updates run on the WebAssembly SIMD kernel, which writes only the entries `j ≤ i + off`.
 * @example `gemmNTLower(n, n, k, l, 0, n, l, 0, n, c, 0, n, 0)` // lower triangle of C −= L Lᵀ
 */
export function gemmNTLower(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
  off: number,
): void {
  const provider = float64ProductProvider();
  if (provider !== undefined && m * n * k >= 2 * provider.minWork) {
    // Block columns of C, each from the first row that meets the triangle down: the provider
    // computes little above the diagonal (half a block per block column) instead of all of it.
    if (a === b && ao === bo && lda === ldb && lda !== k) {
      // A symmetric rank-k update (B = A, as in Cholesky): pack the rows once for every block.
      a = packedRows(a, ao, lda, m, k);
      b = a;
      ao = bo = 0;
      lda = ldb = k;
    }
    for (let j0 = 0; j0 < n; j0 += LOWER_BLOCK) {
      const nb = Math.min(LOWER_BLOCK, n - j0);
      const i0 = Math.max(0, j0 - off);
      if (i0 >= m) break;
      const rows = m - i0;
      const at = ao + i0 * lda;
      const bt = bo + j0 * ldb;
      const ct = co + i0 * ldc + j0;
      if (rows * nb * k >= provider.minWork) gemmNTOnProvider(provider, rows, nb, k, a, at, lda, b, bt, ldb, c, ct, ldc, i0 + off - j0);
      else gemmNTLowerBuiltIn(rows, nb, k, a, at, lda, b, bt, ldb, c, ct, ldc, i0 + off - j0);
    }
    return;
  }
  gemmNTLowerBuiltIn(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, off);
}

/** Width of the block columns in which {@link gemmNTLower} hands a triangle to a Float64 product provider. */
const LOWER_BLOCK = 128;

function gemmNTLowerBuiltIn(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
  off: number,
): void {
  if (m >= 4 && n >= 4 && k >= 4 && m * n * k >= 2 * WASM_MIN_WORK && gemmNTWasm(m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc, off)) {
    return;
  }
  // Blocks of 32 rows of B: block j0 … j1−1 meets rows i ≥ j0 − off; the rows that reach the
  // diagonal inside the block go in strips of 4 so little above the diagonal is computed.
  for (let j0 = 0; j0 < n; j0 += 32) {
    const nb = Math.min(32, n - j0);
    let i0 = Math.max(0, j0 - off);
    const full = Math.max(i0, j0 + nb - 1 - off); // rows ≥ full need the whole block
    for (; i0 < Math.min(full, m); i0 += 4) {
      const rows = Math.min(4, m - i0);
      const cols = Math.min(nb, i0 + rows + off - j0);
      if (cols > 0) gemmNT(rows, cols, k, a, ao + i0 * lda, lda, b, bo + j0 * ldb, ldb, c, co + i0 * ldc + j0, ldc);
    }
    if (i0 < m) gemmNT(m - i0, nb, k, a, ao + i0 * lda, lda, b, bo + j0 * ldb, ldb, c, co + i0 * ldc + j0, ldc);
  }
}
