import {
  denseKroneckerSum,
  fisherEigenvalues,
  kroneckerSumEigenvalues,
  kroneckerSumNormSquared,
  matmul,
  matmulTransA,
  matmulTransB,
  OptionError,
  zeros,
  symmetricEigen,
  type KroneckerTerm,
  type Matrix,
} from '@fisherkit/core';

/**
 * Default largest `n = d_a · d_g` for which Error 2 is computed. One-term approximations are exact
 * at any size (products of factor eigenvalues); two-term ones run a block Lanczos on F̃ whose cost
 * grows like `n · r²` (r = rank F ≤ m), about 0.1–0.3 s per method at the MNIST experiment-1 block
 * (31 × 250, m = 128) and seconds near the cap (see `singularValueErrorDetails`).
 */
export const ERROR2_MAX_SIZE = 32768;

/** Below this n, `method: 'auto'` diagonalises a two-term F̃ densely (O(n³), at most ~0.1 s). */
export const ERROR2_DENSE_MAX_SIZE = 512;

/** Options of {@link singularValueError} / {@link singularValueErrorDetails}. */
export interface SingularValueErrorOptions {
  /** Largest `d_a · d_g` computed; above it the result is null. Default {@link ERROR2_MAX_SIZE}. */
  maxSize?: number;
  /**
   * How σ(F̃) is found for two or more terms: `dense` (eigendecomposition of the n × n F̃),
   * `krylov` (block Lanczos + Frobenius tail identity) or `auto` (dense up to
   * {@link ERROR2_DENSE_MAX_SIZE}, Krylov above). One term always uses the exact products. Default auto.
   */
  method?: 'auto' | 'dense' | 'krylov';
  /** Krylov path: residual tolerance relative to |λ_max(F̃)| (default 1e-10). */
  tolerance?: number;
  /** Krylov path: block size of the Lanczos (default 8). */
  blockSize?: number;
}

/** Error 2 with how it was computed. */
export interface SingularValueErrorDetails {
  /** `‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂` (sorted, zero-padded). */
  error2: number;
  /** `products` (one term: |λ_i(A) λ_j(G)|), `dense` or `krylov`. */
  method: 'products' | 'dense' | 'krylov';
  /** r: σ(F) values used (those above 1e-12 σ₁(F); the others are round-off of zeros). */
  rank: number;
  /** Krylov: the largest Lanczos residual ‖F̃u − θu‖ / |θ_max| of the r values used; 0 otherwise. */
  maxRelativeResidual: number;
  /** Krylov: basis size and the number of products with F̃; 0 otherwise. */
  dimension: number;
  products: number;
  /** Krylov: order of the operator the Lanczos ran on (n, or less after the sample-span reduction); 0 otherwise. */
  krylovSize: number;
}

/**
 * Error 2 of the paper: the relative error of the sorted singular values,
 * `‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂` (both padded with zeros to n = d_a·d_g), or null when
 * `n > maxSize` (default {@link ERROR2_MAX_SIZE}). See {@link singularValueErrorDetails} for the
 * method; this returns its `error2`.
 *
 * @example `singularValueError(a, g, block.terms()) // 0.08`
 */
export function singularValueError(
  a: Matrix,
  g: Matrix,
  terms: readonly KroneckerTerm[],
  options: number | SingularValueErrorOptions = {},
): number | null {
  return singularValueErrorDetails(a, g, terms, options)?.error2 ?? null;
}

