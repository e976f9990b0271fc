import * as tf from '@tensorflow/tfjs-core';
import { matmul, ShapeError, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import type { Damping } from './contract.js';
import { inverseFactors, type SingleTermFactors } from './inverse-factors.js';
import { uploadMatrix, type KroneckerInverse } from './kronecker-inverse.js';

/**
 * The damped inverse of one Kronecker term, as used by KFAC and KPSVD (MATH.md §2):
 *
 *     Δ (weight layout [d_a, d_g]) = (A + π√λ I)⁻¹ · DWᵀ · (G + (√λ/π) I)⁻¹
 *
 * @example
 * ```ts
 * const inv = singleTermInverse({ A, G }, { lambda: 1e-3, pi: 'tracenorm' });
 * const delta = inv.apply(grad); // grad: [d_a, d_g] tensor
 * inv.dispose();
 * ```
 */
export function singleTermInverse(term: KroneckerTerm, damping: Damping): KroneckerInverse & { pi: number } {
  const f = inverseFactors([term], damping) as SingleTermFactors;
  return { ...singleTermInverseFromFactors(f.aInverse, f.gInverse), pi: f.pi };
}

/**
 * A {@link KroneckerInverse} from already inverted factors `Ā⁻¹`, `Ḡ⁻¹` (checkpoint restore):
 * `Δ = Ā⁻¹ · DWᵀ · Ḡ⁻¹`.
 *
 * @example `singleTermInverseFromFactors(state.aInverse, state.gInverse)`
 */
export function singleTermInverseFromFactors(aInverse: Matrix, gInverse: Matrix): KroneckerInverse {
  const aTensor = uploadMatrix(aInverse);
  const gTensor = uploadMatrix(gInverse);
  const checkShape = (rows: number, cols: number): void => {
    if (rows !== aInverse.rows || cols !== gInverse.rows) {
      throw new ShapeError(`gradient must be [${aInverse.rows}, ${gInverse.rows}] ([d_a, d_g]), got [${rows}, ${cols}]`);
    }
  };
  return {
    apply(grad) {
      checkShape(grad.shape[0], grad.shape[1]);
      return tf.tidy(() => tf.matMul(tf.matMul(aTensor, grad), gTensor));
    },
    applyExact(grad) {
      checkShape(grad.rows, grad.cols);
      return matmul(matmul(aInverse, grad), gInverse);
    },
    factors: () => ({ aInverse, gInverse }),
    dispose() {
      aTensor.dispose();
      gTensor.dispose();
    },
  };
}
