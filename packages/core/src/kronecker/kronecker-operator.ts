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
  /**
   * The same operator in small isometric coordinates, when it has them (see
   * {@link CompressedOperator}); {@link leadingKroneckerPair} and {@link topKroneckerPairs} then
   * iterate there and lift only their final factors. Absent (or undefined) means: explicit products
   * only. May be computed lazily on first access.
   */
  readonly compressed?: CompressedOperator;
}

/**
 * A {@link KroneckerOperator} restricted to subspaces that contain its range and the orthogonal
 * complement of its null space, written in orthonormal ("isometric") coordinates. For the Fisher
 * block `R(F) = (1/m) U Vᵀ` with `U = [vec(a_i a_iᵀ)]`, `V = [vec(g_i g_iᵀ)]`, the left space is
 * `span(U)` with coordinates `x = P^{1/2} α ↔ vec(X) = U α`, the right space `span(V)` with
 * `y = Q^{1/2} β ↔ vec(Y) = V β`, where `P = UᵀU`, `P_ij = (a_iᵀa_j)²`, `Q = VᵀV`,
 * `Q_ij = (g_iᵀg_j)²`, and the operator becomes the m × m matrix
 *
 *     M = P^{1/2} Q^{1/2} / m,     ⟨x, x'⟩ = ⟨X, X'⟩_F,  ⟨y, y'⟩ = ⟨Y, Y'⟩_F
 *
 * Euclidean norms and inner products of coordinates equal the Frobenius ones of the matrices they
 * stand for, so power iteration and Lanczos run unchanged (same iterates, same residuals) on vectors
 * of length m instead of d². Products cost `2m²` instead of `m(d_a² + d_g²)`.
 *
 * @example
 * ```ts
 * const c = rfOperator(a, g).compressed!;
 * const y = c.encodeRight(identity(g.cols)); // coordinates of the projection of I onto span(V)
 * const X = c.liftLeft(c.times(y));          // = R(F) vec(I) as a d_a × d_a matrix
 * ```
 */
export interface CompressedOperator {
  /** Length of left coordinate vectors x (m for the Fisher block). */
  readonly leftDim: number;
  /** Length of right coordinate vectors y (m for the Fisher block). */
  readonly rightDim: number;
  /** Coordinates of `R(Y)` for the right vector with coordinates `y` (new array of leftDim). */
  times(y: Float64Array): Float64Array;
  /** Coordinates of `Rᵀ(X)` for the left vector with coordinates `x` (new array of rightDim). */
  transposeTimes(x: Float64Array): Float64Array;
  /** Coordinates of the orthogonal projection of the d_a × d_a matrix X onto the left space. */
  encodeLeft(x: Matrix): Float64Array;
  /**
   * Coordinates of the orthogonal projection of the d_g × d_g matrix Y onto the right space. The
   * operator annihilates the rest, so `R(Y) = R(projection)`: a warm start enters through this.
   */
  encodeRight(y: Matrix): Float64Array;
  /** Coordinates of A when A lies in the left space (to rounding), else null. */
  encodeLeftTerm(a: Matrix): Float64Array | null;
  /** Coordinates of G when G lies in the right space (to rounding), else null. */
  encodeRightTerm(g: Matrix): Float64Array | null;
  /** The d_a × d_a matrix with left coordinates x (for the Fisher block `aᵀ diag(P^{+1/2} x) a`). */
  liftLeft(x: Float64Array): Matrix;
  /** The d_g × d_g matrix with right coordinates y (for the Fisher block `gᵀ diag(Q^{+1/2} y) g`). */
  liftRight(y: Float64Array): Matrix;
}
