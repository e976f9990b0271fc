import { FisherkitError, ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { assertFinite, assertSquare } from '../matrix/validate.js';
import { float64ProductProvider } from './float64-products.js';
import { backwardLowerTransposedRowLayout, forwardLowerRowLayout } from './row-substitution.js';
import { backwardUpperRows, forwardLowerRows, transposeData } from './substitution-kernels.js';

/**
 * Whether a solve of n unknowns keeps the right-hand sides' rows in place (a provider with
 * non-transposed products is set and the system is large enough to use it), instead of working on
 * `Bᵀ` with the built-in kernel.
 */
function rowLayout(n: number): boolean {
  return n >= 64 && float64ProductProvider()?.subtractProductNN !== undefined;
}

function checkSystem(t: Matrix, b: Matrix, op: string): void {
  assertSquare(t, `${op}: the triangular factor`);
  if (b.rows !== t.rows) {
    throw new ShapeError(
      `${op}: the right-hand side has ${b.rows} rows but the ${t.rows} × ${t.cols} factor needs ${t.rows}; ` +
        'pass B with one row per unknown (columns are independent right-hand sides)',
    );
  }
  assertFinite(t, `${op}: the triangular factor`);
  assertFinite(b, `${op}: the right-hand side`);
  const n = t.rows;
  for (let i = 0; i < n; i++) {
    const v = t.data[i * n + i];
    if (v === 0) {
      throw new FisherkitError(
        'singular',
        `${op}: the triangular factor is singular (diagonal entry ${i} is 0); ` +
          'factor a positive definite matrix (add damping) before solving',
      );
    }
  }
}

/**
 * Forward substitution: solves `L X = B` for lower-triangular `L` (entries above the diagonal
 * are ignored). `X_i = (B_i − Σ_{k<i} L_ik X_k) / L_ii`, blocked so that the bulk of the work is
 * matrix products by the shared register-blocked kernel (on `Bᵀ`, so every inner loop runs
 * along contiguous rows). `B` may have many columns.
 *
 * @example
 * ```ts
 * const x = solveLower(cholesky(a), b); // x = L⁻¹ b
 * ```
 */
export function solveLower(l: Matrix, b: Matrix): Matrix {
  checkSystem(l, b, 'solveLower');
  const n = l.rows;
  const p = b.cols;
  if (rowLayout(n)) {
    const x = b.data.slice();
    forwardLowerRowLayout(l.data, n, x, p);
    return { rows: n, cols: p, data: x };
  }
  const xt = transposeData(b.data, n, p);
  forwardLowerRows(l.data, n, xt, p, false);
  return { rows: n, cols: p, data: transposeData(xt, p, n) };
}

/**
 * Back substitution with the transpose of a lower-triangular factor: solves `Lᵀ X = B`
 * (entries of `L` above the diagonal are ignored), blocked as {@link solveUpper} on `U = Lᵀ`.
 *
 * @example
 * ```ts
 * const l = cholesky(a);
 * const x = solveLowerTransposed(l, solveLower(l, b)); // x = A⁻¹ b
 * ```
 */
export function solveLowerTransposed(l: Matrix, b: Matrix): Matrix {
  checkSystem(l, b, 'solveLowerTransposed');
  const n = l.rows;
  const p = b.cols;
  if (rowLayout(n)) {
    const x = b.data.slice();
    backwardLowerTransposedRowLayout(l.data, n, x, p);
    return { rows: n, cols: p, data: x };
  }
  const u = transposeData(l.data, n, n);
  const xt = transposeData(b.data, n, p);
  backwardUpperRows(u, n, xt, p);
  return { rows: n, cols: p, data: transposeData(xt, p, n) };
}

/**
 * Back substitution: solves `U X = B` for upper-triangular `U` (entries below the diagonal are
 * ignored). `X_i = (B_i − Σ_{k>i} U_ik X_k) / U_ii`, from the last block up, blocked like
 * {@link solveLower}.
 *
 * @example
 * ```ts
 * const x = solveUpper(transpose(cholesky(a)), y); // x = L⁻ᵀ y
 * ```
 */
export function solveUpper(u: Matrix, b: Matrix): Matrix {
  checkSystem(u, b, 'solveUpper');
  const n = u.rows;
  const p = b.cols;
  const xt = transposeData(b.data, n, p);
  backwardUpperRows(u.data, n, xt, p);
  return { rows: n, cols: p, data: transposeData(xt, p, n) };
}
