/**
 * Test fixtures for the linear-algebra tests (not re-exported from the package): seeded random
 * SPD, symmetric and orthogonal matrices, and relative residual norms.
 */
import { combine, frobeniusNorm } from '../matrix/elementwise.js';
import { identity, zeros, type Matrix } from '../matrix/matrix.js';
import { matmul, matmulTransA, matmulTransB } from '../matrix/multiply.js';
import { createRng, type Rng } from '../random/rng.js';

/** An r × c matrix of independent N(0, 1) draws. */
export function gaussian(rng: Rng, r: number, c: number): Matrix {
  const m = zeros(r, c);
  for (let k = 0; k < m.data.length; k++) m.data[k] = rng.normal();
  return m;
}

/**
 * A well-conditioned random SPD matrix `X Xᵀ / (2n) + 0.05 I` with X n × 2n (eigenvalues in
 * about [0.13, 3]), exactly symmetric.
 */
export function randomSpd(n: number, seed: number): Matrix {
  const x = gaussian(createRng(seed), n, 2 * n);
  const a = matmulTransB(x, x);
  for (let k = 0; k < a.data.length; k++) a.data[k] /= 2 * n;
  for (let i = 0; i < n; i++) a.data[i * n + i] += 0.05;
  return exactSymmetric(a);
}

/** A random symmetric (indefinite) matrix with N(0, 1) entries. */
export function randomSymmetric(n: number, seed: number): Matrix {
  return exactSymmetric(gaussian(createRng(seed), n, n));
}

/** A random n × n orthogonal matrix (modified Gram–Schmidt, twice, on Gaussian rows). */
export function randomOrthogonal(n: number, seed: number): Matrix {
  const q = gaussian(createRng(seed), n, n);
  const d = q.data;
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += d[i * n + j] * d[k * n + j];
        for (let j = 0; j < n; j++) d[i * n + j] -= s * d[k * n + j];
      }
      let s = 0;
      for (let j = 0; j < n; j++) s += d[i * n + j] ** 2;
      for (let j = 0; j < n; j++) d[i * n + j] /= Math.sqrt(s);
    }
  }
  return q;
}

/** `Q diag(values) Qᵀ` for a random orthogonal Q, exactly symmetric. */
export function withSpectrum(values: number[], seed: number): Matrix {
  const n = values.length;
  const q = randomOrthogonal(n, seed);
  const qd = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) qd.data[i * n + j] = q.data[i * n + j] * values[j];
  return exactSymmetric(matmulTransB(qd, q));
}

/** Lower triangle mirrored onto the upper one. */
export function exactSymmetric(a: Matrix): Matrix {
  const n = a.rows;
  const out = a.data.slice();
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return { rows: n, cols: n, data: out };
}

/** `‖X − Y‖_F / ‖Y‖_F` (or the absolute norm when Y = 0). */
export function relativeError(x: Matrix, y: Matrix): number {
  const ny = frobeniusNorm(y);
  const diff = frobeniusNorm(combine(1, x, -1, y));
  return ny === 0 ? diff : diff / ny;
}

/** `‖VᵀV − I‖_F`. */
export function orthogonalityError(v: Matrix): number {
  return frobeniusNorm(combine(1, matmulTransA(v, v), -1, identity(v.cols)));
}

/** `‖A V − V diag(λ)‖_F / ‖A‖_F`. */
export function eigenResidual(a: Matrix, values: ArrayLike<number>, v: Matrix): number {
  const av = matmul(a, v);
  const n = v.rows;
  for (let i = 0; i < n; i++) for (let j = 0; j < v.cols; j++) av.data[i * v.cols + j] -= v.data[i * v.cols + j] * values[j];
  return frobeniusNorm(av) / frobeniusNorm(a);
}
