import type { Matrix } from '@fisherkit/core';
import type { ApproximationPlugin, CurvatureBlock, Damping } from '../contract.js';

/**
 * Which mathematical target a plug-in claims to compute (MATH.md §2–§4), so the suite knows the
 * dense reference to hold it to:
 * - `kfac`: `A ⊗ G` with `A = aᵀa/m`, `G = gᵀg/m`;
 * - `best-rank-1`: the leading singular pair of `R(F)` (KPSVD);
 * - `best-rank-2`: the rank-2 truncated SVD of `R(F)` (Deflation, Lanczos);
 * - `kfac-corrected`: `A ⊗ G` plus the leading pair of `R(F) − vec(A) vec(G)ᵀ`;
 * - `custom`: any other approximation (diagonal, block-diagonal, not Kronecker-factored, …). There
 *   is no dense target to hold it to, so the suite runs only the checks that make sense for every
 *   approximation: the dense solve against the block's own {@link DenseMatrixBlock.dampedMatrix}
 *   (when the block offers it), positive definiteness, the damping limit, options, tensor leaks,
 *   checkpoints and running averages of its `terms()`.
 */
export type ConformanceKind = KroneckerConformanceKind | 'custom';

/** The kinds whose target is a sum of one or two Kronecker products with a dense reference. */
export type KroneckerConformanceKind = 'kfac' | 'best-rank-1' | 'best-rank-2' | 'kfac-corrected';

/**
 * Optional member of a block of kind `custom`: the dense damped matrix `M` the block claims to
 * invert, acting on `vec(DW)` (column-major, i.e. the row-major data of a `[d_a, d_g]` gradient, the
 * index of entry (j, k) being `j·d_g + k`). The suite checks `precondition ≈ M⁻¹ grad` and that
 * `dampedMatrix({ lambda: 0, pi: 'one' }) = Σ_k A_k ⊗ G_k` of `terms()`. Small layers only.
 *
 * @example `block.dampedMatrix({ lambda: 1e-3, pi: 'one' }) // (d_a·d_g) × (d_a·d_g)`
 */
export interface DenseMatrixBlock {
  dampedMatrix?(damping: Damping): Matrix;
}

/** A block as the suite sees it: the contract plus the optional dense matrix of kind `custom`. */
export type BlockWithDenseMatrix = CurvatureBlock & DenseMatrixBlock;

/** Whether a kind has a Kronecker dense target (every kind but `custom`). */
export function isKroneckerKind(kind: ConformanceKind): kind is KroneckerConformanceKind {
  return kind !== 'custom';
}

/** What {@link describeConformance} needs to know about a plug-in besides the plug-in itself. */
export interface ConformanceSpec {
  kind: ConformanceKind;
  /** Options merged over `plugin.defaults` for every block the suite creates. */
  pluginOptions?: object;
  /**
   * Options that make a two-term plug-in invert its approximation exactly (for the dense-solve
   * check), e.g. `{ inverse: 'exact', floor: 1e-12 }`. Ignored for one-term kinds.
   */
  exactInverseOptions?: object;
}

/** Number of Kronecker terms a plug-in of this kind must return (`null` for `custom`: any number). */
export function termCount(kind: ConformanceKind): 1 | 2 | null {
  if (kind === 'custom') return null;
  return kind === 'kfac' || kind === 'best-rank-1' ? 1 : 2;
}

/** `{ ...plugin.defaults, ...spec.pluginOptions, ...extra }`: the options of a block the suite creates. */
export function blockOptions(plugin: ApproximationPlugin<any>, spec: ConformanceSpec, extra: object = {}): object {
  return { ...plugin.defaults, ...(spec.pluginOptions ?? {}), ...extra };
}
