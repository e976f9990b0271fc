import {
  denseKroneckerSum,
  fisherEigenvalues,
  symmetricEigen,
  type KroneckerTerm,
  type Matrix,
} from '@fisherkit/core';

/** Largest `d_a · d_g` for which Error 2 is computed (a dense eigendecomposition of F̃). */
export const ERROR2_MAX_SIZE = 4096;

/**
 * Error 2 of the paper: the relative error of the sorted singular values,
 * `‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂`. σ(F) comes from the m × m kernel `K_ij = (a_iᵀa_j)(g_iᵀg_j)/m`;
 * σ(F̃) from `|λ_i(A) λ_j(G)|` for one term and from a dense eigendecomposition of the symmetric
 * `Σ A_k ⊗ G_k` otherwise. Returns null when `d_a · d_g > maxSize` (default 4096; the dense
 * eigendecomposition costs O((d_a d_g)³) time and 8 (d_a d_g)² bytes).
 *
 * @example `singularValueError(a, g, block.terms())`
 */
export function singularValueError(
  a: Matrix,
  g: Matrix,
  terms: readonly KroneckerTerm[],
  maxSize = ERROR2_MAX_SIZE,
): number | null {
  const n = a.cols * g.cols;
  if (n > maxSize) return null;
  const exact = padded(Array.from(fisherEigenvalues(a, g), Math.abs), n);
  let approx: number[];
  if (terms.length === 1) {
    const ea = symmetricEigen(terms[0].A).values;
    const eg = symmetricEigen(terms[0].G).values;
    approx = [];
    for (const x of ea) for (const y of eg) approx.push(Math.abs(x * y));
  } else {
    approx = Array.from(symmetricEigen(denseKroneckerSum([...terms])).values, Math.abs);
  }
  const sortedApprox = padded(approx, n);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    diff += (exact[i] - sortedApprox[i]) ** 2;
    norm += exact[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}

function padded(values: number[], n: number): number[] {
  const out = values.slice().sort((x, y) => y - x);
  while (out.length < n) out.push(0);
  return out.slice(0, n);
}
