import type { ApproximationPlugin } from '../contract.js';

/**
 * Which mathematical target a plug-in claims to compute (MATH.md §2–§4), so the suite knows the
 * dense reference to hold it to:
 * - `kfac`: `A ⊗ G` with `A = aᵀa/m`, `G = gᵀg/m`;
 * - `best-rank-1`: the leading singular pair of `R(F)` (KPSVD);
 * - `best-rank-2`: the rank-2 truncated SVD of `R(F)` (Deflation, Lanczos);
 * - `kfac-corrected`: `A ⊗ G` plus the leading pair of `R(F) − vec(A) vec(G)ᵀ`.
 */
export type ConformanceKind = 'kfac' | 'best-rank-1' | 'best-rank-2' | 'kfac-corrected';

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

/** Number of Kronecker terms a plug-in of this kind must return. */
export function termCount(kind: ConformanceKind): 1 | 2 {
  return kind === 'kfac' || kind === 'best-rank-1' ? 1 : 2;
}

/** `{ ...plugin.defaults, ...spec.pluginOptions, ...extra }`: the options of a block the suite creates. */
export function blockOptions(plugin: ApproximationPlugin<any>, spec: ConformanceSpec, extra: object = {}): object {
  return { ...plugin.defaults, ...(spec.pluginOptions ?? {}), ...extra };
}