/**
 * Error 2 = `‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂` with its method and accuracy, or null when
 * `n = d_a·d_g > maxSize`.
 *
 * - σ(F): F = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ) is PSD of rank r ≤ m; its nonzero eigenvalues are
 *   those of the m × m kernel `K_ij = (a_iᵀa_j)(g_iᵀg_j)/m` (`fisherEigenvalues`).
 * - One term `A ⊗ G`: σ(F̃) = `|λ_i(A) λ_j(G)|`, exact.
 * - Two terms, `dense`: σ(F̃) = |eig(Σ A_k ⊗ G_k)| from the n × n matrix.
 * - Two terms, `krylov`: since σ_i(F) = 0 for i > r,
 *   `‖σ(F) − σ(F̃)‖² = Σ_{i≤r} (σ_i(F) − σ_i(F̃))² + (‖F̃‖_F² − Σ_{i≤r} σ_i(F̃)²)`, with
 *   `‖F̃‖_F² = Σ_{k,l} tr(A_kA_l) tr(G_kG_l)` and the r eigenvalues of largest modulus of F̃ from a
 *   block Lanczos with full reorthogonalisation (`kroneckerSumEigenvalues`, both ends of the
 *   spectrum, residuals ≤ tolerance·|λ_max|, and the next candidate at each end converged too, so
 *   a close r-th/(r+1)-th pair is resolved). The identity is exact, so the result agrees with the
 *   dense path to the eigenvalue accuracy (measured ≤ 1e-10 relative).
 *
 * @throws OptionError on an unknown method or a maxSize that is neither an integer ≥ 0 nor Infinity.
 *
 * @example
 * ```ts
 * const d = singularValueErrorDetails(a, g, block.terms(), { method: 'krylov' });
 * // { error2: 0.08, method: 'krylov', rank: 128, maxRelativeResidual: 3e-12, dimension: 336, products: 336 }
 * ```
 */
export function singularValueErrorDetails(
  a: Matrix,
  g: Matrix,
  terms: readonly KroneckerTerm[],
  options: number | SingularValueErrorOptions = {},
): SingularValueErrorDetails | null {
  const opts: SingularValueErrorOptions = typeof options === 'number' ? { maxSize: options } : options;
  const maxSize = opts.maxSize ?? ERROR2_MAX_SIZE;
  if (!(maxSize >= 0) || !(Number.isInteger(maxSize) || maxSize === Infinity)) throw new OptionError(`Error 2 maxSize must be an integer ≥ 0 or Infinity, got ${String(maxSize)}`);
  const method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'dense' && method !== 'krylov') {
    throw new OptionError(`Error 2 method must be auto, dense or krylov, got ${String(method)}`);
  }
  const n = a.cols * g.cols;
  if (n > maxSize) return null;
  const exact = Array.from(fisherEigenvalues(a, g), Math.abs)
    .sort((x, y) => y - x)
    .slice(0, n);
  const none = { maxRelativeResidual: 0, dimension: 0, products: 0, krylovSize: 0 };
  if (terms.length === 1) {
    const ea = symmetricEigen(terms[0].A).values;
    const eg = symmetricEigen(terms[0].G).values;
    const approx = new Float64Array(n);
    let e = 0;
    for (const x of ea) for (const y of eg) approx[e++] = Math.abs(x * y);
    return { error2: paddedDistance(exact, approx, n), method: 'products', rank: exact.length, ...none };
  }
  if (method === 'dense' || (method === 'auto' && n <= ERROR2_DENSE_MAX_SIZE)) {
    const approx = Float64Array.from(symmetricEigen(denseKroneckerSum([...terms])).values, Math.abs);
    return { error2: paddedDistance(exact, approx, n), method: 'dense', rank: exact.length, ...none };
  }
  // Krylov: the r = numerical rank of F largest |λ(F̃)| plus the Frobenius tail.
  let norm = 0;
  for (const s of exact) norm += s * s;
  const floor = 1e-12 * (exact[0] ?? 0);
  let r = 0;
  while (r < exact.length && exact[r] > floor) r++;
  r = Math.max(1, r);
  const reduced = restrictToSampleSpans(a, g, terms);
  const eig = kroneckerSumEigenvalues(reduced.terms, Math.min(r, reduced.n), {
    ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
    ...(opts.blockSize !== undefined ? { blockSize: opts.blockSize } : {}),
  });
  let head = 0;
  let used = 0;
  for (let i = 0; i < r; i++) {
    const s = Math.abs(eig.values[i] ?? 0); // beyond the reduced size: F̃'s exact zeros
    head += ((exact[i] ?? 0) - s) ** 2;
    used += s * s;
  }
  // σ_i(F) for i > r are round-off of zeros (≤ 1e-12 σ₁): counted as 0, their F̃ partners in the tail.
  const tail = Math.max(0, kroneckerSumNormSquared([...terms]) - used);
  return {
    error2: Math.sqrt((head + tail) / norm),
    method: 'krylov',
    rank: r,
    maxRelativeResidual: eig.maxRelativeResidual,
    dimension: eig.dimension,
    products: eig.products,
    krylovSize: reduced.n,
  };
}

