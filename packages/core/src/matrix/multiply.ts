import { ShapeError } from '../errors.js';
import { zeros, type Matrix } from './matrix.js';

/**
 * Matrix product `C = A · B` (Float64, cache-friendly i-k-j loop order).
 * @example `matmul(fromRows([[1, 2]]), fromRows([[3], [4]]))` is `[[11]]`.
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new ShapeError(`matmul: ${a.rows} × ${a.cols} times ${b.rows} × ${b.cols} do not conform`);
  const n = a.rows;
  const k = a.cols;
  const p = b.cols;
  const c = zeros(n, p);
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  for (let i = 0; i < n; i++) {
    const ci = i * p;
    for (let l = 0; l < k; l++) {
      const s = ad[i * k + l];
      if (s === 0) continue;
      const bl = l * p;
      for (let j = 0; j < p; j++) cd[ci + j] += s * bd[bl + j];
    }
  }
  return c;
}

/**
 * Product with the first factor transposed, `C = Aᵀ · B`, without forming Aᵀ.
 * @example `matmulTransA(a, a)` is the Gram matrix `aᵀa`.
 */
export function matmulTransA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new ShapeError(`matmulTransA: (${a.rows} × ${a.cols})ᵀ times ${b.rows} × ${b.cols} do not conform`);
  const m = a.rows;
  const n = a.cols;
  const p = b.cols;
  const c = zeros(n, p);
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  for (let l = 0; l < m; l++) {
    const al = l * n;
    const bl = l * p;
    for (let i = 0; i < n; i++) {
      const s = ad[al + i];
      if (s === 0) continue;
      const ci = i * p;
      for (let j = 0; j < p; j++) cd[ci + j] += s * bd[bl + j];
    }
  }
  return c;
}

/**
 * Product with the second factor transposed, `C = A · Bᵀ` (row-by-row dot products).
 * @example `matmulTransB(x, x)` is `x xᵀ`.
 */
export function matmulTransB(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new ShapeError(`matmulTransB: ${a.rows} × ${a.cols} times (${b.rows} × ${b.cols})ᵀ do not conform`);
  const n = a.rows;
  const k = a.cols;
  const p = b.rows;
  const c = zeros(n, p);
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  for (let i = 0; i < n; i++) {
    const ai = i * k;
    for (let j = 0; j < p; j++) {
      const bj = j * k;
      let s = 0;
      for (let l = 0; l < k; l++) s += ad[ai + l] * bd[bj + l];
      cd[i * p + j] = s;
    }
  }
  return c;
}

/**
 * Transpose `Aᵀ`.
 * @example `transpose(fromRows([[1, 2]]))` is `[[1], [2]]`.
 */
export function transpose(a: Matrix): Matrix {
  const t = zeros(a.cols, a.rows);
  const ad = a.data;
  const td = t.data;
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) td[j * a.rows + i] = ad[i * a.cols + j];
  return t;
}
