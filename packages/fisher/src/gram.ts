import { ShapeError, zeros, type Matrix } from '@fisherkit/core';

/**
 * Scaled Gram matrix `scale · XᵀX` of an m × n matrix X, exactly symmetric (the upper triangle
 * is computed and mirrored).
 *
 * @example
 * ```ts
 * const A = gram(a, 1 / a.rows); // (1/m) aᵀa
 * ```
 */
export function gram(x: Matrix, scale: number): Matrix {
  if (x.rows * x.cols !== x.data.length) throw new ShapeError(`gram: ${x.rows} × ${x.cols} matrix has ${x.data.length} entries`);
  const n = x.cols;
  const out = zeros(n, n);
  const c = out.data;
  const d = x.data;
  for (let r = 0; r < x.rows; r++) {
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const v = d[row + i];
      if (v === 0) continue;
      const ci = i * n;
      for (let j = i; j < n; j++) c[ci + j] += v * d[row + j];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = c[i * n + j] * scale;
      c[i * n + j] = v;
      c[j * n + i] = v;
    }
  }
  return out;
}
