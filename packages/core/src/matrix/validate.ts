import { NonFiniteError, ShapeError } from '../errors.js';
import type { Matrix } from './matrix.js';

/**
 * Throws a {@link NonFiniteError} naming the first NaN/±Infinity entry of `m`.
 * @example `assertFinite(m, 'gradient of layer 3')`
 */
export function assertFinite(m: Matrix, what = 'matrix'): void {
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k])) {
      const i = Math.floor(k / m.cols);
      throw new NonFiniteError(
        `${what} has a non-finite entry ${d[k]} at (${i}, ${k - i * m.cols}); remove NaN/Infinity from the input`,
      );
    }
  }
}

/**
 * Throws a {@link ShapeError} unless `m` is square.
 * @example `assertSquare(a, 'A')`
 */
export function assertSquare(m: Matrix, what = 'matrix'): void {
  if (m.rows !== m.cols) throw new ShapeError(`${what} must be square, got ${m.rows} × ${m.cols}`);
}

/**
 * Throws unless `m` is square and symmetric to a relative tolerance:
 * `|m_ij − m_ji| ≤ tol · max(1, max|m|)`.
 * @example `assertSymmetric(a, 'A', 1e-10)`
 */
export function assertSymmetric(m: Matrix, what = 'matrix', tol = 1e-8): void {
  assertSquare(m, what);
  const n = m.rows;
  const d = m.data;
  let scale = 1;
  for (let k = 0; k < d.length; k++) scale = Math.max(scale, Math.abs(d[k]));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(d[i * n + j] - d[j * n + i]) > tol * scale) {
        throw new ShapeError(
          `${what} must be symmetric but entry (${i}, ${j}) = ${d[i * n + j]} differs from (${j}, ${i}) = ${d[j * n + i]}; ` +
            'symmetrise it with symmetrize(m) = (m + mᵀ)/2 first',
        );
      }
    }
  }
}

/**
 * Throws a {@link ShapeError} unless `m` has the expected shape.
 * @example `assertShape(v, 4, 3, 'v')`
 */
export function assertShape(m: Matrix, rows: number, cols: number, what = 'matrix'): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ShapeError(`${what} must be ${rows} × ${cols}, got ${m.rows} × ${m.cols}`);
  }
}
