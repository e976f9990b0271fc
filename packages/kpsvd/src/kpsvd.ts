import { leadingKroneckerPair, rfOperator } from '@fisherkit/core';
import {
  kroneckerPlugin,
  type IterativeOptions,
  type KroneckerEstimator,
} from '@fisherkit/preconditioner';

/** Options of the KPSVD plug-in (damping, π and cadence belong to the driver). */
export type KpsvdOptions = IterativeOptions;

/**
 * The KPSVD estimator: the leading singular pair of the rearranged Fisher block,
 * `F ≈ R ⊗ S` with `vec(R) vec(S)ᵀ` the best rank-1 approximation of R(F), by power iteration
 * on the matrix-free products, warm-started from the previous S, sign fixed by tr(R) > 0.
 *
 * @example `const { terms } = kpsvdEstimator({ tol: 1e-6, maxIterations: 100 })(batch, null)`
 */
export function kpsvdEstimator(options: KpsvdOptions): KroneckerEstimator {
  return (batch, previous) => {
    const pair = leadingKroneckerPair(rfOperator(batch.a, batch.g), {
      tol: options.tol,
      maxIterations: options.maxIterations,
      warmStart: previous?.[0]?.G,
    });
    return {
      terms: [pair.term],
      diagnostics: { powerIterations: pair.iterations, iterationCapReached: pair.converged ? 0 : 1 },
    };
  };
}

/**
 * KPSVD (Koroko et al. 2023) as a fisherkit plug-in: each dense layer's Fisher block is
 * approximated by its best single Kronecker product (Van Loan–Pitsianis),
 *
 *     min ‖F − R ⊗ S‖_F = min ‖R(F) − vec(R) vec(S)ᵀ‖_F,
 *
 * and inverted like KFAC: `Δ = (R + π√λ I)⁻¹ · DWᵀ · (S + (√λ/π) I)⁻¹` in the [d_a, d_g] layout.
 *
 * @example
 * ```ts
 * import { naturalGradient } from '@fisherkit/preconditioner';
 * import kpsvd from '@fisherkit/kpsvd';
 * const optimizer = naturalGradient(kpsvd, { learningRate: 0.01, damping: 1e-4 });
 * ```
 */
export const kpsvd = kroneckerPlugin<KpsvdOptions>({
  id: 'kpsvd',
  title: 'KPSVD — best Kronecker product of the Fisher block',
  reference: 'Koroko, Anciaux-Sedrakian, Ben Gharbia, Garès, Haddou, Tran (2023), Efficient approximations of the Fisher matrix in neural networks using Kronecker product singular value decomposition, ESAIM: Proceedings and Surveys 73, 218-237, doi:10.1051/proc/202373218',
  defaults: { tol: 1e-6, maxIterations: 100 },
  estimator: kpsvdEstimator,
});

export default kpsvd;
