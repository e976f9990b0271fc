import { deflatedOperator, leadingKroneckerPair, rfOperator } from '@fisherkit/core';
import {
  kroneckerPlugin,
  type KroneckerEstimator,
  type TwoTermOptions,
} from '@fisherkit/preconditioner';

/** Options of the Deflation plug-in. */
export type DeflationOptions = TwoTermOptions;

/**
 * The Deflation estimator: the best rank-2 KPSVD computed sequentially — the leading pair of R(F),
 * then the leading pair of the deflated operator `R(F) − σ₁ u₁ v₁ᵀ` (= `R(F) − vec(R₁) vec(S₁)ᵀ`),
 * each by power iteration warm-started from the previous factors; the second pair's sign is kept
 * consistent with the previous estimate so running averages never mix opposite signs.
 *
 * @example `const { terms } = deflationEstimator(deflation.defaults)(batch, null) // [R₁⊗S₁, R₂⊗S₂]`
 */
export function deflationEstimator(options: DeflationOptions): KroneckerEstimator {
  return (batch, previous) => {
    const op = rfOperator(batch.a, batch.g);
    const iteration = { tol: options.tol, maxIterations: options.maxIterations };
    const first = leadingKroneckerPair(op, { ...iteration, warmStart: previous?.[0]?.G });
    const second = leadingKroneckerPair(deflatedOperator(op, [first.term]), {
      ...iteration,
      warmStart: previous?.[1]?.G,
      reference: previous?.[1],
    });
    return {
      terms: [first.term, second.term],
      diagnostics: {
        powerIterations: first.iterations + second.iterations,
        iterationCapReached: (first.converged ? 0 : 1) + (second.converged ? 0 : 1),
      },
    };
  };
}

/**
 * Deflation (Koroko et al. 2023) as a fisherkit plug-in: `F ≈ R₁ ⊗ S₁ + R₂ ⊗ S₂`, the best sum of
 * two Kronecker products, inverted with damping on the first term (MATH.md §5):
 * `Δ = K_G [ (K_Gᵀ DW K_A) ⊘ D ] K_Aᵀ`, `D_ij = 1 + |s_G,i| |s_A,j|` (rule `abs`, default).
 *
 * @example
 * ```ts
 * import deflation from '@fisherkit/deflation';
 * const optimizer = naturalGradient(deflation, { learningRate: 0.003, damping: 1e-3 });
 * ```
 */
export const deflation = kroneckerPlugin<DeflationOptions>({
  id: 'deflation',
  title: 'Deflation — best rank-2 Kronecker approximation by sequential power iteration',
  reference: 'Koroko, Anciaux-Sedrakian, Ben Gharbia, Garès, Haddou, Tran (2023), Efficient approximations of the Fisher matrix in neural networks using Kronecker product singular value decomposition, ESAIM: Proceedings and Surveys 73, 218-237, doi:10.1051/proc/202373218',
  defaults: { tol: 1e-6, maxIterations: 200, inverse: 'abs', floor: 1e-3 },
  estimator: deflationEstimator,
});

export default deflation;
