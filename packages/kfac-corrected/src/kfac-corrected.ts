import { deflatedOperator, leadingKroneckerPair, rfOperator } from '@fisherkit/core';
import { kfacStatistics } from '@fisherkit/fisher';
import {
  kroneckerPlugin,
  type KroneckerEstimator,
  type TwoTermOptions,
} from '@fisherkit/preconditioner';

/** Options of the KFAC-corrected plug-in. */
export type KfacCorrectedOptions = TwoTermOptions;

/**
 * The KFAC-corrected estimator: KFAC's factors `A = (1/m) aᵀa`, `G = (1/m) gᵀg` plus the leading
 * singular pair of the residual `R(F) − vec(A) vec(G)ᵀ`, by power iteration on the corrected
 * products, warm-started and sign-oriented from the previous correction.
 *
 * @example `const { terms } = kfacCorrectedEstimator(kfacCorrected.defaults)(batch, null) // [A⊗G, R⊗S]`
 */
export function kfacCorrectedEstimator(options: KfacCorrectedOptions): KroneckerEstimator {
  return (batch, previous) => {
    const kfacTerm = kfacStatistics(batch);
    const correction = leadingKroneckerPair(deflatedOperator(rfOperator(batch.a, batch.g), [kfacTerm]), {
      tol: options.tol,
      maxIterations: options.maxIterations,
      warmStart: previous?.[1]?.G,
      reference: previous?.[1],
    });
    return {
      terms: [kfacTerm, correction.term],
      diagnostics: { powerIterations: correction.iterations, iterationCapReached: correction.converged ? 0 : 1 },
    };
  };
}

/**
 * KFAC-corrected (Koroko et al. 2023) as a fisherkit plug-in: `F ≈ A ⊗ G + R ⊗ S`, KFAC plus the
 * best Kronecker correction of its residual, inverted with damping on the KFAC term (MATH.md §5).
 *
 * @example
 * ```ts
 * import kfacCorrected from '@fisherkit/kfac-corrected';
 * const optimizer = naturalGradient(kfacCorrected, { learningRate: 0.1, damping: 0.01 });
 * ```
 */
export const kfacCorrected = kroneckerPlugin<KfacCorrectedOptions>({
  id: 'kfac-corrected',
  title: 'KFAC-corrected — KFAC plus the leading Kronecker pair of its residual',
  reference: 'Koroko, Anciaux-Sedrakian, Ben Gharbia, Garès, Haddou, Tran (2023), Efficient approximations of the Fisher matrix in neural networks using Kronecker product singular value decomposition, ESAIM: Proceedings and Surveys 73, 218-237, doi:10.1051/proc/202373218',
  defaults: { tol: 1e-6, maxIterations: 200, inverse: 'abs', floor: 1e-3 },
  estimator: kfacCorrectedEstimator,
});

export default kfacCorrected;
