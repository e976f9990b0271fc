import type { Matrix } from '@fisherkit/core';
import { norm } from './compare.js';
import { denseReferences, referenceRearranged, subtract, type DenseReferences } from './dense-reference.js';

/** Dense reference values of Error 1 = `‖F − F̃‖_F / ‖F‖_F` for the four targets. */
export interface ApproximationErrors {
  /** `F̃ = A ⊗ G`, `A = aᵀa/m`, `G = gᵀg/m` (MATH.md §2). */
  kfac: number;
  /** The best single Kronecker product (KPSVD). */
  bestRank1: number;
  /** The best sum of two Kronecker products (Deflation, Lanczos). */
  bestRank2: number;
  /** `A ⊗ G` plus the best Kronecker product of its residual (KFAC-corrected). */
  kfacCorrected: number;
}

/**
 * The relative Frobenius errors of the four Fisher approximations of one layer, computed densely
 * and independently of the plug-ins: with `R(F)` formed from the dense block and its SVD by
 * ml-matrix, `Error = ‖R(F) − R(F̃)‖_F / ‖R(F)‖_F` (= `‖F − F̃‖_F / ‖F‖_F`, since R is an isometry).
 * By construction `bestRank2 ≤ bestRank1 ≤ kfac`, `bestRank2 ≤ kfacCorrected ≤ kfac`.
 * Small layers only (`d_a·d_g ≤ 4096`).
 *
 * @param a m × d_a homogeneous inputs; @param g m × d_g pre-activation gradients (one sample per row).
 *
 * @example
 * ```ts
 * const ref = approximationErrors(batch.a, batch.g);
 * expect(relativeFisherError(batch.a, batch.g, block.terms())).toBeLessThanOrEqual(ref.kfac);
 * ```
 */
export function approximationErrors(a: Matrix, g: Matrix): ApproximationErrors {
  return errorsFromReferences(denseReferences({ a, g }));
}

/**
 * {@link approximationErrors} from already computed {@link DenseReferences}.
 *
 * @example `errorsFromReferences(denseReferences(batch)).bestRank2`
 */
export function errorsFromReferences(refs: DenseReferences): ApproximationErrors {
  const normF = norm(refs.rf.matrix.data);
  const error = (kind: Parameters<typeof referenceRearranged>[0]): number =>
    norm(subtract(refs.rf.matrix, referenceRearranged(kind, refs)).data) / normF;
  return {
    kfac: error('kfac'),
    bestRank1: error('best-rank-1'),
    bestRank2: error('best-rank-2'),
    kfacCorrected: error('kfac-corrected'),
  };
}