/**
 * F̃ restricted to `span{a_i} ⊗ span{g_i}` when that is exact: with orthonormal bases U_a, U_g of
 * the sample spans, a side is reduced (`A_k → U_aᵀ A_k U_a`) when it is smaller than d and every
 * factor of that side satisfies `‖A_k − U U ᵀA_k U Uᵀ‖_F ≤ 1e-12 ‖A_k‖_F` (true of every
 * approximation built from the samples: KFAC's `Σ a_i a_iᵀ / m`, KPSVD's `Σ c_i a_i a_iᵀ`, …).
 * F̃ is then zero on the complement, so its nonzero eigenvalues are those of the reduced sum.
 */
function restrictToSampleSpans(a: Matrix, g: Matrix, terms: readonly KroneckerTerm[]): { terms: KroneckerTerm[]; n: number } {
  const ua = sampleBasis(a, terms.map((t) => t.A));
  const ug = sampleBasis(g, terms.map((t) => t.G));
  const reduce = (u: Matrix | null, x: Matrix): Matrix => (u === null ? x : matmulTransA(u, matmul(x, u)));
  return {
    terms: terms.map((t) => ({ A: reduce(ua, t.A), G: reduce(ug, t.G) })),
    n: (ua?.cols ?? a.cols) * (ug?.cols ?? g.cols),
  };
}

/**
 * Orthonormal basis (d × r) of the rows of x (m × d) when r < d and it holds every factor; else
 * null (also for d > 1024, where the d × d eigendecomposition would cost more than it saves).
 */
function sampleBasis(x: Matrix, factors: Matrix[]): Matrix | null {
  const d = x.cols;
  if (d > 1024) return null;
  const { values, vectors } = symmetricEigen(matmulTransA(x, x));
  const top = Math.max(values[d - 1], 0);
  const keep: number[] = [];
  for (let j = d - 1; j >= 0; j--) if (values[j] > 1e-14 * top) keep.push(j);
  if (keep.length === 0 || keep.length >= d) return null;
  const u = zeros(d, keep.length);
  for (let i = 0; i < d; i++) for (let c = 0; c < keep.length; c++) u.data[i * keep.length + c] = vectors.data[i * d + keep[c]];
  for (const f of factors) {
    const projected = matmulTransB(matmul(u, matmulTransA(u, matmul(f, u))), u); // U Uᵀ F U Uᵀ
    let diff = 0;
    let norm = 0;
    for (let e = 0; e < f.data.length; e++) {
      diff += (f.data[e] - projected.data[e]) ** 2;
      norm += f.data[e] ** 2;
    }
    if (diff > 1e-24 * norm) return null;
  }
  return u;
}

/** `‖x − y‖₂ / ‖x‖₂` of the values sorted descending and zero-padded to length n. */
function paddedDistance(exact: number[], approx: Float64Array, n: number): number {
  const y = Array.from(approx).sort((u, v) => v - u);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const x = exact[i] ?? 0;
    diff += (x - (y[i] ?? 0)) ** 2;
    norm += x * x;
  }
  return Math.sqrt(diff / norm);
}
