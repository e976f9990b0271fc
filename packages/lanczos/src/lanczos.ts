import { rfOperator, topKroneckerPairs } from '@fisherkit/core';
import {
  kroneckerPlugin,
  type KroneckerEstimator,
  type TwoTermOptions,
} from '@fisherkit/preconditioner';

/** Options of the Lanczos plug-in (`maxIterations` caps the thick restarts). */
export type LanczosOptions = TwoTermOptions;

/**
 * The Lanczos estimator: the two leading singular pairs of R(F) computed jointly by restarted
 * Golub–Kahan–Lanczos bidiagonalisation on the matrix-free products (with a Krylov size that
 * converges, unlike the size 2 of the authors' code), warm-started from the previous S₁.
 *
 * @example `const { terms } = lanczosEstimator(lanczos.defaults)(batch, null)`
 */
export function lanczosEstimator(options: LanczosOptions): KroneckerEstimator {
  return (batch, previous) => {
    const result = topKroneckerPairs(rfOperator(batch.a, batch.g), 2, {
      tol: options.tol,
      maxRestarts: options.maxIterations,
      warmStart: previous?.[0]?.G,
      references: previous ? [...previous] : undefined,
    });
    return {
      terms: result.terms,
      diagnostics: {
        lanczosSteps: result.iterations,
        lanczosRestarts: result.restarts,
        iterationCapReached: result.converged ? 0 : 1,
      },
    };
  };
}

/**
 * Lanczos (Koroko et al. 2023) as a fisherkit plug-in: the same rank-2 target as Deflation,
 * `F ≈ R₁ ⊗ S₁ + R₂ ⊗ S₂`, computed jointly by Lanczos bidiagonalisation, inverted as in MATH.md §5.
 *
 * @example
 * ```ts
 * import lanczos from '@fisherkit/lanczos';
 * const optimizer = naturalGradient(lanczos, { learningRate: 0.003, damping: 1e-3 });
 * ```
 */
export const lanczos = kroneckerPlugin<LanczosOptions>({
  id: 'lanczos',
  title: 'Lanczos — best rank-2 Kronecker approximation by Lanczos bidiagonalisation',
  reference: 'Koroko, Anciaux-Sedrakian, Ben Gharbia, Garès, Haddou, Tran (2023), Efficient approximations of the Fisher matrix in neural networks using Kronecker product singular value decomposition, ESAIM: Proceedings and Surveys 73, 218-237, doi:10.1051/proc/202373218',
  defaults: { tol: 1e-6, maxIterations: 50, inverse: 'abs', floor: 1e-3 },
  estimator: lanczosEstimator,
});

export default lanczos;
