import type { Matrix } from '../matrix/matrix.js';

/**
 * A linear map `R : R^{d_g × d_g} → R^{d_a × d_a}` given only through its products — the
 * rearranged Fisher block `R(F)` of MATH.md §3 (or a deflated version of it). Vectors of its
 * domain ("right" vectors) are d_g × d_g matrices Y, vectors of its range ("left" vectors) are
 * d_a × d_a matrices X; inner products are Frobenius products, so `vec(R(Y)) = R(F) vec(Y)`.
 *
 * @example
 * ```ts
 * const op = rfOperator(a, g);
 * const x = op.times(identity(op.dg));          // R(F) vec(I)
 * const y = op.transposeTimes(identity(op.da)); // R(F)ᵀ vec(I)
 * ```
 */
export interface KroneckerOperator {
  /** Side of the left factors X (input side of the layer, d_a). */
  readonly da: number;
  /** Side of the right factors Y (output-gradient side of the layer, d_g). */
  readonly dg: number;
  /** `R(F) vec(Y)`, returned as a new d_a × d_a matrix; `y` is d_g × d_g. */
  times(y: Matrix): Matrix;
  /** `R(F)ᵀ vec(X)`, returned as a new d_g × d_g matrix; `x` is d_a × d_a. */
  transposeTimes(x: Matrix): Matrix;
}
