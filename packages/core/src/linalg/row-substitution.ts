/**
 * Triangular solves that keep the right-hand sides' rows in place (internal; used by
 * `triangular-solve.ts` when a Float64 product provider with `subtractProductNN` is set). `x` is
 * the row-major n × p right-hand side, overwritten by the solution; only one triangle of the
 * row-major n × n factor is read.
 *
 * Recursive on the unknowns: solve the first half, subtract its contribution from the second
 * half's rows with one product `X[h:e, :] −= T[h:e, s:h] X[s:h, :]` (B's and C's rows are whole
 * rows of `x`, so nothing large is packed or transposed), solve the second half. Below
 * {@link LEAF} unknowns, row operations (`x_i −= t_ik x_k`, contiguous axpys).
 */
import { float64ProductProvider, gemmNNRowsOnProvider, type Float64ProductProvider } from './float64-products.js';

/** Unknowns solved directly by row operations. */
const LEAF = 16;

/** `x ← L⁻¹ x` for the lower triangle of `l`. */
export function forwardLowerRowLayout(l: Float64Array, n: number, x: Float64Array, p: number): void {
  const provider = float64ProductProvider()!;
  const solve = (s: number, e: number): void => {
    if (e - s <= LEAF) {
      for (let i = s; i < e; i++) {
        const ri = i * p;
        for (let k = s; k < i; k++) axpy(x, ri, -l[i * n + k], k * p, p);
        divideRow(x, ri, l[i * n + i], p);
      }
      return;
    }
    const h = s + ((e - s) >> 1);
    solve(s, h);
    subtract(provider, e - h, p, h - s, l, h * n + s, n, false, x, s * p, h * p);
    solve(h, e);
  };
  solve(0, n);
}

/** `x ← L⁻ᵀ x` for the lower triangle of `l` (a back substitution with `U = Lᵀ`). */
export function backwardLowerTransposedRowLayout(l: Float64Array, n: number, x: Float64Array, p: number): void {
  const provider = float64ProductProvider()!;
  const solve = (s: number, e: number): void => {
    if (e - s <= LEAF) {
      for (let i = e - 1; i >= s; i--) {
        const ri = i * p;
        for (let k = i + 1; k < e; k++) axpy(x, ri, -l[k * n + i], k * p, p);
        divideRow(x, ri, l[i * n + i], p);
      }
      return;
    }
    const h = s + ((e - s) >> 1);
    solve(h, e);
    // X[s:h, :] −= U[s:h, h:e] X[h:e, :] with U[s:h, h:e] = L[h:e, s:h]ᵀ.
    subtract(provider, h - s, p, e - h, l, h * n + s, n, true, x, h * p, s * p);
    solve(s, h);
  };
  solve(0, n);
}

/** `x[to + i·p + j] −= Σ_q T[i][q] · x[from + q·p + j]` with `T` an m × k block of the factor (`T[i][q] = t[to_ + i·ld + q]`, or its transpose). */
function subtract(
  provider: Float64ProductProvider,
  m: number,
  p: number,
  k: number,
  t: Float64Array,
  at: number,
  ld: number,
  transposed: boolean,
  x: Float64Array,
  from: number,
  to: number,
): void {
  let a = t;
  let ao = at;
  let lda = ld;
  if (transposed) {
    // The block is read as its transpose: T[i][q] = t[at + q·ld + i]; pack it as m × k.
    a = new Float64Array(m * k);
    for (let q = 0; q < k; q++) for (let i = 0; i < m; i++) a[i * k + q] = t[at + q * ld + i];
    ao = 0;
    lda = k;
  }
  if (m * p * k >= provider.minWork) {
    gemmNNRowsOnProvider(provider, m, p, k, a, ao, lda, x, from, x, to);
    return;
  }
  for (let i = 0; i < m; i++) {
    const ri = to + i * p;
    for (let q = 0; q < k; q++) axpy(x, ri, -a[ao + i * lda + q], from + q * p, p);
  }
}

/** `x[r + j] += alpha · x[s + j]` for `j < p`. */
function axpy(x: Float64Array, r: number, alpha: number, s: number, p: number): void {
  if (alpha === 0) return;
  for (let j = 0; j < p; j++) x[r + j] += alpha * x[s + j];
}

function divideRow(x: Float64Array, r: number, d: number, p: number): void {
  for (let j = 0; j < p; j++) x[r + j] /= d;
}
