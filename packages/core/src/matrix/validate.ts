import { NonFiniteError, ShapeError } from '../errors.js';
import type { Matrix } from './matrix.js';

/**
 * Throws a {@link NonFiniteError} naming the first NaN/±Infinity entry of `m`.
 * @example `assertFinite(m, 'gradient of layer 3')`
 */
export function assertFinite(m: Matrix, what = 'matrix'): void {
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    if (!Number.isFinite(d[k])) throwNonFinite(m, k, what);
  }
}

function throwNonFinite(m: Matrix, k: number, what: string): never {
  const i = Math.floor(k / m.cols);
  throw new NonFiniteError(`${what} has a non-finite entry ${m.data[k]} at (${i}, ${k - i * m.cols}); remove NaN/Infinity from the input`);
}

/**
 * Throws a {@link ShapeError} unless `m` is square.
 * @example `assertSquare(a, 'A')`
 */
export function assertSquare(m: Matrix, what = 'matrix'): void {
  if (m.rows !== m.cols) throw new ShapeError(`${what} must be square, got ${m.rows} × ${m.cols}`);
}

/**
 * Throws unless `m` is square, finite and symmetric to a relative tolerance:
 * `|m_ij − m_ji| ≤ tol · max(1, max|m|)`. Finiteness is checked in the same pass (a
 * {@link NonFiniteError} as from {@link assertFinite}), so callers need no second pass.
 * @example `assertSymmetric(a, 'A', 1e-10)`
 */
export function assertSymmetric(m: Matrix, what = 'matrix', tol = 1e-8): void {
  assertSquare(m, what);
  const n = m.rows;
  const d = m.data;
  // One pass over pairs (m_ij, m_ji) in 32 × 32 tiles, so the transposed reads stay in cache:
  // the largest |m_ij| and |m_ij − m_ji| together; entries are located only if a check fails.
  let scale = 1;
  let asymmetry = 0;
  let probe = 0; // stays 0 while every entry is finite (x − x is NaN for ±Infinity and NaN)
  for (let i0 = 0; i0 < n; i0 += SYMMETRY_TILE) {
    const i1 = Math.min(n, i0 + SYMMETRY_TILE);
    for (let j0 = i0; j0 < n; j0 += SYMMETRY_TILE) {
      const j1 = Math.min(n, j0 + SYMMETRY_TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i); j < j1; j++) {
          const x = d[i * n + j];
          const y = d[j * n + i];
          const big = Math.max(Math.abs(x), Math.abs(y));
          if (big > scale) scale = big;
          const gap = Math.abs(x - y);
          if (gap > asymmetry) asymmetry = gap;
          probe += x - x + (y - y);
        }
      }
    }
  }
  if (probe !== 0) {
    for (let k = 0; k < d.length; k++) if (!Number.isFinite(d[k])) throwNonFinite(m, k, what);
  }
  const bound = tol * scale;
  if (asymmetry <= bound) return;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(d[i * n + j] - d[j * n + i]) > bound) {
        throw new ShapeError(
          `${what} must be symmetric but entry (${i}, ${j}) = ${d[i * n + j]} differs from (${j}, ${i}) = ${d[j * n + i]}; ` +
            'symmetrise it with symmetrize(m) = (m + mᵀ)/2 first',
        );
      }
    }
  }
}

const SYMMETRY_TILE = 32;

/**
 * Throws a {@link ShapeError} unless `m` has the expected shape.
 * @example `assertShape(v, 4, 3, 'v')`
 */
export function assertShape(m: Matrix, rows: number, cols: number, what = 'matrix'): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ShapeError(`${what} must be ${rows} × ${cols}, got ${m.rows} × ${m.cols}`);
  }
}
