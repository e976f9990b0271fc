import { ShapeError } from '../errors.js';
import { zeros, type Matrix } from '../matrix/matrix.js';

/**
 * Van Loan–Pitsianis rearrangement `R(F)` of a dense `(d_a d_g) × (d_a d_g)` matrix, as a dense
 * `d_a² × d_g²` matrix: split F into d_a × d_a blocks `F_ij` of size d_g × d_g; the row of block
 * (i, j) is `vec(F_ij)ᵀ`, stored at row `i + j·d_a` (the column-major {@link vec} index of (i, j)),
 * so that `R(X ⊗ Y) = vec(X) vec(Y)ᵀ` and `‖F − X ⊗ Y‖_F = ‖R(F) − vec(X) vec(Y)ᵀ‖_F`.
 * Entry-wise: `R[i + j·d_a, k + l·d_g] = F[i·d_g + k, j·d_g + l]`. Dense, for tests and small blocks.
 *
 * @throws ShapeError when f is not `(da·dg) × (da·dg)`.
 *
 * @example
 * ```ts
 * const r = rearrange(kron(x, y), x.rows, y.rows); // equals vec(x) vec(y)ᵀ
 * ```
 */
export function rearrange(f: Matrix, da: number, dg: number): Matrix {
  if (!Number.isInteger(da) || !Number.isInteger(dg) || da < 1 || dg < 1) {
    throw new ShapeError(`rearrange: d_a and d_g must be positive integers, got ${da} and ${dg}`);
  }
  const n = da * dg;
  if (f.rows !== n || f.cols !== n) {
    throw new ShapeError(`rearrange: F must be (d_a·d_g) × (d_a·d_g) = ${n} × ${n} for d_a = ${da}, d_g = ${dg}, got ${f.rows} × ${f.cols}`);
  }
  const dg2 = dg * dg;
  const r = zeros(da * da, dg2);
  const rd = r.data;
  const fd = f.data;
  for (let i = 0; i < da; i++) {
    for (let j = 0; j < da; j++) {
      const row = (i + j * da) * dg2;
      for (let k = 0; k < dg; k++) {
        const src = (i * dg + k) * n + j * dg;
        for (let l = 0; l < dg; l++) rd[row + k + l * dg] = fd[src + l];
      }
    }
  }
  return r;
}
