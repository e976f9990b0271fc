/**
 * Small Float64Array kernels shared by the power and Lanczos iterations (internal helpers).
 */

/** Euclidean norm `‖x‖₂`. @example `norm2(new Float64Array([3, 4])) === 5` */
export function norm2(x: Float64Array): number {
  let s = 0;
  for (let e = 0; e < x.length; e++) s += x[e] * x[e];
  return Math.sqrt(s);
}

/** Dot product `xᵀy`. @example `dot(x, x) === norm2(x) ** 2` */
export function dot(x: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let e = 0; e < x.length; e++) s += x[e] * y[e];
  return s;
}

/** `y ← y + α x` in place. @example `axpy(-c, u, r)` removes c·u from r. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let e = 0; e < y.length; e++) y[e] += alpha * x[e];
}

/** Scales x to unit norm in place and returns its former norm (a zero x is left unchanged). */
export function normalizeInPlace(x: Float64Array): number {
  const n = norm2(x);
  if (n > 0) for (let e = 0; e < x.length; e++) x[e] /= n;
  return n;
}

/**
 * Removes from r its components along the orthonormal `basis` vectors (classical Gram–Schmidt,
 * applied twice for full reorthogonalisation). Returns the coefficients of the first pass plus the
 * second (`r_before = Σ c_i basis_i + r_after`).
 *
 * @example
 * ```ts
 * const c = orthogonalizeInPlace(r, [u1, u2]); // now r ⟂ u1, u2
 * ```
 */
export function orthogonalizeInPlace(r: Float64Array, basis: Float64Array[]): Float64Array {
  const c = new Float64Array(basis.length);
  for (let pass = 0; pass < 2; pass++) {
    const h = basis.map((b) => dot(b, r));
    for (let i = 0; i < basis.length; i++) {
      axpy(-h[i], basis[i], r);
      c[i] += h[i];
    }
  }
  return c;
}
