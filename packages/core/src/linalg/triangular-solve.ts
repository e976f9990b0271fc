import { FisherkitError, ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { assertFinite, assertSquare } from '../matrix/validate.js';

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
 * are ignored). `X_i = (B_i − Σ_{k<i} L_ik X_k) / L_ii`, row by row, so the inner loops run
 * along contiguous rows of `X`. `B` may have many columns.
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
  const ld = l.data;
  const x = b.data.slice();
  for (let i = 0; i < n; i++) {
    const xi = i * p;
    const li = i * n;
    for (let k = 0; k < i; k++) {
      const s = ld[li + k];
      if (s === 0) continue;
      const xk = k * p;
      for (let j = 0; j < p; j++) x[xi + j] -= s * x[xk + j];
    }
    const inv = 1 / ld[li + i];
    for (let j = 0; j < p; j++) x[xi + j] *= inv;
  }
  return { rows: n, cols: p, data: x };
}

/**
 * Back substitution with the transpose of a lower-triangular factor: solves `Lᵀ X = B`
 * (entries of `L` above the diagonal are ignored). Column-oriented, so it reads rows of `L`:
 * once `X_i = B_i / L_ii` is final, `B_k −= L_ik X_i` for every `k < i`.
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
  const ld = l.data;
  const x = b.data.slice();
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * p;
    const li = i * n;
    const inv = 1 / ld[li + i];
    for (let j = 0; j < p; j++) x[xi + j] *= inv;
    for (let k = 0; k < i; k++) {
      const s = ld[li + k];
      if (s === 0) continue;
      const xk = k * p;
      for (let j = 0; j < p; j++) x[xk + j] -= s * x[xi + j];
    }
  }
  return { rows: n, cols: p, data: x };
}

/**
 * Back substitution: solves `U X = B` for upper-triangular `U` (entries below the diagonal are
 * ignored). `X_i = (B_i − Σ_{k>i} U_ik X_k) / U_ii`, from the last row up.
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
  const ud = u.data;
  const x = b.data.slice();
  for (let i = n - 1; i >= 0; i--) {
    const xi = i * p;
    const ui = i * n;
    for (let k = i + 1; k < n; k++) {
      const s = ud[ui + k];
      if (s === 0) continue;
      const xk = k * p;
      for (let j = 0; j < p; j++) x[xi + j] -= s * x[xk + j];
    }
    const inv = 1 / ud[ui + i];
    for (let j = 0; j < p; j++) x[xi + j] *= inv;
  }
  return { rows: n, cols: p, data: x };
}
