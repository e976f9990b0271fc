import { ShapeError } from '../errors.js';
import type { Matrix } from './matrix.js';

function sameShape(a: Matrix, b: Matrix, op: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${op}: shapes ${a.rows} × ${a.cols} and ${b.rows} × ${b.cols} differ`);
  }
}

/**
 * Linear combination `alpha · A + beta · B` (a new matrix).
 * @example `combine(1, a, -1, b)` is `A − B`.
 */
export function combine(alpha: number, a: Matrix, beta: number, b: Matrix): Matrix {
  sameShape(a, b, 'combine');
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) out[k] = alpha * a.data[k] + beta * b.data[k];
  return { rows: a.rows, cols: a.cols, data: out };
}

/**
 * Scaled copy `s · A`.
 * @example `scale(a, 2)`
 */
export function scale(a: Matrix, s: number): Matrix {
  const out = new Float64Array(a.data.length);
  for (let k = 0; k < out.length; k++) out[k] = s * a.data[k];
  return { rows: a.rows, cols: a.cols, data: out };
}

/**
 * `A + s · I` for a square A (a new matrix).
 * @example `addIdentity(a, 1e-3)` adds Tikhonov damping.
 */
export function addIdentity(a: Matrix, s: number): Matrix {
  if (a.rows !== a.cols) throw new ShapeError(`addIdentity needs a square matrix, got ${a.rows} × ${a.cols}`);
  const out = a.data.slice();
  for (let i = 0; i < a.rows; i++) out[i * a.cols + i] += s;
  return { rows: a.rows, cols: a.cols, data: out };
}

/**
 * Symmetric part `(A + Aᵀ) / 2`.
 * @example `symmetrize(fromRows([[1, 2], [0, 1]]))` is `[[1, 1], [1, 1]]`.
 */
export function symmetrize(a: Matrix): Matrix {
  if (a.rows !== a.cols) throw new ShapeError(`symmetrize needs a square matrix, got ${a.rows} × ${a.cols}`);
  const n = a.rows;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
  }
  return { rows: n, cols: n, data: out };
}

/**
 * Frobenius inner product `⟨A, B⟩ = Σ_ij A_ij B_ij`.
 * @example `inner(a, a) === frobeniusNorm(a) ** 2`
 */
export function inner(a: Matrix, b: Matrix): number {
  sameShape(a, b, 'inner');
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k] * b.data[k];
  return s;
}

/**
 * Frobenius norm `‖A‖_F = sqrt(Σ_ij A_ij²)`.
 * @example `frobeniusNorm(identity(4)) === 2`
 */
export function frobeniusNorm(a: Matrix): number {
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += a.data[k] * a.data[k];
  return Math.sqrt(s);
}

/**
 * Trace `tr(A) = Σ_i A_ii` of a square matrix.
 * @example `trace(identity(3)) === 3`
 */
export function trace(a: Matrix): number {
  if (a.rows !== a.cols) throw new ShapeError(`trace needs a square matrix, got ${a.rows} × ${a.cols}`);
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + i];
  return s;
}
