import {
  denseKroneckerSum,
  fisherEigenvalues,
  relativeFisherError,
  symmetricEigen,
  type KroneckerTerm,
  type Matrix,
} from '@fisherkit/core';
import { ERROR2_MAX_SIZE, singularValueError } from './singular-value-error.js';

/** The paper's two accuracy measures of one approximation of one Fisher block. */
export interface BlockErrors {
  /** Error 1 = ‖F − F̃‖_F / ‖F‖_F (exact, from the sample identities; any layer size). */
  error1: number;
  /** Error 2 = ‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂ (sorted), or null when d_a·d_g exceeds the dense limit. */
  error2: number | null;
}

/**
 * Error 1 and Error 2 of `F̃ = Σ A_k ⊗ G_k` against `F = (1/m) Σ (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`.
 * Error 2 needs σ(F̃) densely for two or more terms, so it is null when `d_a · d_g > error2MaxSize`
 * (default 4096, the limit of `singularValueError`; raising it costs O((d_a d_g)³) time and
 * 8 (d_a d_g)² bytes).
 *
 * @example `blockErrors(capture.a, capture.g, block.terms()) // { error1: 0.21, error2: 0.08 }`
 */
export function blockErrors(a: Matrix, g: Matrix, terms: KroneckerTerm[], error2MaxSize = ERROR2_MAX_SIZE): BlockErrors {
  const n = a.cols * g.cols;
  const error1 = relativeFisherError(a, g, terms);
  if (n > error2MaxSize) return { error1, error2: null };
  if (n <= ERROR2_MAX_SIZE) return { error1, error2: singularValueError(a, g, terms) };
  return { error1, error2: largeSingularValueError(a, g, terms, n) };
}

/** Error 2 above singularValueError's limit: same definition (|eigenvalues|, sorted, zero-padded). */
function largeSingularValueError(a: Matrix, g: Matrix, terms: KroneckerTerm[], n: number): number {
  const sortedPadded = (values: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(n);
    const abs = Array.from(values, Math.abs).sort((x, y) => y - x);
    out.set(abs.slice(0, n));
    return out;
  };
  const exact = sortedPadded(fisherEigenvalues(a, g));
  let approx: Float64Array;
  if (terms.length === 1) {
    const ea = symmetricEigen(terms[0].A).values;
    const eg = symmetricEigen(terms[0].G).values;
    const products: number[] = [];
    for (const x of ea) for (const y of eg) products.push(x * y);
    approx = sortedPadded(products);
  } else {
    approx = sortedPadded(symmetricEigen(denseKroneckerSum(terms)).values);
  }
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    diff += (exact[i] - approx[i]) ** 2;
    norm += exact[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
